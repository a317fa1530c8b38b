export type { Account, TotpSetupAnswer } from '@codex-gateway/backend/console-api';
