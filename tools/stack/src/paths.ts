import { fileURLToPath } from 'node:url';
import path from 'node:path';

export const REPO_ROOT = fileURLToPath(new URL('../../..', import.meta.url));
export const DEPLOY_DIR = path.join(REPO_ROOT, 'deploy');
export const BACKEND_MAIN = path.join(REPO_ROOT, 'services/backend/dist/main.js');
export const BACKEND_ADMIN = path.join(REPO_ROOT, 'services/backend/dist/cli/admin.js');
export const MOCK_UPSTREAM_MAIN = path.join(REPO_ROOT, 'services/mock-upstream/dist/main.js');
export const FAKE_PAYMENTS_MAIN = path.join(REPO_ROOT, 'services/fake-payments/dist/main.js');
export const MAIL_CATCHER_MAIN = path.join(REPO_ROOT, 'services/mail-catcher/dist/main.js');
/** The web console as Vite builds it (`npm run build -w services/console`); nginx serves it at /. */
export const CONSOLE_DIST = path.join(REPO_ROOT, 'services/console/dist');
/** Screenshots the browser tests take, kept after the run for people to look at (git-ignored). */
export const SCREENSHOT_DIR = path.join(REPO_ROOT, 'test-results/screenshots');

/** The deploy/ files the native stack uses; compose mounts the very same ones (a test checks). */
export const DEPLOY_FILES = {
  nginxConf: 'nginx/nginx.conf',
  nginxTemplate: 'nginx/templates/gateway.conf.template',
  nginxTlsTemplate: 'nginx/tls/gateway-tls.conf.template',
  redisConf: 'redis/redis.conf',
  postgresConf: 'postgres-replica/postgresql.conf',
  pgHba: 'postgres-replica/pg_hba.conf',
  pgIdent: 'postgres-replica/pg_ident.conf',
} as const;

/** The price list a new local stack (and the development compose file) puts on sale, once: data the operator edits. */
export const PRICE_LIST_FILE = path.join(DEPLOY_DIR, 'seed/price-list.json');

export const deployFile = (name: keyof typeof DEPLOY_FILES) => path.join(DEPLOY_DIR, DEPLOY_FILES[name]);
