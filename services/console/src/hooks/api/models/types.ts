export type { ConsoleModelsAnswer } from '@codex-gateway/backend/console-api';
