export type { Account, NoticePreferences, RecoveryCodesAnswer, TotpSetupAnswer, TotpStatus } from '@codex-gateway/backend/console-api';
