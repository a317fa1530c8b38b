import { describe, expect, it } from 'vitest';
import { addDays, endOfLocalDay, isDay, lastDays } from './dates';

describe('calendar days', () => {
  it('move by whole days across month, year and leap-day ends', () => {
    expect(addDays('2026-01-31', 1)).toBe('2026-02-01');
    expect(addDays('2026-12-31', 1)).toBe('2027-01-01');
    expect(addDays('2028-03-01', -1)).toBe('2028-02-29');
    expect(addDays('2026-03-08', 1)).toBe('2026-03-09'); // a DST change in America: no day skipped
  });

  it('take the last n days up to and including today', () => {
    expect(lastDays('2026-03-02', 3)).toEqual({ from: '2026-02-28', to: '2026-03-02' });
    expect(lastDays('2026-03-02', 1)).toEqual({ from: '2026-03-02', to: '2026-03-02' });
  });

  it('are real dates only', () => {
    expect(isDay('2026-02-28')).toBe(true);
    expect(isDay('2026-13-01')).toBe(false);
    expect(isDay('2026-2-1')).toBe(false);
    expect(isDay('yesterday')).toBe(false);
  });

  it('end at the last second of the local day (Asia/Tokyo here), as an instant', () => {
    expect(endOfLocalDay('2026-12-08')).toBe('2026-12-08T14:59:59.000Z');
  });
});
