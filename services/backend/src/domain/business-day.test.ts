import assert from 'node:assert/strict';
import { test } from 'node:test';
import { addDays, businessDay, dayStart, isoInZone, nextMidnight, periodEndsAt } from './business-day.js';

test('the business day follows the configured time zone', () => {
  const at = new Date('2026-03-01T20:30:00Z');
  assert.equal(businessDay('UTC', at), '2026-03-01');
  assert.equal(businessDay('Asia/Shanghai', at), '2026-03-02');
  assert.equal(businessDay('America/Los_Angeles', at), '2026-03-01');
});

test('limits reset at the next midnight of the business time zone', () => {
  const at = new Date('2026-03-01T20:30:00Z');
  assert.equal(nextMidnight('UTC', at).toISOString(), '2026-03-02T00:00:00.000Z');
  assert.equal(nextMidnight('Asia/Shanghai', at).toISOString(), '2026-03-02T16:00:00.000Z');
  // The night Los Angeles moves its clocks forward (8 March 2026) is still a midnight.
  assert.equal(nextMidnight('America/Los_Angeles', new Date('2026-03-08T05:00:00Z')).toISOString(), '2026-03-08T08:00:00.000Z');
  assert.equal(nextMidnight('America/Los_Angeles', new Date('2026-03-08T12:00:00Z')).toISOString(), '2026-03-09T07:00:00.000Z');
});

test('adding days crosses months and leap years', () => {
  assert.equal(addDays('2028-02-28'), '2028-02-29');
  assert.equal(addDays('2026-12-31'), '2027-01-01');
  assert.equal(addDays('2026-01-01', 29), '2026-01-30');
});

test('a reset time reads in the business zone with its offset, to the second rounded up', () => {
  assert.equal(isoInZone('Asia/Shanghai', new Date('2026-03-01T16:00:00Z')), '2026-03-02T00:00:00+08:00');
  assert.equal(isoInZone('America/St_Johns', new Date('2026-01-15T12:00:00Z')), '2026-01-15T08:30:00-03:30');
  assert.equal(isoInZone('UTC', new Date('2026-03-01T10:00:00.250Z')), '2026-03-01T10:00:01Z');
  assert.equal(Date.parse(isoInZone('Pacific/Kiritimati', new Date('2026-03-01T10:00:00Z'))), Date.parse('2026-03-01T10:00:00Z'));
});

test('a period ends at the midnight after its last day, in the business zone', () => {
  assert.equal(periodEndsAt('UTC', '2026-03-31').toISOString(), '2026-04-01T00:00:00.000Z');
  assert.equal(periodEndsAt('Asia/Shanghai', '2026-03-31').toISOString(), '2026-03-31T16:00:00.000Z');
  assert.equal(dayStart('America/Los_Angeles', '2026-03-08').toISOString(), '2026-03-08T08:00:00.000Z');
});

test('instants either side of a midnight fall on their own days, in whatever order they are asked', () => {
  const before = new Date('2026-03-01T15:59:59.999Z');
  const after = new Date('2026-03-01T16:00:00.000Z');
  for (const order of [
    [before, after, before],
    [after, before, after],
  ]) {
    assert.deepEqual(
      order.map((at) => businessDay('Asia/Shanghai', at)),
      order.map((at) => (at === before ? '2026-03-01' : '2026-03-02')),
    );
    assert.deepEqual(
      order.map((at) => nextMidnight('Asia/Shanghai', at).toISOString()),
      order.map((at) => (at === before ? '2026-03-01T16:00:00.000Z' : '2026-03-02T16:00:00.000Z')),
    );
  }
});
