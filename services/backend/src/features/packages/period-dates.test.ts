import assert from 'node:assert/strict';
import { test } from 'node:test';
import { periodEndsAt } from '../../domain/business-day.js';
import { periodDates } from './period-dates.js';

test('a 30-day package bought late in a day still gives 30 full days of use', () => {
  const dates = periodDates('2026-03-01', null, 30);
  assert.deepEqual(dates, { start_date: '2026-03-01', end_date: '2026-03-31' });
  // Bought at 23:59 in Shanghai, it runs at least 30 × 24 hours.
  const boughtAt = Date.parse('2026-03-01T23:59:00+08:00');
  assert.ok(periodEndsAt('Asia/Shanghai', dates.end_date).getTime() - boughtAt >= 30 * 86_400_000);
});

test('a package bought while another runs starts the day after it ends and lasts exactly its days', () => {
  assert.deepEqual(periodDates('2026-03-01', '2026-03-31', 30), { start_date: '2026-04-01', end_date: '2026-04-30' });
  assert.deepEqual(periodDates('2026-03-01', '2026-03-01', 7), { start_date: '2026-03-02', end_date: '2026-03-08' });
});

test('a period that ended before today does not hold a new one back', () => {
  assert.deepEqual(periodDates('2026-03-10', '2026-03-09', 1), { start_date: '2026-03-10', end_date: '2026-03-11' });
});
