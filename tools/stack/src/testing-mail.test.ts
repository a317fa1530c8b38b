import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import nodemailer, { type Transporter } from 'nodemailer';
import { linkFrom, readMail, testStack } from './testing.js';

const stack = testStack();

/** The helpers console tests read mail with, against the test stack's mail catcher. */
describe('readMail and linkFrom', () => {
  let transport: Transporter;
  const to = `reader-${randomUUID()}@example.test`;

  before(() => {
    assert.ok(stack.mail, 'the test stack runs the mail catcher');
    transport = nodemailer.createTransport(stack.mail.smtpUrl);
  });
  after(() => transport.close());

  test('readMail waits for the newest mail to an address whose subject matches, and linkFrom finds its link', async () => {
    const since = new Date();
    const link = `${stack.gatewayUrl}/verify?token=tok_${randomUUID()}`;
    // Sent a moment after the reader starts waiting, as a backend sends after it answers.
    const reading = readMail(to.toUpperCase(), { subject: /verify/i, since });
    await transport.sendMail({ from: 'Codex Gateway <no-reply@codex-gateway.local>', to, subject: 'Welcome', text: 'Hello.' });
    setTimeout(() => {
      void transport.sendMail({
        from: 'Codex Gateway <no-reply@codex-gateway.local>',
        to,
        subject: 'Verify your e-mail',
        text: `Open ${link}. It works once. Elsewhere: https://example.test/verify?token=nope`,
        html: `<a href="${link}">Verify</a>`,
      });
    }, 300);
    const mail = await reading;
    assert.equal(mail.subject, 'Verify your e-mail');
    assert.equal(linkFrom(mail, '/verify?token='), link, 'the first gateway link, without the full stop after it');
    assert.equal(linkFrom({ ...mail, text: '' }, '/verify?token='), link, 'from the HTML part when the text has none');
    assert.throws(() => linkFrom(mail, '/reset?token='), /no link starting with .*\/reset\?token=/);
  });

  test('readMail gives up after its timeout, naming the mails it did see', async () => {
    await assert.rejects(readMail(to, { subject: /password reset/, timeoutMs: 500 }), /a mail to .* like \/password reset\/.*"Welcome"/);
  });
});
