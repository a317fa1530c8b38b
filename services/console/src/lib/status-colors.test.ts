import { describe, expect, it } from 'vitest';
import { statusColor } from './status-colors';

describe('the status colour rule', () => {
  it('colours an HTTP status by its class', () => {
    expect([200, 299, 400, 429, 499, 500, 502].map(statusColor)).toEqual(['teal', 'teal', 'orange', 'orange', 'orange', 'red', 'red']);
  });

  it('gives a request outcome the colour of the statuses it stands for', () => {
    expect(statusColor('served')).toBe(statusColor(200));
    expect(statusColor('refused')).toBe(statusColor(429));
    expect(statusColor('failed')).toBe(statusColor(502));
  });

  it('gives a word one colour whatever it describes, and unknown words grey', () => {
    expect(statusColor('active')).toBe('teal');
    expect(statusColor('pending')).toBe('yellow');
    expect(statusColor('refunded')).toBe('orange');
    expect(statusColor('expired')).toBe('gray');
    expect(statusColor('something new')).toBe('gray');
  });
});
