export type { Account, SessionAnswer, SignInAnswer } from '@codex-gateway/backend/console-api';
