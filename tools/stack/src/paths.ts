import { fileURLToPath } from 'node:url';
import path from 'node:path';

export const REPO_ROOT = fileURLToPath(new URL('../../..', import.meta.url));
export const DEPLOY_DIR = path.join(REPO_ROOT, 'deploy');
export const BACKEND_MAIN = path.join(REPO_ROOT, 'services/backend/dist/main.js');
export const MOCK_UPSTREAM_MAIN = path.join(REPO_ROOT, 'services/mock-upstream/dist/main.js');
export const FAKE_PAYMENTS_MAIN = path.join(REPO_ROOT, 'services/fake-payments/dist/main.js');
