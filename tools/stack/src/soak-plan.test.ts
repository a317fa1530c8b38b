import assert from 'node:assert/strict';
import { test } from 'node:test';
import { FAULT_KINDS, HOLD_MS, planFaults, QUIET_MS } from './soak-plan.js';

test('the same seed gives the same schedule of faults, another seed another one', () => {
  assert.deepEqual(planFaults(42, 30), planFaults(42, 30));
  assert.notDeepEqual(planFaults(42, 30), planFaults(43, 30));
  assert.deepEqual(planFaults(42, 30).slice(0, 10), planFaults(42, 10), 'a longer soak starts with the shorter one');
});

test('every round of six meets every fault once, each held and spaced within its bounds', () => {
  const plan = planFaults(7, 24);
  for (let round = 0; round < 4; round += 1) {
    assert.deepEqual(
      plan
        .slice(round * 6, round * 6 + 6)
        .map((f) => f.kind)
        .sort(),
      [...FAULT_KINDS].sort(),
    );
  }
  for (const f of plan) {
    assert.ok(f.quietMs >= QUIET_MS.min && f.quietMs <= QUIET_MS.max, `quiet ${f.quietMs}`);
    if (f.kind === 'kill-backend') assert.equal(f.holdMs, 0, 'the stack restarts a killed backend: nothing to hold');
    else assert.ok(f.holdMs >= HOLD_MS.min && f.holdMs <= HOLD_MS.max, `hold ${f.holdMs}`);
    assert.ok(f.pick >= 0 && f.pick < 1);
  }
});
