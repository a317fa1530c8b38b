// @vitest-environment jsdom
import { screen } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { renderInApp } from '../../test/render';
import { OrderLinkFrame } from './order-link-frame';

describe('the frame of a payment return link', () => {
  it('shows what the signed link leads to, under the order number', () => {
    renderInApp(
      <OrderLinkFrame title="Payment received" orderNo="CG-1" sig="abc">
        <p>the order's status</p>
      </OrderLinkFrame>,
    );
    expect(screen.getByRole('heading', { level: 1 }).textContent).toBe('Payment received');
    expect(screen.getByText(/CG-1/)).toBeTruthy();
    expect(screen.getByText("the order's status")).toBeTruthy();
    expect(screen.queryByRole('alert')).toBeNull();
  });

  it('says the link is incomplete instead, when it has no signature', () => {
    renderInApp(
      <OrderLinkFrame title="Payment received" orderNo="CG-1" sig="">
        <p>the order's status</p>
      </OrderLinkFrame>,
    );
    expect(screen.getByRole('alert').textContent).toContain('This return link is incomplete.');
    expect(screen.queryByText("the order's status")).toBeNull();
    expect(screen.getByRole('link', { name: 'See my orders' })).toBeTruthy();
  });
});
