export type { Account } from '@codex-gateway/backend/console-api';
