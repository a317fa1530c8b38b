import { copyFileSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { CONSOLE_DIST, deployFile } from '../paths.js';
import { run, startService, type Service } from '../process.js';

/** Debian puts nginx in /usr/sbin, which is not on every PATH. */
export const NGINX = existsSync('/usr/sbin/nginx') ? '/usr/sbin/nginx' : 'nginx';

/**
 * Fills ${NAME} placeholders of a deploy template. nginx's own variables ($host) have no
 * braces, so any ${…} left over is a missing value, reported rather than shipped.
 */
export function renderTemplate(template: string, values: Record<string, string>): string {
  const out = template.replace(/\$\{([A-Z_]+)\}/g, (whole, name: string) => values[name] ?? whole);
  const missing = [...out.matchAll(/\$\{([A-Z_]+)\}/g)].map((m) => m[1]);
  if (missing.length) throw new Error(`template values missing: ${[...new Set(missing)].join(', ')}`);
  return out;
}

/**
 * The gateway's server block. The console is served from `consoleRoot` (the Vite build in
 * the repository); while it is not built, nginx answers the console's paths with a 503
 * saying so, and serves the build as soon as it appears.
 */
export function renderGatewayConf(opts: {
  listen: string;
  backends: string[];
  bodyLimit?: string;
  accessLog?: string;
  consoleRoot?: string;
  /** The per-address limits on the account routes and the key check (off when every client is one address). */
  edgeRateLimits?: boolean;
}): string {
  const template = readFileSync(deployFile('nginxTemplate'), 'utf8');
  return renderTemplate(template, {
    GATEWAY_LISTEN: opts.listen,
    BACKEND_SERVERS: opts.backends.map((b) => `server ${b} max_fails=1 fail_timeout=2s;`).join(' '),
    BODY_LIMIT: opts.bodyLimit ?? '10m',
    UPLOAD_LIMIT: '25m',
    ACCESS_LOG: opts.accessLog ?? 'logs/access.log gateway buffer=64k flush=1s',
    CONSOLE_ROOT: opts.consoleRoot ?? CONSOLE_DIST,
    EDGE_RATE_LIMITS: opts.edgeRateLimits === false ? 'off' : 'on',
    // Natively nothing stands in front of nginx.
    REAL_IP_FROM: 'unix:',
  });
}

/** TLS termination: an HTTPS listener with this certificate (deploy/nginx/tls/). */
export interface GatewayTls {
  listen: string;
  certFile: string;
  keyFile: string;
}

export function renderTlsConf(tls: GatewayTls): string {
  const template = readFileSync(deployFile('nginxTlsTemplate'), 'utf8');
  return renderTemplate(template, { TLS_LISTEN: tls.listen, TLS_CERT_FILE: tls.certFile, TLS_KEY_FILE: tls.keyFile });
}

/** nginx in the foreground with its prefix under the stack directory. */
export async function startNginx(opts: {
  prefix: string;
  port: number;
  backends: string[];
  logDir: string;
  consoleRoot?: string;
  name?: string;
  edgeRateLimits?: boolean;
  tls?: GatewayTls;
}): Promise<Service> {
  for (const dir of ['conf.d', 'logs', 'temp', 'tls.d']) mkdirSync(path.join(opts.prefix, dir), { recursive: true });
  copyFileSync(deployFile('nginxConf'), path.join(opts.prefix, 'nginx.conf'));
  writeFileSync(
    path.join(opts.prefix, 'conf.d/gateway.conf'),
    renderGatewayConf({ listen: `127.0.0.1:${opts.port}`, backends: opts.backends, consoleRoot: opts.consoleRoot, edgeRateLimits: opts.edgeRateLimits }),
  );
  const tlsConf = path.join(opts.prefix, 'tls.d/gateway.conf');
  if (opts.tls) writeFileSync(tlsConf, renderTlsConf(opts.tls));
  else rmSync(tlsConf, { force: true });
  const args = ['-p', `${opts.prefix}/`, '-c', 'nginx.conf', '-e', 'logs/error.log'];
  await run(NGINX, [...args, '-t', '-q', '-g', 'pid logs/nginx.pid;']);
  const name = opts.name ?? 'nginx';
  return startService(name, NGINX, [...args, '-g', 'daemon off; pid logs/nginx.pid;'], { logFile: path.join(opts.logDir, `${name}.log`) });
}
