export type { ApiKeyView, CreatedApiKey, CreateKeyRequest } from '@codex-gateway/backend/console-api';
