export type { CreateModelRequest, ModelChangeRequest, ModelList, ModelView } from '@codex-gateway/backend/admin-api';
