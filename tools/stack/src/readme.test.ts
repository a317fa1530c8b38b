import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { describeEnv } from '@codex-gateway/backend';
import { STACK_ENV_NAMES } from './config.js';
import { REPO_ROOT } from './paths.js';

const readme = readFileSync(path.join(REPO_ROOT, 'README.md'), 'utf8');

test('the README configuration table names every variable the backend and the stack read', () => {
  const missing = [...describeEnv().map((v) => v.name), ...STACK_ENV_NAMES].filter((name) => !readme.includes(`\`${name}\``));
  assert.deepEqual(missing, []);
});

test('the README documents the two commands and the stack contract file', () => {
  for (const text of ['npm start', 'npm test', 'npm run down', '.stack/stack.json', '--fresh']) assert.ok(readme.includes(text), text);
});
