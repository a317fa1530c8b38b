import { useMemo } from 'react';
import { useTranslation } from 'react-i18next';

/** The Intl locale for a console language. */
export function intlLocale(language: string): string {
  return language.startsWith('zh') ? 'zh-CN' : 'en-US';
}

/** An amount in minor units (cents, fen; whole yen) as money in its own currency. */
export function formatMoney(minorUnits: number, currency: string, locale: string): string {
  try {
    const format = new Intl.NumberFormat(locale, { style: 'currency', currency: currency.toUpperCase() });
    const digits = format.resolvedOptions().maximumFractionDigits ?? 2;
    return format.format(minorUnits / 10 ** digits);
  } catch {
    // An unknown currency code: still show the amount rather than fail the page.
    return `${(minorUnits / 100).toFixed(2)} ${currency.toUpperCase()}`;
  }
}

/** How many digits a currency has after the point (2 for USD, 0 for JPY); 2 when unknown. */
export function currencyDigits(currency: string): number {
  try {
    return new Intl.NumberFormat('en-US', { style: 'currency', currency: currency.toUpperCase() }).resolvedOptions().maximumFractionDigits ?? 2;
  } catch {
    return 2;
  }
}

/** Formatters in the current console language; recreated when the language changes. */
export function useFormat() {
  const { i18n } = useTranslation();
  const locale = intlLocale(i18n.language);
  return useMemo(() => {
    const number = new Intl.NumberFormat(locale);
    const compact = new Intl.NumberFormat(locale, { notation: 'compact', maximumFractionDigits: 1 });
    const dateTime = new Intl.DateTimeFormat(locale, { dateStyle: 'medium', timeStyle: 'short' });
    const time = new Intl.DateTimeFormat(locale, { timeStyle: 'short' });
    const clock = new Intl.DateTimeFormat(locale, { timeStyle: 'medium' });
    // The viewer's own zone, named: a reset or an end time means nothing without it.
    const zoned = new Intl.DateTimeFormat(locale, {
      year: 'numeric',
      month: 'short',
      day: 'numeric',
      hour: 'numeric',
      minute: '2-digit',
      timeZoneName: 'short',
    });
    // Costs of single requests are fractions of a cent: up to 6 decimals ($0.000125), at least 2.
    const usd = new Intl.NumberFormat(locale, { style: 'currency', currency: 'USD', minimumFractionDigits: 2, maximumFractionDigits: 6 });
    const wholeUsd = new Intl.NumberFormat(locale, { style: 'currency', currency: 'USD', maximumFractionDigits: 0 });
    const percent = new Intl.NumberFormat(locale, { style: 'percent', maximumFractionDigits: 1 });
    // Calendar days are not instants: format them in UTC so no time zone moves them.
    const day = new Intl.DateTimeFormat(locale, { dateStyle: 'medium', timeZone: 'UTC' });
    const shortDay = new Intl.DateTimeFormat(locale, { month: 'short', day: 'numeric', timeZone: 'UTC' });
    return {
      locale,
      number: (value: number) => number.format(value),
      compact: (value: number) => compact.format(value),
      dateTime: (iso: string) => dateTime.format(new Date(iso)),
      time: (iso: string) => time.format(new Date(iso)),
      /** An instant in the viewer's time zone, with the zone named: Dec 8, 2026, 1:00 AM GMT+9. */
      zoned: (iso: string) => zoned.format(new Date(iso)),
      /** A time of day with seconds (cool-downs last seconds): 14:03:27. */
      clock: (iso: string) => clock.format(new Date(iso)),
      /** US dollars (costs, credits, prices) with as many decimals as they need, up to 6. */
      usd: (value: number) => usd.format(value),
      /** A credit limit as people say it: $5, or $2.50 when it has cents. */
      credit: (value: number) => (Number.isInteger(value) ? wholeUsd.format(value) : usd.format(value)),
      /** A ratio (0.083) as a percentage: 8.3%. */
      percent: (ratio: number) => percent.format(ratio),
      day: (ymd: string) => day.format(new Date(`${ymd}T00:00:00Z`)),
      shortDay: (ymd: string) => shortDay.format(new Date(`${ymd}T00:00:00Z`)),
      money: (minorUnits: number, currency: string) => formatMoney(minorUnits, currency, locale),
      /** A byte count in binary units (Redis' memory): 1.5 MiB. */
      bytes: (value: number) => {
        const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
        let scaled = value;
        let unit = 0;
        while (scaled >= 1024 && unit < units.length - 1) {
          scaled /= 1024;
          unit += 1;
        }
        return `${new Intl.NumberFormat(locale, { maximumFractionDigits: unit === 0 ? 0 : 1 }).format(scaled)} ${units[unit]}`;
      },
    };
  }, [locale]);
}

export type Format = ReturnType<typeof useFormat>;
