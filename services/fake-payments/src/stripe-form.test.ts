import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { FormError, parseStripeForm } from './stripe-form.js';

describe('parseStripeForm', () => {
  test('bracket notation becomes nested objects and indexed lists', () => {
    const body =
      'mode=payment&line_items[0][price_data][currency]=usd&line_items[0][price_data][unit_amount]=999' +
      '&line_items[0][quantity]=2&line_items[1][quantity]=1&metadata[order_no]=A%261&payment_method_types[0]=card';
    assert.deepEqual(parseStripeForm(body), {
      mode: 'payment',
      line_items: [{ price_data: { currency: 'usd', unit_amount: '999' }, quantity: '2' }, { quantity: '1' }],
      metadata: { order_no: 'A&1' },
      payment_method_types: ['card'],
    });
  });

  test('percent-encoded brackets, + as space, and out-of-order indices', () => {
    assert.deepEqual(parseStripeForm('a%5B1%5D=second&a%5B0%5D=first+one'), { a: ['first one', 'second'] });
  });

  test('metadata keeps numeric keys as a map; empty brackets append', () => {
    assert.deepEqual(parseStripeForm('metadata[0]=x&expand[]=a&expand[]=b'), { metadata: { '0': 'x' }, expand: ['a', 'b'] });
  });

  test('conflicting shapes and prototype keys are refused', () => {
    assert.throws(() => parseStripeForm('a=1&a[b]=2'), FormError);
    assert.throws(() => parseStripeForm('a[b]=2&a=1'), FormError);
    assert.throws(() => parseStripeForm('metadata[__proto__][x]=1'), FormError);
    assert.throws(() => parseStripeForm('a]b=1'), FormError);
    assert.equal(({} as Record<string, unknown>).x, undefined);
  });
});
