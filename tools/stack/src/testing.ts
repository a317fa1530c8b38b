import { readFileSync } from 'node:fs';
import type { StackInfo } from './stack.js';

/** The cluster `npm test` started for this run (see test-run.ts). */
export function testStack(): StackInfo {
  const file = process.env.STACK_FILE;
  if (!file) throw new Error('STACK_FILE is not set: run the tests with `npm test`, which starts the cluster they need');
  return JSON.parse(readFileSync(file, 'utf8')) as StackInfo;
}

/** A directory for a test's own services (logs, data), inside the test stack's. */
export function testDir(): string {
  const dir = process.env.STACK_DIR;
  if (!dir) throw new Error('STACK_DIR is not set: run the tests with `npm test`');
  return dir;
}

export { startRedis } from './services/redis.js';
export { freePort } from './ports.js';
export { waitFor } from './process.js';
