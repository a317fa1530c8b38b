import { clientBaseUrl, curlSnippet, EXAMPLE_MODEL, shellEnvSnippet } from '@codex-gateway/backend';
import type { StackInfo } from './stack.js';

/** What a developer needs to start using the stack, with a request to paste (the README's and the console's snippets). */
export function printBanner(info: StackInfo, meta: { dir: string; workers: number; mock: boolean; seconds: number }): void {
  console.log(bannerText(info, meta));
}

export function bannerText(info: StackInfo, meta: { dir: string; workers: number; mock: boolean; seconds: number }): string {
  const snippet = {
    baseUrl: clientBaseUrl(info.gatewayUrl),
    model: EXAMPLE_MODEL,
    keyComment: "the demo customer's key (demoApiKey in stack.json)",
    key: info.demoApiKey,
  };
  const indent = (text: string) => text.split('\n').map((line) => `  ${line}`);
  const lines = [
    '',
    `Codex Gateway is up (${meta.seconds.toFixed(1)} s): ${info.backends.length} backend replicas × ${meta.workers} worker${meta.workers === 1 ? '' : 's'} behind nginx.`,
    '',
    `  gateway    ${info.gatewayUrl}   (clients' base_url: ${snippet.baseUrl})`,
    `  console    ${info.consoleUrl}   sign in as ${info.demoCustomer.email} / ${info.demoCustomer.password}`,
    '  operator   npm run admin -- create-owner you@example.com   (the first owner: a link to set the password, then a second factor)',
    ...info.backends.map((b, i) => `  backend ${i + 1}  ${b.url}   metrics ${b.metricsUrl}   pid ${b.pid}`),
    `  upstream   ${info.upstreamUrl}${meta.mock ? '   (bundled mock: set UPSTREAM_BASE_URL and UPSTREAM_API_KEY for a real provider)' : ''}`,
    `  postgres   primary ${info.postgres.primaryUrl.replace(/:[^:@/]+@/, ':***@')}`,
    `             replica ${info.postgres.replicaUrl.replace(/:[^:@/]+@/, ':***@')}`,
    `             owner   ${info.postgres.ownerUrl.replace(/:[^:@/]+@/, ':***@')}   (migrations and tools; the backends serve as the role above)`,
    `  redis      ${info.redisUrl}`,
    ...(info.payments.fakeUrl ? [`  payments   Stripe and EPay fakes at ${info.payments.fakeUrl} (set STRIPE_SECRET_KEY / EPAY_* for real providers)`] : []),
    info.mail
      ? `  mail       caught by the local catcher: ${info.mail.apiUrl}/messages   (SMTP ${info.mail.smtpUrl}; set SMTP_URL for a real server)`
      : '  mail       sent through SMTP_URL',
    ...(info.prometheusUrl ? [`  prometheus ${info.prometheusUrl}`] : []),
    '',
    'Try it:',
    ...indent(shellEnvSnippet(snippet)),
    ...indent(curlSnippet(snippet)),
    '',
    `Secrets and URLs: ${meta.dir}/stack.json · logs: ${meta.dir}/logs`,
    'Ctrl-C stops everything (or `npm run down` from another terminal).',
    '',
  ];
  return lines.join('\n');
}
