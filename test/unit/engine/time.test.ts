import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { parseInstant } from '../../../src/engine/time.js';

const reference = (text: string) => {
  const ms = Date.parse(text);
  return Number.isFinite(ms) ? ms : null;
};

describe('timestamps: read exactly as Date.parse reads them, only faster', () => {
  it('agrees with Date.parse on ISO instants with 0 to 9 fraction digits', () => {
    fc.assert(
      fc.property(
        fc.date({
          min: new Date('1970-01-01T00:00:00Z'),
          max: new Date('2100-12-31T23:59:59Z'),
          noInvalidDate: true,
        }),
        fc.integer({ min: 0, max: 9 }),
        fc.nat(999_999),
        (date, digits, extra) => {
          const [head] = date.toISOString().split('.');
          const fraction = (
            String(date.getUTCMilliseconds()).padStart(3, '0') + String(extra).padStart(6, '0')
          ).slice(0, digits);
          const text = `${head}${digits > 0 ? `.${fraction}` : ''}Z`;
          expect(parseInstant(text)).toBe(reference(text));
        },
      ),
      { numRuns: 2000 },
    );
  });

  it('agrees with Date.parse on dates, offsets, end-of-month days and malformed text', () => {
    for (const text of [
      '2026-11-30',
      '2026-11-30T12:00:00+02:00',
      '2026-02-29T00:00:00Z',
      '2026-02-31T00:00:00.000Z',
      '2026-13-01T00:00:00Z',
      '2026-11-30T24:00:00Z',
      '2026-11-30T12:00:00.Z',
      '2026-11-30T12:00:00.12aZ',
      '2026-11-30 12:00:00Z',
      'not a date',
    ]) {
      expect([text, parseInstant(text)]).toEqual([text, reference(text)]);
    }
    expect(parseInstant('')).toBeNull();
    expect(parseInstant(null)).toBeNull();
  });
});
