import { spawn } from 'node:child_process';
import { chmodSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createAdminClient } from './admin-client.js';
import { randomPorts } from './config.js';
import { REPO_ROOT, SCREENSHOT_DIR } from './paths.js';
import { type RunningStack, startStack } from './stack.js';

const TEST_ROOTS = ['services', 'tools'];
// The console's unit tests run under Vitest, in a browser-like DOM, from its own `npm test`.
const VITEST_ROOTS = new Set([path.join(REPO_ROOT, 'services', 'console')]);

function findTests(dir: string, found: string[] = []): string[] {
  for (const entry of readdirSync(dir)) {
    if (entry === 'node_modules' || entry === 'dist' || entry.startsWith('.')) continue;
    const full = path.join(dir, entry);
    if (VITEST_ROOTS.has(full)) continue;
    if (statSync(full).isDirectory()) findTests(full, found);
    else if (entry.endsWith('.test.ts')) found.push(full);
  }
  return found;
}

/**
 * `npm test`: a whole cluster (2 backends × 2 workers, nginx, primary + replica, Redis,
 * mock upstream, payment fakes, mail catcher) on ports of its own in a temporary
 * directory, then every *.test.ts file against it (their STACK_FILE), then everything is
 * stopped. Exit code: the tests'.
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
  // Screenshots of this run only (browser.ts screenshot()).
  rmSync(SCREENSHOT_DIR, { recursive: true, force: true });
  let stack: RunningStack;
  try {
    stack = await startStack({
      dir,
      ports: await randomPorts(2),
      backends: 2,
      workers: 2,
      fresh: true,
      monitoring: true,
      logLevel: 'warn',
      // Mail always goes to the stack's catcher, where the tests read it (testing.ts readMail).
      // EDGE_RATE_LIMITS: every test comes from 127.0.0.1 (deploy-nginx-edge.test.ts runs an nginx with them).
      // NOTICE_SCAN_INTERVAL_MS: reminders due by date are looked for every second, not every five minutes.
      env: { ...process.env, NODE_ENV: 'test', SMTP_URL: undefined, EDGE_RATE_LIMITS: 'off', NOTICE_SCAN_INTERVAL_MS: '1000' },
      onProgress: (step) => console.log(`  · ${step}`),
    });
  } catch (err) {
    console.error(`the test stack did not start: ${(err as Error).message}`);
    printLogTails(dir);
    return 1;
  }
  try {
    await sellMockModels(stack);
  } catch (err) {
    console.error(`the test stack's catalogue could not be prepared: ${(err as Error).message}`);
    await stack.stop();
    return 1;
  }
  console.log(`test stack ready in ${((Date.now() - started) / 1000).toFixed(1)} s; running ${files.length} test files`);

  let code = 1;
  try {
    code = await new Promise<number>((resolve) => {
      const child = spawn(process.execPath, ['--import', 'tsx', '--test', '--test-concurrency=1', '--test-timeout=180000', '--test-reporter=spec', ...files], {
        stdio: 'inherit',
        cwd: REPO_ROOT,
        env: { ...process.env, STACK_FILE: path.join(dir, 'stack.json'), STACK_DIR: dir },
      });
      child.once('close', (c) => resolve(c ?? 1));
    });
  } finally {
    await stack.stop();
    if (code === 0) code = checkLogsForSecrets(dir);
    if (code !== 0) printLogTails(dir);
    if (code === 0 && !process.env.KEEP_TEST_STACK) rmSync(dir, { recursive: true, force: true });
    else console.log(`test stack kept in ${dir}`);
  }
  console.log(`npm test took ${((Date.now() - started) / 1000).toFixed(1)} s`);
  return code;
}

/**
 * The gateway serves only what its catalogue sells, and the tests choose the mock
 * upstream's behaviours by model name (`mock-error-500`, `mock-drop-after-3`, …: see
 * services/mock-upstream/src/mock-options.ts). So the test stack's catalogue sells the
 * `mock-*` family at no charge: data added through the admin API, as an operator would,
 * never a branch in src/. A test that bills a mock model prices its exact name, which wins
 * over the family.
 */
async function sellMockModels(stack: RunningStack): Promise<void> {
  const res = await createAdminClient(stack.info).call('POST', '/models', {
    name: 'mock-*',
    input_price: 0,
    cached_input_price: 0,
    output_price: 0,
    notes: "the test harness: the mock upstream's behaviour models, free",
  });
  if (res.status !== 201 && res.status !== 409) throw new Error(`POST /api/admin/models answered ${res.status}: ${JSON.stringify(res.body)}`);
}

/**
 * After the whole suite: no API key, admin token, pepper, password or webhook secret
 * appears in any log the stack wrote (services, nginx access and error logs).
 */
function checkLogsForSecrets(dir: string): number {
  const secrets = JSON.parse(readFileSync(path.join(dir, 'secrets.json'), 'utf8')) as Record<string, string>;
  const files = [path.join(dir, 'logs'), path.join(dir, 'nginx', 'logs')].flatMap((d) => {
    try {
      return readdirSync(d).map((f) => path.join(d, f));
    } catch {
      return [];
    }
  });
  const leaks: string[] = [];
  for (const file of files) {
    const text = readFileSync(file, 'utf8');
    for (const [name, value] of Object.entries(secrets)) if (value.length >= 8 && text.includes(value)) leaks.push(`${name} in ${file}`);
    // Any full API key, the demo one or a test's own.
    if (/sk-cg-[A-Za-z0-9]{40}/.test(text)) leaks.push(`an API key in ${file}`);
  }
  console.log(leaks.length ? `secrets check: FAIL\n  ${leaks.join('\n  ')}` : `secrets check: no secret in ${files.length} log files`);
  return leaks.length ? 1 : 0;
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
