import type { StackInfo } from './stack.js';

/** What a developer needs to start using the stack, with a request to paste. */
export function printBanner(info: StackInfo, meta: { dir: string; workers: number; mock: boolean; seconds: number }): void {
  const body = JSON.stringify({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'Hello!' }] });
  const lines = [
    '',
    `Codex Gateway is up (${meta.seconds.toFixed(1)} s): ${info.backends.length} backend replicas × ${meta.workers} worker${meta.workers === 1 ? '' : 's'} behind nginx.`,
    '',
    `  gateway    ${info.gatewayUrl}   (OpenAI base_url: ${info.gatewayUrl}/v1)`,
    `  console    ${info.consoleUrl}   sign in as ${info.demoCustomer.email} / ${info.demoCustomer.password}`,
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
    `  curl ${info.gatewayUrl}/api/v1/chat/completions \\`,
    `    -H "Authorization: Bearer ${info.demoApiKey}" \\`,
    `    -H "Content-Type: application/json" \\`,
    `    -d '${body}'`,
    '',
    `Secrets and URLs: ${meta.dir}/stack.json · logs: ${meta.dir}/logs`,
    'Ctrl-C stops everything (or `npm run down` from another terminal).',
    '',
  ];
  console.log(lines.join('\n'));
}
