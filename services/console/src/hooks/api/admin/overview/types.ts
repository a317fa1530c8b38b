export type { AdminOverview, InstanceView, OverviewDay, TopModelView, TopUserView } from '@codex-gateway/backend/admin-api';
