import { Pool } from 'undici';

export interface FixedRateRun {
  /** Answers with a 2xx status whose body was read to its end. */
  ok: number;
  /** Other statuses, connection errors and answers still missing when the run ended. */
  errors: number;
  /** 2xx answers per second of the run. */
  rps: number;
  /** Latency to the answer's last byte, ms. */
  p50: number;
  p99: number;
}

export interface FixedRateLoad {
  url: string;
  headers: Record<string, string>;
  body: string;
  rate: number;
  seconds: number;
  /** Connections the generator may open; enough that a slow answer never delays the next send. */
  connections?: number;
}

const TICK_MS = 2;

function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

/**
 * An open-loop load at a fixed rate: requests leave on a schedule (rate × elapsed time), every
 * couple of milliseconds, whatever the earlier answers are doing. autocannon's `overallRate`
 * lets each connection send its share of a second as fast as it can and then wait for the next
 * second, so a "fixed" rate arrives in bursts that inflate latency and CPU per request; and a
 * closed loop hides the latency of the requests it did not send (coordinated omission).
 */
export async function fixedRate(load: FixedRateLoad): Promise<FixedRateRun> {
  const url = new URL(load.url);
  const pool = new Pool(url.origin, { connections: load.connections ?? 256, keepAliveTimeout: 30_000 });
  const latencies: number[] = [];
  let ok = 0;
  let errors = 0;
  const inFlight = new Set<Promise<void>>();
  const send = () => {
    const started = performance.now();
    const done = pool
      .request({ path: url.pathname, method: 'POST', headers: load.headers, body: load.body })
      .then(async (answer) => {
        for await (const _chunk of answer.body);
        if (answer.statusCode >= 200 && answer.statusCode < 300) {
          ok++;
          latencies.push(performance.now() - started);
        } else errors++;
      })
      .catch(() => {
        errors++;
      })
      .finally(() => inFlight.delete(done));
    inFlight.add(done);
  };
  const total = Math.round(load.rate * load.seconds);
  const start = performance.now();
  let sent = 0;
  while (sent < total) {
    const due = Math.min(total, Math.floor(((performance.now() - start) / 1000) * load.rate));
    for (; sent < due; sent++) send();
    await new Promise((resolve) => setTimeout(resolve, TICK_MS));
  }
  const elapsed = (performance.now() - start) / 1000;
  // Answers still missing 10 s after the last send count as errors.
  const late = await Promise.race([Promise.all(inFlight).then(() => false), new Promise<boolean>((r) => setTimeout(() => r(true), 10_000))]);
  if (late) errors += inFlight.size;
  await pool.destroy();
  latencies.sort((a, b) => a - b);
  const round = (ms: number) => Math.round(ms * 10) / 10;
  return { ok, errors, rps: Math.round(ok / elapsed), p50: round(percentile(latencies, 50)), p99: round(percentile(latencies, 99)) };
}
