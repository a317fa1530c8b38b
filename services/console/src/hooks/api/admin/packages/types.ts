export type {
  AdminPackageList,
  AdminPackageView,
  CreatePackageRequest,
  GrantedPeriod,
  GrantPackageRequest,
  PackageChangeRequest,
} from '@codex-gateway/backend/admin-api';
