import { describe, expect, it } from 'vitest';
import { isValidAt, quotationRefusal } from '../../src/insurance/quotation.rules.ts';

const from = new Date('2026-06-01T00:00:00Z');
const until = new Date('2026-07-01T00:00:00Z');
const quotation = { validFrom: from, validUntil: until, withdrawnAt: null };
const at = (ms: number) => new Date(ms);

describe('a quotation is valid in [validFrom, validUntil), unless withdrawn', () => {
  it.each([
    ['at validFrom', from.getTime(), true, undefined],
    ['a millisecond before validUntil', until.getTime() - 1, true, undefined],
    ['a millisecond before validFrom', from.getTime() - 1, false, 'INVALID_INPUT'],
    ['at validUntil', until.getTime(), false, 'QUOTATION_EXPIRED'],
  ])('%s: valid %s, refused with %s', (_when, ms, valid, code) => {
    expect(isValidAt(quotation, at(ms))).toBe(valid);
    const refusal = quotationRefusal(quotation, at(ms), ['input', 'quotationId']);
    expect(refusal?.code).toBe(code);
    if (refusal) expect(refusal.field).toEqual(['input', 'quotationId']);
  });

  it('refuses a withdrawn quotation inside its window as QUOTATION_EXPIRED, naming when', () => {
    const withdrawnAt = new Date('2026-06-10T00:00:00Z');
    const withdrawn = { ...quotation, withdrawnAt };
    const now = new Date('2026-06-15T00:00:00Z');
    expect(isValidAt(withdrawn, now)).toBe(false);
    expect(quotationRefusal(withdrawn, now, ['q'])).toMatchObject({
      code: 'QUOTATION_EXPIRED',
      message: expect.stringContaining(withdrawnAt.toISOString()),
    });
  });
});
