export type { Account, RecoveryCodesAnswer, TotpSetupAnswer, TotpStatus } from '@codex-gateway/backend/console-api';
