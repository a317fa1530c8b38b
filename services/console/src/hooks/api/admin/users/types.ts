export type { CreateUserRequest, UserDetail, UserPage, UserTodayUsage, UserView } from '@codex-gateway/backend/admin-api';

export interface UserFilters {
  /** An e-mail fragment or a user id. */
  q: string;
  status: '' | 'active' | 'suspended';
}
