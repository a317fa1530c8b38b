import assert from 'node:assert/strict';
import { execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { before, describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { adminApi, testStack, waitForRows } from '@codex-gateway/stack/testing';

/**
 * Claude Code itself (the npm package, pinned in ../package.json) against the test
 * stack's gateway, as a user runs it: ANTHROPIC_BASE_URL at the gateway's root,
 * ANTHROPIC_AUTH_TOKEN a customer's key. Its native binary comes as an npm optional
 * dependency; cli-wrapper.cjs runs it without the postinstall.
 */

const stack = testStack();
const admin = adminApi(stack);
const HERE = path.dirname(fileURLToPath(import.meta.url));
const PACKAGE_DIR = path.resolve(HERE, '..');
const WRAPPER = path.join(PACKAGE_DIR, 'node_modules', '@anthropic-ai', 'claude-code', 'cli-wrapper.cjs');

type Row = {
  model: string;
  status_code: number;
  refusal: string | null;
  prompt_tokens: number;
  completion_tokens: number;
  cost_micros: string;
  channel: string;
};
const ROWS =
  'SELECT model, status_code, refusal, prompt_tokens, completion_tokens, cost_micros, channel FROM usage_logs WHERE user_id = $1 ORDER BY created_at';

/** `claude -p …` in a home and a working directory of its own; its output and exit code. */
function claude(key: string, args: string[]): Promise<{ out: string; code: number | null }> {
  const home = mkdtempSync(path.join(os.tmpdir(), 'claude-home-'));
  const cwd = path.join(home, 'work');
  mkdirSync(cwd);
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [WRAPPER, '-p', ...args], {
      cwd,
      env: {
        PATH: process.env.PATH,
        HOME: home,
        ANTHROPIC_BASE_URL: stack.gatewayUrl,
        ANTHROPIC_AUTH_TOKEN: key,
        // No telemetry or update checks: nothing but the gateway is reachable here.
        CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC: '1',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (out += d));
    const timer = setTimeout(() => child.kill('SIGKILL'), 120_000);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ out, code });
    });
  });
}

describe('Claude Code, the real client', () => {
  before(() => {
    if (!existsSync(WRAPPER)) execFileSync('npm', ['ci', '--no-audit', '--no-fund'], { cwd: PACKAGE_DIR, stdio: 'inherit', timeout: 600_000 });
  });

  test('claude -p answers through the gateway, on its default Claude model, metered and priced', async () => {
    const { key, userId } = await admin.customer();
    const { out, code } = await claude(key, ['Say hello to the gateway']);
    assert.equal(code, 0, out);
    assert.match(out, /mock reply/);
    const rows = await waitForRows<Row>(ROWS, [userId], (r) => r.some((x) => x.status_code === 200));
    const served = rows.filter((r) => r.status_code === 200);
    assert.ok(
      served.every((r) => r.channel === 'anthropic' && r.model.startsWith('claude-')),
      JSON.stringify(rows),
    );
    assert.ok(
      served.every((r) => r.prompt_tokens > 0 && Number(r.cost_micros) > 0),
      JSON.stringify(rows),
    );
  });

  test('a tool-using turn completes: the shell tool runs, its output goes back, the answer ends the turn', async () => {
    const { key, userId } = await admin.customer();
    const { out, code } = await claude(key, ['--model', 'mock-tools', '--allowedTools', 'Bash(echo:*)', '--output-format', 'json', 'Run the mock command']);
    assert.equal(code, 0, out);
    const result = JSON.parse(out.slice(out.indexOf('{'))) as { result: string; num_turns: number; is_error: boolean };
    assert.equal(result.is_error, false, out);
    assert.equal(result.result, 'Tool output received: mock-tool-ok');
    assert.equal(result.num_turns, 2);
    const rows = await waitForRows<Row>(ROWS, [userId], (r) => r.filter((x) => x.model === 'mock-tools').length >= 2);
    assert.ok(rows.filter((r) => r.model === 'mock-tools').every((r) => r.status_code === 200));
  });

  test('a daily limit stops it at once and tells when the limit resets', async () => {
    const { key, userId } = await admin.customer({ daily_request_limit: 1 });
    assert.equal((await claude(key, ['Say hello'])).code, 0);
    const { out } = await claude(key, ['Say hello again']);
    assert.match(out, /429/);
    assert.match(out, /Daily request limit of 1 reached .*resets at \d{4}-\d\d-\d\dT/);
    const rows = await waitForRows<Row>(ROWS, [userId], (r) => r.some((x) => x.status_code === 429));
    assert.equal(rows.filter((r) => r.status_code === 429).length, 1, 'not retried (x-should-retry: false)');
  });
});
