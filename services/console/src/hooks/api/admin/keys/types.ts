export type { ApiKeyList, IssuedApiKey, IssueKeyRequest } from '@codex-gateway/backend/admin-api';
export type { ApiKeyView } from '@codex-gateway/backend/console-api';
