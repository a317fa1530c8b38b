import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { after, before, describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import nodemailer, { type Transporter } from 'nodemailer';
import { type CaughtMail, type MailCatcher, startMailCatcher } from './index.js';

const FROM = 'Codex Gateway <no-reply@codex-gateway.local>';

async function list(catcher: MailCatcher, to?: string): Promise<CaughtMail[]> {
  const res = await fetch(`${catcher.apiUrl}/messages${to ? `?to=${encodeURIComponent(to)}` : ''}`);
  assert.equal(res.status, 200);
  return (await res.json()) as CaughtMail[];
}

describe('the mail catcher', () => {
  let catcher: MailCatcher;
  let transport: Transporter;

  before(async () => {
    catcher = await startMailCatcher({ capacity: 5, sizeLimit: 64 * 1024 });
    // Exactly how the backend sends: a plain smtp:// URL.
    transport = nodemailer.createTransport(catcher.smtpUrl);
  });
  after(async () => {
    transport.close();
    await catcher.close();
  });

  test('a mail sent with nodemailer is listed for each recipient, Bcc included, and readable by id', async () => {
    await fetch(`${catcher.apiUrl}/messages`, { method: 'DELETE' });
    await transport.sendMail({
      from: FROM,
      to: 'Ada@Example.test',
      bcc: 'auditor@example.test',
      subject: 'Verify your e-mail — 验证邮箱',
      text: 'Open http://127.0.0.1:12322/verify?token=abc123 to verify.',
      html: '<p><a href="http://127.0.0.1:12322/verify?token=abc123">Verify</a></p>',
    });

    const [mail] = await list(catcher, 'ada@example.test');
    assert.ok(mail, 'found by the address in another case');
    assert.equal(mail.from, '"Codex Gateway" <no-reply@codex-gateway.local>');
    assert.deepEqual(mail.to.map((a) => a.toLowerCase()).sort(), ['ada@example.test', 'auditor@example.test']);
    assert.equal(mail.subject, 'Verify your e-mail — 验证邮箱');
    assert.match(mail.text, /verify\?token=abc123/);
    assert.match(mail.html ?? '', /<a href=/);
    assert.ok(Math.abs(Date.parse(mail.date) - Date.now()) < 60_000);
    assert.equal((await list(catcher, 'auditor@example.test'))[0]?.id, mail.id);
    assert.deepEqual(await list(catcher, 'nobody@example.test'), []);

    const byId = await fetch(`${catcher.apiUrl}/messages/${mail.id}`);
    assert.deepEqual(await byId.json(), mail);
    assert.equal((await fetch(`${catcher.apiUrl}/messages/999999`)).status, 404);
  });

  test('newest first; it keeps only the last mails; DELETE empties it', async () => {
    await fetch(`${catcher.apiUrl}/messages`, { method: 'DELETE' });
    for (let i = 1; i <= 7; i += 1) await transport.sendMail({ from: FROM, to: 'many@example.test', subject: `mail ${i}`, text: `body ${i}` });
    const mails = await list(catcher);
    assert.deepEqual(
      mails.map((m) => m.subject),
      ['mail 7', 'mail 6', 'mail 5', 'mail 4', 'mail 3'],
    );
    assert.equal(mails[0]?.html, null, 'a text-only mail has no html');

    const cleared = await fetch(`${catcher.apiUrl}/messages`, { method: 'DELETE' });
    assert.equal(cleared.status, 204);
    assert.deepEqual(await list(catcher), []);
  });

  test('a mail over the size limit is refused by the SMTP server', async () => {
    await assert.rejects(
      transport.sendMail({ from: FROM, to: 'big@example.test', subject: 'big', text: 'x'.repeat(200 * 1024) }),
      (err: { responseCode?: number }) => err.responseCode === 552,
    );
    assert.deepEqual(await list(catcher, 'big@example.test'), []);
  });

  test('answers /healthz, and 404 or 405 in JSON for anything else', async () => {
    assert.deepEqual(await (await fetch(`${catcher.apiUrl}/healthz`)).json(), { status: 'ok' });
    const unknown = await fetch(`${catcher.apiUrl}/nothing`);
    assert.equal(unknown.status, 404);
    assert.match(unknown.headers.get('content-type') ?? '', /application\/json/);
    assert.equal((await fetch(`${catcher.apiUrl}/messages`, { method: 'POST', body: '{}' })).status, 405);
  });
});

describe('main.ts', () => {
  const mainPath = fileURLToPath(new URL('./main.ts', import.meta.url));
  const repoRoot = fileURLToPath(new URL('../../../', import.meta.url));

  test('starts on the ports it is given, catches a mail, and exits 0 on SIGTERM', async () => {
    const child = spawn(process.execPath, ['--import', 'tsx', mainPath], {
      cwd: repoRoot,
      env: { PATH: process.env.PATH ?? '', MAIL_CATCHER_SMTP_PORT: '0', MAIL_CATCHER_HTTP_PORT: '0' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    let output = '';
    const [smtpUrl, apiUrl] = await new Promise<[string, string]>((resolve, reject) => {
      child.stdout.on('data', (chunk: Buffer) => {
        output += chunk.toString();
        const match = /SMTP on (smtp:\/\/\S+), messages at (http:\/\/\S+)\/messages/.exec(output);
        if (match) resolve([match[1]!, match[2]!]);
      });
      void exited.then((code) => reject(new Error(`exited early with ${code}`)));
    });
    const transport = nodemailer.createTransport(smtpUrl);
    await transport.sendMail({ from: FROM, to: 'cli@example.test', subject: 'through main.ts', text: 'hi' });
    transport.close();
    const [mail] = (await (await fetch(`${apiUrl}/messages?to=cli@example.test`)).json()) as CaughtMail[];
    assert.equal(mail?.subject, 'through main.ts');
    child.kill('SIGTERM');
    assert.equal(await exited, 0);
  });
});
