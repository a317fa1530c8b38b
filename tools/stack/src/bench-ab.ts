import { existsSync } from 'node:fs';
import path from 'node:path';
import { cpuMicros } from './cpu-meter.js';
import { load as loadAtRate, median, SCENARIOS } from './bench-cpu.js';
import { BACKEND_MAIN, REPO_ROOT } from './paths.js';
import { freePort } from './ports.js';
import { httpOk, startService, waitFor, type Service } from './process.js';
import { loadSecrets } from './secrets.js';
import type { RunningStack } from './stack.js';

interface Target {
  name: string;
  url: string;
  service: Service;
}

/**
 * `npm run bench -- ab <other checkout> [--only chat|"chat, streamed"|responses] [--rate 300] [--rounds 12] [--slice 3]`:
 * CPU per request of this checkout's backend against another's (built, e.g. a `git worktree`
 * of the previous commit), one instance of each on the same Postgres, Redis and mock
 * upstream, driven directly (no nginx) in alternating slices of a few seconds. What slows
 * this machine down for a while (other tenants, frequency) then falls on both alike, so a
 * change of a few per cent shows, where two separate runs differ by a fifth. Prints each
 * slice's µs per request and the median ratio. The stack's own backends flush the usage
 * stream too, so the figure is the request path's.
 */
export async function benchAb(
  stack: RunningStack,
  key: string,
  args: { other: string; dir: string; only: string; rate: number; rounds: number; slice: number },
) {
  const otherMain = path.join(path.resolve(args.other), path.relative(REPO_ROOT, BACKEND_MAIN));
  if (!existsSync(otherMain)) throw new Error(`${otherMain} is missing: build the other checkout first (npm run build there)`);
  const scenario = SCENARIOS.find((s) => s.name === args.only);
  if (!scenario) throw new Error(`--only takes one of ${SCENARIOS.map((s) => `"${s.name}"`).join(', ')}`);
  const secrets = loadSecrets(args.dir);
  const start = async (name: string, main: string): Promise<Target> => {
    const port = await freePort();
    const service = startService(name, process.execPath, [main], {
      logFile: path.join(args.dir, `${name}.log`),
      env: {
        ...process.env,
        NODE_ENV: 'production',
        LOG_LEVEL: 'warn',
        PORT: String(port),
        HOST: '127.0.0.1',
        METRICS_PORT: String(await freePort()),
        INSTANCE_ID: name,
        WORKERS: '1',
        DB_POOL_MAX: '10',
        MIGRATE_ON_START: 'false',
        DATABASE_URL: stack.info.postgres.primaryUrl,
        DATABASE_REPLICA_URL: stack.info.postgres.replicaUrl,
        REDIS_URL: stack.info.redisUrl,
        KEY_PEPPER: secrets.keyPepper,
        ADMIN_TOKEN: secrets.adminToken,
        UPSTREAM_BASE_URL: `${stack.info.upstreamUrl}/v1`,
      },
    });
    const url = `http://127.0.0.1:${port}`;
    await waitFor(name, () => httpOk(`${url}/readyz`), 60_000, 200);
    return { name, url, service };
  };
  const targets = [await start('this', BACKEND_MAIN), await start('other', otherMain)];
  const load = (t: Target, seconds: number) => loadAtRate(`${t.url}${scenario.path}`, key, scenario, args.rate, seconds);
  try {
    for (const t of targets) await load(t, 8);
    const perRequest: Record<string, number[]> = { this: [], other: [] };
    let errors = 0;
    console.log(`\n${args.only} at ${args.rate} req/s, ${args.rounds} rounds of ${args.slice} s each, alternating (µs of CPU per 2xx answer)\n`);
    console.log('| round | other | this | this / other |\n|---:|---:|---:|---:|');
    for (let round = 1; round <= args.rounds; round += 1) {
      // Which goes first alternates too: neither always follows the other.
      const order = round % 2 ? targets : [...targets].reverse();
      for (const t of order) {
        const before = cpuMicros({ t: [t.service.pid] }).t!;
        const run = await load(t, args.slice);
        perRequest[t.name]!.push((cpuMicros({ t: [t.service.pid] }).t! - before) / run.ok);
        errors += run.errors;
      }
      const [mine, theirs] = [perRequest.this!.at(-1)!, perRequest.other!.at(-1)!];
      console.log(`| ${round} | ${Math.round(theirs)} | ${Math.round(mine)} | ${(mine / theirs).toFixed(3)} |`);
    }
    const ratios = perRequest.this!.map((v, i) => v / perRequest.other![i]!);
    console.log(
      `\nmedian: other ${Math.round(median(perRequest.other!))} µs, this ${Math.round(median(perRequest.this!))} µs; median ratio this / other ${median(ratios).toFixed(3)} (range ${Math.min(...ratios).toFixed(3)}–${Math.max(...ratios).toFixed(3)}); errors ${errors}`,
    );
    return errors > 0 ? 1 : 0;
  } finally {
    await Promise.all(targets.map((t) => t.service.stop()));
  }
}
