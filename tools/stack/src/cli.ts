// The native stack's command line: `up` (npm start), `down` (npm run down), `test` (npm test).
import { mkdirSync } from 'node:fs';
import { fixedPorts, readStackEnv, workersPerBackend } from './config.js';
import { isPortFree } from './ports.js';
import { startStack, type RunningStack } from './stack.js';
import { clearPids, runningStack, stopStackIn, writePids } from './state.js';
import { printBanner } from './banner.js';
import { runTests } from './test-run.js';
import { runAdminCommand } from './admin-command.js';
import { runBench } from './bench.js';
import { runOps } from './ops-report.js';
import { runDrill } from './drills.js';
import { runSwarm } from './swarm/swarm-command.js';
import { runAttacks } from './attacks.js';

const [command = 'up', ...args] = process.argv.slice(2);

async function up(): Promise<void> {
  const env = readStackEnv();
  const dir = env.STACK_DIR;
  mkdirSync(dir, { recursive: true });
  const other = runningStack(dir);
  if (other) {
    console.error(`A stack is already running from ${dir} (runner pid ${other.runner}${other.gatewayUrl ? `, gateway ${other.gatewayUrl}` : ''}).`);
    console.error('Use it as it is, or stop it first with: npm run down');
    process.exit(1);
  }
  const ports = fixedPorts(env);
  const named: Array<[number, string]> = [
    [ports.gateway, 'GATEWAY_PORT'],
    [ports.pgPrimary, 'PG_PRIMARY_PORT'],
    [ports.pgReplica, 'PG_REPLICA_PORT'],
    [ports.redis, 'REDIS_PORT'],
    ...(env.UPSTREAM_BASE_URL ? [] : [[ports.upstream, 'MOCK_UPSTREAM_PORT'] as [number, string]]),
    ...(process.env.STRIPE_SECRET_KEY || process.env.EPAY_GATEWAY_URL ? [] : [[ports.payments, 'FAKE_PAYMENTS_PORT'] as [number, string]]),
    ...(process.env.SMTP_URL
      ? []
      : [[ports.mailSmtp, 'MAIL_CATCHER_SMTP_PORT'] as [number, string], [ports.mailHttp, 'MAIL_CATCHER_HTTP_PORT'] as [number, string]]),
    ...ports.backends.flatMap(
      (b, i): Array<[number, string]> => [
        [b.port, `BACKEND_PORT_BASE (+${i})`],
        [b.metricsPort, `METRICS_PORT_BASE (+${i})`],
      ],
    ),
  ];
  const busy = [];
  for (const [port, name] of named) if (!(await isPortFree(port))) busy.push(`${port} (${name})`);
  if (busy.length) {
    console.error(`These ports are taken by another program: ${busy.join(', ')}.`);
    console.error('Stop that program, or choose other ports with the variables named.');
    process.exit(1);
  }

  const fresh = args.includes('--fresh');
  const monitoring = args.includes('--monitoring');
  if (monitoring && !(await isPortFree(ports.prometheus))) {
    console.error(`Port ${ports.prometheus} (PROMETHEUS_PORT) is taken by another program.`);
    process.exit(1);
  }
  const started = Date.now();
  console.log(`Starting Codex Gateway from ${dir}${fresh ? ' (fresh: previous data removed)' : ''}…`);
  let stack: RunningStack | undefined;
  let stopping = false;
  const stop = async (why: string) => {
    if (stopping) return;
    stopping = true;
    console.log(`\n${why}: stopping the stack…`);
    await stack?.stop();
    clearPids(dir);
    console.log('stopped.');
    process.exit(0);
  };
  process.on('SIGINT', () => void stop('Ctrl-C'));
  process.on('SIGTERM', () => void stop('SIGTERM'));
  process.on('SIGHUP', () => void stop('terminal closed'));
  // A closed terminal or pipe must not kill the runner halfway through stopping the stack.
  for (const stream of [process.stdout, process.stderr]) stream.on('error', () => undefined);

  try {
    stack = await startStack({
      dir,
      ports,
      backends: env.BACKENDS,
      workers: workersPerBackend(env),
      fresh,
      monitoring,
      logLevel: env.LOG_LEVEL,
      upstream: env.UPSTREAM_BASE_URL && env.UPSTREAM_API_KEY ? { baseUrl: env.UPSTREAM_BASE_URL, apiKey: env.UPSTREAM_API_KEY } : undefined,
      env: process.env,
      onProgress: (step) => console.log(`  · ${step}`),
      onServices: (services) => writePids(dir, { runner: process.pid, services: services.map((s) => ({ name: s.name, pid: s.pid, command: s.command })) }),
    });
  } catch (err) {
    console.error(`\nThe stack did not start: ${(err as Error).message}`);
    console.error(`Logs: ${dir}/logs`);
    clearPids(dir);
    process.exit(1);
  }
  writePids(dir, {
    runner: process.pid,
    gatewayUrl: stack.info.gatewayUrl,
    services: stack.services.map((s) => ({ name: s.name, pid: s.pid, command: s.command })),
  });
  printBanner(stack.info, { dir, workers: workersPerBackend(env), mock: !env.UPSTREAM_BASE_URL, seconds: (Date.now() - started) / 1000 });

  // A service that dies on its own is reported; the rest keep running.
  for (const service of stack.services) {
    void service.exited.then((how) => {
      if (!stopping) console.error(`! ${service.name} (pid ${service.pid}) exited (${how}); see ${dir}/logs/${service.name}.log`);
    });
  }
}

async function down(): Promise<void> {
  const { STACK_DIR: dir } = readStackEnv();
  const stopped = await stopStackIn(dir, (line) => console.log(line));
  console.log(stopped ? 'The stack is stopped.' : `No stack is running from ${dir}.`);
}

// Commands that run to an exit code; `up` and `down` are the stack's own.
const tasks: Record<string, (args: string[]) => Promise<number>> = {
  test: runTests,
  bench: runBench,
  ops: runOps,
  drill: runDrill,
  admin: runAdminCommand,
  attack: runAttacks,
  swarm: runSwarm,
};

if (command === 'up') await up();
else if (command === 'down') await down();
else if (tasks[command]) process.exitCode = await tasks[command](args);
else {
  console.error(`unknown command "${command}": use up, down, ${Object.keys(tasks).join(', ')}`);
  process.exit(2);
}
