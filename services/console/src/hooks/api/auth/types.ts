export type { Account, SignInAnswer, SignInRequest, SignUpAnswer, SignUpRequest } from '@codex-gateway/backend/console-api';
