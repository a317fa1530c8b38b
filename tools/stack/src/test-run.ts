import { spawn } from 'node:child_process';
import { chmodSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { randomPorts } from './config.js';
import { REPO_ROOT } from './paths.js';
import { startStack } from './stack.js';

const TEST_ROOTS = ['services', 'tools'];

function findTests(dir: string, found: string[] = []): string[] {
  for (const entry of readdirSync(dir)) {
    if (entry === 'node_modules' || entry === 'dist' || entry.startsWith('.')) continue;
    const full = path.join(dir, entry);
    if (statSync(full).isDirectory()) findTests(full, found);
    else if (entry.endsWith('.test.ts')) found.push(full);
  }
  return found;
}

/**
 * `npm test`: a whole cluster (2 backends × 2 workers, nginx, primary + replica, Redis,
 * mock upstream) on ports of its own in a temporary directory, then every *.test.ts file
 * against it (their STACK_FILE), then everything is stopped. Exit code: the tests'.
 */
export async function runTests(filters: string[]): Promise<number> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'codex-gateway-test-'));
  // mkdtemp makes it private to root; the postgres user must reach its data directories.
  chmodSync(dir, 0o755);
  const started = Date.now();
  const files = TEST_ROOTS.flatMap((root) => findTests(path.join(REPO_ROOT, root)))
    .filter((f) => filters.length === 0 || filters.some((x) => f.includes(x)))
    .sort();
  if (files.length === 0) {
    console.error('no test files matched');
    return 1;
  }
  console.log(`test stack in ${dir}`);
  let stack;
  try {
    stack = await startStack({
    dir,
    ports: await randomPorts(2),
    backends: 2,
    workers: 2,
    fresh: true,
    monitoring: true,
    logLevel: 'warn',
    env: { ...process.env, NODE_ENV: 'test' },
    onProgress: (step) => console.log(`  · ${step}`),
    });
  } catch (err) {
    console.error(`the test stack did not start: ${(err as Error).message}`);
    printLogTails(dir);
    return 1;
  }
  console.log(`test stack ready in ${((Date.now() - started) / 1000).toFixed(1)} s; running ${files.length} test files`);

  let code = 1;
  try {
    code = await new Promise<number>((resolve) => {
      const child = spawn(
        process.execPath,
        ['--import', 'tsx', '--test', '--test-concurrency=1', '--test-timeout=180000', '--test-reporter=spec', ...files],
        { stdio: 'inherit', cwd: REPO_ROOT, env: { ...process.env, STACK_FILE: path.join(dir, 'stack.json'), STACK_DIR: dir } },
      );
      child.once('close', (c) => resolve(c ?? 1));
    });
  } finally {
    if (code !== 0) printLogTails(dir);
    await stack.stop();
    if (code === 0 && !process.env.KEEP_TEST_STACK) rmSync(dir, { recursive: true, force: true });
    else console.log(`test stack kept in ${dir}`);
  }
  console.log(`npm test took ${((Date.now() - started) / 1000).toFixed(1)} s`);
  return code;
}

/** The end of every service log, for a failure in CI where nobody can look afterwards. */
function printLogTails(dir: string, lines = 25): void {
  const logDir = path.join(dir, 'logs');
  let entries: string[] = [];
  try {
    entries = readdirSync(logDir);
  } catch {
    return;
  }
  for (const entry of entries) {
    const tail = readFileSync(path.join(logDir, entry), 'utf8').trimEnd().split('\n').slice(-lines).join('\n');
    if (tail) console.log(`\n----- ${entry} (last ${lines} lines) -----\n${tail}`);
  }
}
