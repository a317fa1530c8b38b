export type { SetupChecklist, SetupTaskId, SetupTaskView } from '@codex-gateway/backend/admin-api';
