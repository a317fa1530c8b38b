// @vitest-environment jsdom
import { renderHook } from '@testing-library/react';
import { createElement, type ReactNode } from 'react';
import { I18nextProvider } from 'react-i18next';
import { describe, expect, it } from 'vitest';
import { testI18n } from '../test/render';
import { currencyDigits, formatMoney, intlLocale, useFormat } from './format';

const formatIn = (language: 'en' | 'zh') => {
  const i18n = testI18n(language);
  const wrapper = ({ children }: { children: ReactNode }) => createElement(I18nextProvider, { i18n }, children);
  return renderHook(() => useFormat(), { wrapper }).result.current;
};

describe('money', () => {
  it('shows minor units in their own currency, with its own number of decimals', () => {
    expect(formatMoney(1999, 'usd', 'en-US')).toBe('$19.99');
    expect(formatMoney(1999, 'JPY', 'en-US')).toBe('¥1,999');
    expect(formatMoney(1999, 'CNY', 'zh-CN')).toBe('¥19.99');
  });

  it('still shows an amount in a currency Intl does not know', () => {
    expect(formatMoney(1999, 'zzz1', 'en-US')).toBe('19.99 ZZZ1');
  });

  it('knows how many digits a currency has after the point', () => {
    expect(currencyDigits('USD')).toBe(2);
    expect(currencyDigits('jpy')).toBe(0);
    expect(currencyDigits('KWD')).toBe(3);
    expect(currencyDigits('not a code')).toBe(2);
  });

  it('prices single requests to the micro-dollar, and limits as people say them', () => {
    const format = formatIn('en');
    expect(format.usd(0.000125)).toBe('$0.000125');
    expect(format.usd(3)).toBe('$3.00');
    expect(format.credit(5)).toBe('$5');
    expect(format.credit(2.5)).toBe('$2.50');
  });
});

describe('time', () => {
  it('names the viewer’s time zone with an instant (here Asia/Tokyo)', () => {
    expect(formatIn('en').zoned('2026-12-07T16:00:00Z')).toBe('Dec 8, 2026, 1:00 AM GMT+9');
    expect(formatIn('zh').zoned('2026-12-07T16:00:00Z')).toBe('2026年12月8日 GMT+9 01:00');
  });

  it('shows calendar days as the day they name, whatever the viewer’s zone', () => {
    expect(formatIn('en').day('2026-03-01')).toBe('Mar 1, 2026');
    expect(formatIn('en').shortDay('2026-12-31')).toBe('Dec 31');
  });

  it('formats in the console language', () => {
    expect(intlLocale('zh-Hans')).toBe('zh-CN');
    expect(intlLocale('fr')).toBe('en-US');
    expect(formatIn('en').bytes(1536)).toBe('1.5 KiB');
    expect(formatIn('en').percent(0.083)).toBe('8.3%');
  });
});
