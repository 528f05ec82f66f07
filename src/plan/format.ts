/**
 * Numbers, money and dates for the rendered plan. Hand-written rather than `Intl`, so the text
 * is the same on every Node version and ICU build (the PR body is diffed between runs).
 */

export function formatCount(n: number): string {
  const sign = n < 0 ? '-' : '';
  const digits = String(Math.trunc(Math.abs(n)));
  return sign + digits.replace(/\B(?=(\d{3})+(?!\d))/g, ',');
}

const CURRENCY_SYMBOLS: Record<string, string> = {
  USD: '$',
  EUR: '€',
  GBP: '£',
  JPY: '¥',
  INR: '₹',
  AUD: 'A$',
  CAD: 'CA$',
  NZD: 'NZ$',
};

/**
 * `$3,108.40`, `€12.00`, `1,234.50 CHF`. `wholeUnits` rounds to whole units (`$3,108`) for
 * titles. The `$` is left bare: Markdown callers escape it (GitHub reads `$…$` as math).
 */
export function formatMoney(amount: number, currency: string, wholeUnits = false): string {
  const cents = Math.round(Math.abs(amount) * 100);
  const units = wholeUnits ? Math.round(cents / 100) : Math.floor(cents / 100);
  const text = wholeUnits
    ? formatCount(units)
    : `${formatCount(units)}.${String(cents % 100).padStart(2, '0')}`;
  const sign = amount < 0 && cents > 0 ? '-' : '';
  const symbol = CURRENCY_SYMBOLS[currency];
  return symbol === undefined ? `${sign}${text} ${currency}` : `${sign}${symbol}${text}`;
}

/** `2026-11-30` from an ISO timestamp; the input unchanged when it is not one. */
export function formatDate(iso: string | null | undefined, missing = '—'): string {
  if (iso === null || iso === undefined || iso === '') return missing;
  return /^\d{4}-\d{2}-\d{2}/.test(iso) ? iso.slice(0, 10) : iso;
}

/** `2026-11-30 06:00 UTC` from an ISO timestamp. */
export function formatDateTime(iso: string | null | undefined): string {
  if (iso === null || iso === undefined || iso === '') return '—';
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return iso;
  const text = date.toISOString();
  return `${text.slice(0, 10)} ${text.slice(11, 16)} UTC`;
}

export function plural(n: number, one: string, many: string): string {
  return `${formatCount(n)} ${n === 1 ? one : many}`;
}

/** UTF-8 byte length: an upper bound on both GitHub's character count and JS `length`. */
export function utf8Length(text: string): number {
  let bytes = 0;
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code < 0x80) bytes += 1;
    else if (code < 0x800) bytes += 2;
    else if (
      code >= 0xd800 &&
      code <= 0xdbff &&
      i + 1 < text.length &&
      (text.charCodeAt(i + 1) & 0xfc00) === 0xdc00
    ) {
      bytes += 4;
      i++;
    } else bytes += 3;
  }
  return bytes;
}
