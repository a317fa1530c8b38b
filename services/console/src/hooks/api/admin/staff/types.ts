export type { AppointStaffRequest, ChangedStaffView, StaffList, StaffRole, StaffView } from '@codex-gateway/backend/admin-api';
