import { randomInt } from 'node:crypto';
import { chmodSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { checkBooks, printChecks } from './drill-books.js';
import { isGeneration, seed as seedCustomers } from './drill-load.js';
import { MIX, startSoakLoad } from './soak-load.js';
import { startNativeTarget } from './soak-native.js';
import { type PlannedFault, planFaults, QUIET_MS, seededRandom } from './soak-plan.js';
import { type FaultRecord, soakChecks } from './soak-report.js';
import type { Fault, StartTarget } from './soak-target.js';

export const SOAK_USAGE =
  'npm run drill -- soak --minutes N [--seed S] [--rate R] [--target native]   steady mixed load for N minutes with random faults (a seed repeats them)';

const TARGETS: Record<string, StartTarget> = { native: startNativeTarget };
/** Targets that are planned but not written yet, and what to use meanwhile. */
const LATER: Record<string, string> = { swarm: 'the Swarm target is not written yet (issue 25); only --target native runs for now' };

/** Steady load before the first fault. */
const WARMUP_MS = 10_000;
/** A fault starts only when it can be held, cleared and followed by this much steady load before the load ends. */
const FAULT_BUDGET_MS = 25_000;
/** A fault the cluster does not recover from within this long after its lift fails the soak. */
const CLEAR_TIMEOUT_MS = 45_000;
const CUSTOMERS = 20;
/** Customers with a daily limit (the overdraft check); the others have none. */
const LIMITED = 4;
const STREAM_CHUNK_DELAY_MS = 40;
/** What a failed soak leaves in its directory. */
const KEPT = ['logs', 'nginx'];

interface SoakOptions {
  minutes: number;
  seed: number;
  rate: number;
  target: string;
}

function parseArgs(args: string[]): SoakOptions | string {
  const options: SoakOptions = { minutes: 3, seed: randomInt(2 ** 31), rate: 40, target: 'native' };
  for (let i = 0; i < args.length; i += 2) {
    const [flag, value] = [args[i], args[i + 1]];
    const n = Number(value);
    if (flag === '--minutes' && n > 0 && n <= 240) options.minutes = n;
    else if (flag === '--seed' && Number.isInteger(n) && n >= 0) options.seed = n;
    else if (flag === '--rate' && n > 0 && n <= 100) options.rate = n;
    else if (flag === '--target' && value) options.target = value;
    else return `${flag} ${value ?? ''}: expected --minutes (0–240), --seed (a whole number), --rate (1–100 requests a second) or --target`;
  }
  if (LATER[options.target]) return `--target ${options.target}: ${LATER[options.target]}`;
  if (!TARGETS[options.target]) return `--target ${options.target}: unknown; targets: ${Object.keys(TARGETS).join(', ')}`;
  return options;
}

/**
 * The customers' daily limits: the limited ones reach theirs at a fifth, two fifths … of
 * the soak, so that limits are reached while faults strike all along, not only in the first
 * minute.
 */
function dailyLimits(rate: number, minutes: number): Array<number | null> {
  const metered = MIX.filter(([kind]) => isGeneration(kind)).reduce((sum, [, share]) => sum + share, 0);
  const perCustomer = (rate * minutes * 60 * metered) / CUSTOMERS;
  return Array.from({ length: CUSTOMERS }, (_, i) => (i < LIMITED ? Math.max(1, Math.round((perCustomer * (i + 1)) / (LIMITED + 1))) : null));
}

/** Puts one fault in place, holds it, lifts it and waits until the cluster is whole again. */
async function strike(fault: Fault, planned: PlannedFault, since: number): Promise<FaultRecord> {
  const at = () => Date.now() - since;
  const startedAt = at();
  let detail: string;
  try {
    detail = await fault.inject(planned.pick);
  } catch (err) {
    return { kind: planned.kind, detail: `not put in place: ${(err as Error).message}`, startedAt, heldAt: at(), liftedAt: at(), clearedAt: null };
  }
  const heldAt = at();
  await sleep(planned.holdMs);
  await fault.lift();
  const liftedAt = at();
  let clearedAt: number | null = null;
  for (const deadline = Date.now() + CLEAR_TIMEOUT_MS; Date.now() < deadline; await sleep(100)) {
    if (await fault.cleared().catch(() => false)) {
      clearedAt = at();
      break;
    }
  }
  const whole = clearedAt === null ? `NOT whole within ${CLEAR_TIMEOUT_MS / 1000} s` : `whole ${((clearedAt - liftedAt) / 1000).toFixed(1)} s later`;
  console.log(`  ${(startedAt / 1000).toFixed(1).padStart(6)} s  ${planned.kind} (${detail}), held ${((liftedAt - heldAt) / 1000).toFixed(1)} s, ${whole}`);
  return { kind: planned.kind, detail, startedAt, heldAt, liftedAt, clearedAt };
}

/**
 * `npm run drill -- soak --minutes N`: steady mixed load (chat, streamed chat, responses,
 * usage look-ups) for N minutes while faults drawn from a seed strike one at a time; then
 * the faults' bounds, the streams and the books. Exit code 1 when any check fails.
 */
export async function runSoak(args: string[]): Promise<number> {
  const options = parseArgs(args);
  if (typeof options === 'string') {
    console.error(`${options}\nusage: ${SOAK_USAGE}`);
    return 2;
  }
  const { minutes, seed, rate, target: targetName } = options;
  console.log(`soak: ${minutes} min at ${rate} requests/s on the ${targetName} target, seed ${seed} (the same faults again: --seed ${seed})`);
  const dir = mkdtempSync(path.join(os.tmpdir(), 'codex-gateway-soak-'));
  chmodSync(dir, 0o755);
  const target = await TARGETS[targetName]!({ dir, streamChunkDelayMs: STREAM_CHUNK_DELAY_MS }).catch((err: unknown) => {
    rmSync(dir, { recursive: true, force: true });
    throw err;
  });
  let pass = false;
  try {
    const customers = await seedCustomers(target.info, dailyLimits(rate, minutes));
    const load = startSoakLoad(target.info.gatewayUrl, customers, rate, seededRandom(seed + 1));
    const endAt = load.started + minutes * 60_000;
    const records: FaultRecord[] = [];
    console.log(`faults (seconds since the load began):`);
    await sleep(WARMUP_MS);
    for (const planned of planFaults(seed, Math.ceil((minutes * 60_000) / QUIET_MS.min))) {
      await sleep(planned.quietMs);
      if (Date.now() + planned.holdMs + FAULT_BUDGET_MS > endAt) break;
      const record = await strike(target.faults[planned.kind], planned, load.started);
      records.push(record);
      if (record.clearedAt === null) break; // a cluster that did not recover: more faults would only blur why
    }
    await sleep(Math.max(0, endAt - Date.now()));
    const endedAt = Date.now() - load.started;
    const { skipped, hung } = await load.stop();
    const { summary, checks } = soakChecks(records, load.outcomes, customers, { endedAt, skipped, hung });
    console.log(summary);
    checks.push(...(await checkBooks(target.info.postgres.primaryUrl, load.outcomes, customers)));
    pass = printChecks(`soak, seed ${seed}`, checks);
    return pass ? 0 : 1;
  } finally {
    await target.stop();
    // The logs of a failed soak are kept (the services' and nginx's access log; the data is not).
    for (const entry of readdirSync(dir)) if (pass || !KEPT.includes(entry)) rmSync(path.join(dir, entry), { recursive: true, force: true });
    if (pass) rmSync(dir, { recursive: true, force: true });
    console.log(pass ? '\nsoak passed' : `\nsoak FAILED (repeat with --seed ${seed}); logs in ${dir}/logs and ${dir}/nginx/logs`);
  }
}
