import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Outcome } from './drill-load.js';
import { type FaultRecord, soakChecks } from './soak-report.js';

const customers = [{ userId: 1, key: 'sk-a', limit: null }];
const load = { endedAt: 60_000, skipped: 0, hung: [] };
const failed = (kind: Outcome['kind'], at: number, ms: number, status = 0): Outcome => ({ kind, status, requestId: null, userId: 1, at, ms });
const fault = (kind: FaultRecord['kind'], startedAt: number, heldAt: number, clearedAt: number): FaultRecord => ({
  kind,
  detail: kind,
  startedAt,
  heldAt,
  liftedAt: heldAt,
  clearedAt,
});
/** A thousand answered requests, so that a few errors stay within the error rate's bound. */
const answered: Outcome[] = Array.from({ length: 1000 }, (_, i) => ({ kind: 'chat', status: 200, requestId: null, userId: 1, at: i * 50, ms: 5 }));
/** The checks that failed, by name. */
const failing = (records: FaultRecord[], outcomes: Outcome[]) =>
  soakChecks(records, [...answered, ...outcomes], customers, load)
    .checks.filter(([, pass]) => !pass)
    .map(([what]) => what);

test('a backend kill may fail the requests in flight at it or sent before the instance was gone, no later one', () => {
  const kill = fault('kill-backend', 10_000, 10_500, 14_000);
  assert.deepEqual(failing([kill], [failed('chat-stream', 9000, 1200), failed('chat', 10_400, 5, 502)]), []);
  assert.deepEqual(failing([kill], [failed('chat', 10_600, 5, 502)]), ['fault #1 (kill-backend) within its error bound']);
});

test('a stream sent while the upstream was slow and cut when a channel was taken out is the channel’s', () => {
  const slow = fault('slow-upstream', 10_000, 10_000, 15_000);
  const channel = fault('channel-out', 16_000, 16_000, 20_000);
  assert.deepEqual(failing([slow, channel], [failed('chat-stream', 15_500, 1000)]), []);
  assert.deepEqual(failing([slow, channel], [failed('chat', 15_500, 1000, 502)]), ['fault #2 (channel-out) within its error bound']);
});

test('an error outside every fault window fails the soak; a limited customer’s 429 is no error', () => {
  const redis = fault('restart-redis', 10_000, 10_000, 15_000);
  assert.deepEqual(failing([redis], [failed('chat', 30_000, 5, 500)]), ['no error outside a fault window']);
  const limited = [{ userId: 1, key: 'sk-a', limit: 40 }];
  const refusals = soakChecks([redis], [...answered, failed('chat', 30_000, 5, 429)], limited, load).checks.filter(([, pass]) => !pass);
  assert.deepEqual(refusals, []);
});
