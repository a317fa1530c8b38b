import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import {
  claudeCodeSnippet,
  clientBaseUrl,
  codexConfigSnippet,
  curlSnippet,
  describeEnv,
  EXAMPLE_MODEL,
  nodeSnippet,
  pythonSnippet,
  shellEnvSnippet,
} from '@codex-gateway/backend';
import { bannerText } from './banner.js';
import { STACK_ENV_NAMES } from './config.js';
import { REPO_ROOT } from './paths.js';
import type { StackInfo } from './stack.js';

const readme = readFileSync(path.join(REPO_ROOT, 'README.md'), 'utf8');

test('the README configuration table names every variable the backend and the stack read', () => {
  const missing = [...describeEnv().map((v) => v.name), ...STACK_ENV_NAMES].filter((name) => !readme.includes(`\`${name}\``));
  assert.deepEqual(missing, []);
});

test('the README documents the two commands and the stack contract file', () => {
  for (const text of ['npm start', 'npm test', 'npm run down', '.stack/stack.json', '--fresh']) assert.ok(readme.includes(text), text);
});

test("the README's client snippets are the console's and the banner's: /v1, the example model, the same text", () => {
  const input = {
    baseUrl: clientBaseUrl('http://127.0.0.1:12322'),
    model: EXAMPLE_MODEL,
    keyComment: "an API key from the console's Keys page (or demoApiKey in .stack/stack.json)",
  };
  for (const snippet of [shellEnvSnippet, curlSnippet, codexConfigSnippet, claudeCodeSnippet, pythonSnippet, nodeSnippet]) {
    assert.ok(readme.includes(`\n${snippet(input)}\n\`\`\``), `${snippet.name} as client-setup.ts writes it:\n${snippet(input)}`);
  }
});

test('no client in the README is pointed at /api/v1', () => {
  const misdirected = readme.split('\n').filter((line) => /(base_url|baseURL|OPENAI_BASE_URL|curl )[^\n]*\/api\/v1/.test(line));
  assert.deepEqual(misdirected, []);
});

test('the banner configures clients at /v1 with the demo key and the shared curl snippet', () => {
  const info = {
    gatewayUrl: 'http://127.0.0.1:12322',
    consoleUrl: 'http://127.0.0.1:12322/',
    demoApiKey: 'sk-cg-demo',
    demoCustomer: { email: 'demo@codex-gateway.local', password: 'pw' },
    upstreamUrl: 'http://127.0.0.1:12399',
    backends: [],
    postgres: { primaryUrl: 'postgres://a:b@h/d', replicaUrl: 'postgres://a:b@h/d', ownerUrl: 'postgres://a:b@h/d' },
    redisUrl: 'redis://127.0.0.1:16379',
    payments: {},
  } as unknown as StackInfo;
  const text = bannerText(info, { dir: '.stack', workers: 1, mock: true, seconds: 1 });
  assert.ok(!text.includes('/api/v1'), text);
  assert.ok(text.includes("export CODEX_GATEWAY_API_KEY='sk-cg-demo'"), text);
  const curl = curlSnippet({ baseUrl: 'http://127.0.0.1:12322/v1', model: EXAMPLE_MODEL, keyComment: "the demo customer's key (demoApiKey in stack.json)" });
  assert.ok(
    text.includes(
      curl
        .split('\n')
        .map((line) => `  ${line}`)
        .join('\n'),
    ),
    text,
  );
});
