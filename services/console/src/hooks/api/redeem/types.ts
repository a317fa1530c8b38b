export type { PeriodView, RedeemAnswer } from '@codex-gateway/backend/console-api';
