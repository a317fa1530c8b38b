import { randomBytes } from 'node:crypto';

/**
 * A public order number: the UTC time to the millisecond, then 8 random hex digits.
 * Sorting order numbers sorts orders by creation; two orders in the same millisecond
 * still differ. Letters and digits only, as EPay's out_trade_no wants.
 */
export function newOrderNo(now: Date = new Date()): string {
  const stamp = now.toISOString().replace(/[-:TZ.]/g, '');
  return `CG${stamp}${randomBytes(4).toString('hex').toUpperCase()}`;
}

/** Whether a string can be an order number at all (path parameters are checked before a query). */
export function isOrderNo(value: string): boolean {
  return /^[A-Z0-9]{10,40}$/.test(value);
}
