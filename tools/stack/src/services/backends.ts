import path from 'node:path';
import { BACKEND_MAIN, FAKE_PAYMENTS_MAIN, MAIL_CATCHER_MAIN, MOCK_UPSTREAM_MAIN } from '../paths.js';
import { httpOk, startService, waitFor, type Service } from '../process.js';

export interface BackendInstance {
  service: Service;
  /** Start it again with the same settings (after it died). */
  relaunch(): Service;
  url: string;
  metricsUrl: string;
  port: number;
}

/** Races a readiness wait against the process exiting, so a crash is reported at once with its log. */
async function readyOrExit(service: Service, what: string, check: () => Promise<unknown>, logFile: string, timeoutMs: number) {
  const crashed = service.exited.then((how) => {
    throw new Error(`${service.name} exited (${how}) before it was ready; see ${logFile}`);
  });
  await Promise.race([waitFor(what, check, timeoutMs, 200), crashed]);
}

export async function startBackends(opts: {
  count: number;
  ports: Array<{ port: number; metricsPort: number }>;
  env: NodeJS.ProcessEnv;
  logDir: string;
}): Promise<BackendInstance[]> {
  const instances = opts.ports.slice(0, opts.count).map(({ port, metricsPort }, i) => {
    const name = `backend-${i + 1}`;
    const logFile = path.join(opts.logDir, `${name}.log`);
    const relaunch = () =>
      // BACKEND_NODE_ARGS (e.g. "--cpu-prof --cpu-prof-dir=/tmp/prof"): node flags for the cluster primary, inherited by its workers.
      startService(name, process.execPath, [...(opts.env.BACKEND_NODE_ARGS?.split(' ').filter(Boolean) ?? []), BACKEND_MAIN], {
        logFile,
        env: { ...opts.env, PORT: String(port), METRICS_PORT: String(metricsPort), INSTANCE_ID: name },
      });
    return { service: relaunch(), relaunch, port, logFile, url: `http://127.0.0.1:${port}`, metricsUrl: `http://127.0.0.1:${metricsPort}/metrics` };
  });
  // All replicas start together, as in production: the migration lock sorts them out.
  try {
    await Promise.all(instances.map((b) => readyOrExit(b.service, `${b.service.name} to be ready`, () => httpOk(`${b.url}/readyz`), b.logFile, 90_000)));
  } catch (err) {
    await Promise.all(instances.map((b) => b.service.stop()));
    throw err;
  }
  return instances.map(({ logFile: _logFile, ...b }) => b);
}

export async function startMockUpstream(opts: { port: number; logDir: string }): Promise<{ service: Service; url: string }> {
  const logFile = path.join(opts.logDir, 'mock-upstream.log');
  const service = startService('mock-upstream', process.execPath, [MOCK_UPSTREAM_MAIN], {
    logFile,
    env: { ...process.env, MOCK_UPSTREAM_PORT: String(opts.port), MOCK_UPSTREAM_HOST: '127.0.0.1' },
  });
  const url = `http://127.0.0.1:${opts.port}`;
  await readyOrExit(service, 'the mock upstream', () => httpOk(`${url}/healthz`), logFile, 20_000);
  return { service, url };
}

/** The local Stripe and EPay stand-ins on one port; webhooks go to the gateway through nginx. */
export async function startFakePayments(opts: {
  port: number;
  logDir: string;
  webhookUrl: string;
  secrets: { stripeWebhookSecret: string; epayPid: string; epayKey: string };
}): Promise<{ service: Service; url: string }> {
  const logFile = path.join(opts.logDir, 'fake-payments.log');
  const service = startService('fake-payments', process.execPath, [FAKE_PAYMENTS_MAIN], {
    logFile,
    env: {
      ...process.env,
      FAKE_PAYMENTS_PORT: String(opts.port),
      FAKE_PAYMENTS_HOST: '127.0.0.1',
      STRIPE_WEBHOOK_SECRET: opts.secrets.stripeWebhookSecret,
      STRIPE_WEBHOOK_URL: opts.webhookUrl,
      EPAY_PID: opts.secrets.epayPid,
      EPAY_KEY: opts.secrets.epayKey,
    },
  });
  const url = `http://127.0.0.1:${opts.port}`;
  await readyOrExit(
    service,
    'the fake payment providers',
    async () => (await fetch(`${url}/__fake/stripe/events`, { signal: AbortSignal.timeout(2000) })).ok,
    logFile,
    20_000,
  );
  return { service, url };
}

/** The local SMTP catcher the backends send their mail to; tests read it over HTTP. */
export async function startMailCatcher(opts: {
  smtpPort: number;
  httpPort: number;
  logDir: string;
}): Promise<{ service: Service; smtpUrl: string; apiUrl: string }> {
  const logFile = path.join(opts.logDir, 'mail-catcher.log');
  const service = startService('mail-catcher', process.execPath, [MAIL_CATCHER_MAIN], {
    logFile,
    env: {
      ...process.env,
      MAIL_CATCHER_HOST: '127.0.0.1',
      MAIL_CATCHER_SMTP_PORT: String(opts.smtpPort),
      MAIL_CATCHER_HTTP_PORT: String(opts.httpPort),
    },
  });
  const apiUrl = `http://127.0.0.1:${opts.httpPort}`;
  await readyOrExit(service, 'the mail catcher', () => httpOk(`${apiUrl}/healthz`), logFile, 20_000);
  return { service, smtpUrl: `smtp://127.0.0.1:${opts.smtpPort}`, apiUrl };
}
