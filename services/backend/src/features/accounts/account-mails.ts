import type { Locale } from '../../contract/console-api.js';
import type { Mail } from './mailer.js';

const escapeHtml = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

/** A mail of paragraphs, one link and a footer, as text and as HTML. */
export function compose(to: string, subject: string, paragraphs: string[], link: { href: string; label: string }, footer: string): Mail {
  const text = [...paragraphs, '', link.href, '', footer].join('\n');
  const html = `<!doctype html><html><body style="font-family:sans-serif;line-height:1.5">
${paragraphs.map((p) => `<p>${escapeHtml(p)}</p>`).join('\n')}
<p><a href="${escapeHtml(link.href)}">${escapeHtml(link.label)}</a></p>
<p style="color:#666;font-size:small">${escapeHtml(footer)}</p>
</body></html>`;
  return { to, subject, text, html };
}

/** The mail that confirms an address: its link opens the console's /verify page. */
export function verificationMail(to: string, link: string, locale: Locale | null, hours: number): Mail {
  if (locale === 'zh') {
    return compose(
      to,
      '验证您的 Codex Gateway 邮箱',
      ['欢迎使用 Codex Gateway！', `请在 ${hours} 小时内打开下面的链接，验证您的邮箱地址：`],
      { href: link, label: '验证邮箱' },
      '如果您没有注册，请忽略此邮件。',
    );
  }
  return compose(
    to,
    'Verify your Codex Gateway e-mail address',
    ['Welcome to Codex Gateway!', `Open the link below within ${hours} hours to verify your e-mail address:`],
    { href: link, label: 'Verify my address' },
    'If you did not sign up, ignore this mail.',
  );
}

/** The mail that lets a person choose a (new) password: its link opens /reset-password. */
export function passwordResetMail(to: string, link: string, locale: Locale | null, minutes: number): Mail {
  if (locale === 'zh') {
    return compose(
      to,
      '设置您的 Codex Gateway 密码',
      ['有人（希望是您）请求为此账户设置新密码。', `请在 ${minutes} 分钟内打开下面的链接设置密码，链接只能使用一次：`],
      { href: link, label: '设置密码' },
      '如果不是您本人操作，请忽略此邮件，您的密码不会改变。',
    );
  }
  return compose(
    to,
    'Set your Codex Gateway password',
    ['Someone (we hope you) asked to set a new password for this account.', `Open the link below within ${minutes} minutes; it works once:`],
    { href: link, label: 'Set my password' },
    'If this was not you, ignore this mail: your password stays as it is.',
  );
}

/**
 * The mail to the owner of an address someone tried to sign up with: sign-up answers alike
 * for taken and new addresses, so this is how the rightful person learns of it. Its links
 * act on nothing by themselves.
 */
export function signUpAttemptMail(to: string, publicBaseUrl: string, locale: Locale | null): Mail {
  const signIn = `${publicBaseUrl}/sign-in`;
  const link = `${publicBaseUrl}/forgot-password`;
  if (locale === 'zh') {
    return compose(
      to,
      '有人尝试用您的邮箱注册 Codex Gateway',
      [
        '有人尝试用此邮箱地址注册 Codex Gateway 账户，但该地址已有账户。没有创建新账户，您的账户也没有任何变化。',
        `如果是您本人：请在 ${signIn} 登录；如果忘记了密码，可以在这里设置新密码：`,
      ],
      { href: link, label: '设置新密码' },
      '如果不是您本人操作，请忽略此邮件。',
    );
  }
  return compose(
    to,
    'A sign-up with your e-mail address at Codex Gateway',
    [
      'Someone tried to create a Codex Gateway account with this e-mail address, which already has one. No account was made, and nothing about yours changed.',
      `If it was you: sign in at ${signIn}, or, if you forgot your password, choose a new one here:`,
    ],
    { href: link, label: 'Choose a new password' },
    'If it was not you, ignore this mail.',
  );
}
