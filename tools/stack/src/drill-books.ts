import { setTimeout as sleep } from 'node:timers/promises';
import pg from 'pg';
import { type Customer, isGeneration, type Outcome } from './drill-load.js';

/** A promise checked after a drill: what, whether it held, and the figures behind it. */
export type Check = [what: string, pass: boolean, detail: string];

/** How long the books may take to receive the last records (usage may wait in the Redis stream). */
const BOOKS_WAIT_MS = 90_000;

/**
 * The books after a drill or a soak: every successful metered answer has its usage row,
 * no row stands without a request (at most one per failed request: a request can be billed
 * while its client saw an error, never otherwise), daily_usage equals the sums of
 * usage_logs per user, and no limited customer went past their limit.
 */
export async function checkBooks(primaryUrl: string, outcomes: Outcome[], customers: Customer[]): Promise<Check[]> {
  const generations = outcomes.filter((o) => isGeneration(o.kind));
  const ids = new Set(generations.filter((o) => o.status === 200 && o.requestId).map((o) => o.requestId!));
  const failed = generations.filter((o) => o.status !== 200 && o.status !== 429).length;
  const users = customers.map((c) => c.userId);
  const db = new pg.Client({ connectionString: primaryUrl });
  await db.connect();
  try {
    // Usage may still be on its way through the stream: wait until every answer is booked.
    let rows: Array<{ request_id: string; status_code: number }> = [];
    const deadline = Date.now() + BOOKS_WAIT_MS;
    while (Date.now() < deadline) {
      rows = (await db.query('SELECT request_id, status_code FROM usage_logs WHERE user_id = ANY($1)', [users])).rows;
      const seen = new Set(rows.map((r) => r.request_id));
      if ([...ids].every((id) => seen.has(id))) break;
      await sleep(500);
    }
    const booked = new Set(rows.filter((r) => r.status_code === 200).map((r) => r.request_id));
    const missing = [...ids].filter((id) => !booked.has(id));
    const extra = booked.size - ids.size + missing.length;
    // Summed over the user's days (a long soak may cross the business day's midnight); the busiest day for the limit.
    const daily = (
      await db.query(
        `SELECT d.user_id, sum(d.request_count)::int AS requests, sum(d.prompt_tokens + d.completion_tokens)::int AS tokens,
                max(d.request_count)::int AS busiest, sum(d.cost_micros)::bigint::text AS cost,
                (SELECT coalesce(sum(cost_micros), 0)::bigint::text FROM usage_logs l WHERE l.user_id = d.user_id) AS logged_cost,
                (SELECT count(*)::int FROM usage_logs l WHERE l.user_id = d.user_id AND l.status_code < 300) AS logged,
                (SELECT coalesce(sum(total_tokens), 0)::int FROM usage_logs l WHERE l.user_id = d.user_id) AS logged_tokens
           FROM daily_usage d WHERE d.user_id = ANY($1) GROUP BY d.user_id`,
        [users],
      )
    ).rows as Array<{
      user_id: number;
      requests: number;
      tokens: number;
      busiest: number;
      logged: number;
      logged_tokens: number;
      cost: string;
      logged_cost: string;
    }>;
    const mismatched = daily.filter((d) => d.requests !== d.logged || d.tokens !== d.logged_tokens || d.cost !== d.logged_cost);
    const over = customers
      .filter((c) => c.limit !== null)
      .map((c) => ({ c, d: daily.find((d) => d.user_id === c.userId) }))
      .filter(({ c, d }) => (d?.busiest ?? 0) > c.limit!);
    const limits = [...new Set(customers.map((c) => c.limit).filter((l) => l !== null))];
    return [
      ['every successful response has its usage_logs row', missing.length === 0, `${ids.size} successes, ${missing.length} missing`],
      ['no usage row without a successful response or a failed one', extra <= failed, `${extra} extra ≤ ${failed} failed metered requests`],
      [
        'daily_usage agrees with usage_logs',
        mismatched.length === 0,
        mismatched
          .map((d) => `user ${d.user_id}: ${d.requests}/${d.logged} requests, ${d.tokens}/${d.logged_tokens} tokens, ${d.cost}/${d.logged_cost} µ$`)
          .join('; ') || `${daily.length} users`,
      ],
      [
        'no quota overdraft',
        over.length === 0,
        over.map(({ c, d }) => `user ${c.userId}: ${d?.busiest} > ${c.limit}`).join('; ') || `every limited user within ${limits.join(', ')}/day`,
      ],
    ];
  } finally {
    await db.end();
  }
}

/** Prints the checks under a heading; true when every one passed. */
export function printChecks(heading: string, checks: Check[]): boolean {
  console.log(`\n${heading}:`);
  for (const [what, pass, detail] of checks) console.log(`  ${pass ? 'PASS' : 'FAIL'}  ${what} (${detail})`);
  return checks.every(([, pass]) => pass);
}
