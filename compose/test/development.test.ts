import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import OpenAI from 'openai';
import { adminApi } from '@codex-gateway/stack/testing';
import { type ComposeProject, composeProject, DEVELOPMENT_FILE, fetchWithin, nginxFollows, step } from './compose-project.js';

/**
 * The development compose file: up with its mock upstream, one request through nginx, down.
 * The stack comes down in after(), and, should the file end otherwise (a crash, a signal, a
 * test cancelled with its await still pending), when the process exits (compose-project.ts).
 */
describe('the development compose stack', { timeout: 20 * 60_000 }, () => {
  let stack: ComposeProject | undefined;

  before(async () => {
    // The development file names no images: down removes the ones compose built under this project's name.
    const project = await composeProject({ name: `cgdev${process.pid}`, files: [DEVELOPMENT_FILE], removeImages: true });
    stack = project;
    await step('build', 10 * 60_000, () => project.compose('build'));
    await step('up', 5 * 60_000, () => project.compose('up', '-d', '--scale', 'backend=2'));
    await step('ready through nginx', 250_000, () => project.ready(240_000));
  });

  const started = () => {
    if (!stack) throw new Error('the stack did not come up');
    return stack;
  };

  after(async () => {
    const project = stack;
    if (project) await step('down', 5 * 60_000, () => project.down({ volumes: true }));
  });

  test('comes up with two backends behind nginx serving the console, and a new customer chats through it', async () => {
    const stack = started();
    await step('nginx follows both backends', 70_000, () => nginxFollows(stack, 2, 60_000));
    // The development file's well-known admin token (production refuses it).
    const admin = adminApi({ gatewayUrl: stack.gatewayUrl, adminToken: 'dev-admin-token-change-me' } as never);
    const customer = await step('a customer with a key and a package', 60_000, () => admin.customer());
    const openai = new OpenAI({ baseURL: `${stack.gatewayUrl}/v1`, apiKey: customer.key, maxRetries: 0, timeout: 30_000 });
    const answer = await step('a chat through nginx', 40_000, () =>
      openai.chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'hello from the dev stack' }] }),
    );
    assert.ok(answer.choices[0]?.message.content, 'an answer');
    // nginx's image carries the console; the mail catcher's API is published for people to read.
    const page = await step('the console page', 30_000, () => fetchWithin(`${stack.gatewayUrl}/keys`, 20_000));
    assert.equal(page.status, 200);
    assert.match(page.body, /^<!doctype html>/i);
    assert.match(page.body, /<script type="module" [^>]*src="\/assets\//);
    const mail = await step('the mail catcher', 30_000, () => fetchWithin(`http://127.0.0.1:${stack.vars.MAIL_CATCHER_PUBLISH_PORT}/messages`, 20_000));
    assert.deepEqual(JSON.parse(mail.body), []);
    const published = await stack.compose('port', 'nginx', '12322');
    assert.match(published, /^127\.0\.0\.1:\d+$/, 'published on loopback only: its secrets are well known');
  });
});
