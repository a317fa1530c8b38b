import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { readStackEnv } from './config.js';
import { BACKEND_ADMIN } from './paths.js';
import { loadSecrets } from './secrets.js';
import type { StackInfo } from './stack.js';

/**
 * `npm run admin -- create-owner EMAIL` / `reset-2fa EMAIL`: the backend's admin command against the local stack
 * (its primary, Redis, key pepper and address). `STACK_FILE` names another stack (the tests use it).
 */
export async function runAdminCommand(args: string[]): Promise<number> {
  const { STACK_DIR: dir } = readStackEnv();
  const file = process.env.STACK_FILE ?? path.join(dir, 'stack.json');
  if (!existsSync(file)) {
    console.error(`No stack is running from ${dir} (start it with npm start).`);
    return 1;
  }
  const info = JSON.parse(readFileSync(file, 'utf8')) as StackInfo;
  const secrets = loadSecrets(path.dirname(file));
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [BACKEND_ADMIN, ...args], {
      stdio: 'inherit',
      env: {
        ...process.env,
        DATABASE_URL: info.postgres.primaryUrl,
        REDIS_URL: info.redisUrl,
        KEY_PEPPER: secrets.keyPepper,
        PUBLIC_BASE_URL: info.gatewayUrl,
      },
    });
    child.on('exit', (code) => resolve(code ?? 1));
  });
}
