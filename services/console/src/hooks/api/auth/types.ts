export type { Account, SignInAnswer, SignInRequest, SignUpRequest } from '@codex-gateway/backend/console-api';
