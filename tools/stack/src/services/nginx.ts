import { copyFileSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { deployFile } from '../paths.js';
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

export function renderGatewayConf(opts: { listen: string; backends: string[]; bodyLimit?: string; accessLog?: string }): string {
  const template = readFileSync(deployFile('nginxTemplate'), 'utf8');
  return renderTemplate(template, {
    GATEWAY_LISTEN: opts.listen,
    BACKEND_SERVERS: opts.backends.map((b) => `server ${b} max_fails=1 fail_timeout=2s;`).join(' '),
    BODY_LIMIT: opts.bodyLimit ?? '10m',
    ACCESS_LOG: opts.accessLog ?? 'logs/access.log gateway buffer=64k flush=1s',
  });
}

/** nginx in the foreground with its prefix under the stack directory. */
export async function startNginx(opts: { prefix: string; port: number; backends: string[]; logDir: string }): Promise<Service> {
  for (const dir of ['conf.d', 'logs', 'temp']) mkdirSync(path.join(opts.prefix, dir), { recursive: true });
  copyFileSync(deployFile('nginxConf'), path.join(opts.prefix, 'nginx.conf'));
  writeFileSync(path.join(opts.prefix, 'conf.d/gateway.conf'), renderGatewayConf({ listen: `127.0.0.1:${opts.port}`, backends: opts.backends }));
  const args = ['-p', `${opts.prefix}/`, '-c', 'nginx.conf', '-e', 'logs/error.log'];
  await run(NGINX, [...args, '-t', '-q', '-g', 'pid logs/nginx.pid;']);
  return startService('nginx', NGINX, [...args, '-g', 'daemon off; pid logs/nginx.pid;'], { logFile: path.join(opts.logDir, 'nginx.log') });
}
