export type { CodePage, CodeView, CreateCodesRequest, CreatedCodes, VoidCodesRequest, VoidedCodes } from '@codex-gateway/backend/admin-api';

export interface CodeFilters {
  batch: string;
  status: '' | 'unused' | 'redeemed' | 'void';
}
