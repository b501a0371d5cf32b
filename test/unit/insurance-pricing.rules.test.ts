import { describe, expect, it } from 'vitest';
import { Decimal } from '../../src/platform/money.ts';
import {
  oneYearAfter,
  parseServiceRatio,
  planPayment,
  planPaymentFormula,
} from '../../src/insurance/insurance-pricing.rules.ts';

describe('parseServiceRatio', () => {
  it.each([
    [0, '0'],
    [0.05, '0.05'],
    [1, '1'],
    [0.1234, '0.1234'],
  ])('reads %s exactly as %s', (ratio, exact) => {
    expect(parseServiceRatio(ratio)?.toString()).toBe(exact);
  });

  it.each([[-0.01], [1.0001], [0.12345], [Number.NaN], [Number.POSITIVE_INFINITY]])(
    'refuses %s (outside 0..1, more than four places, or not finite)',
    (ratio) => {
      expect(parseServiceRatio(ratio)).toBeUndefined();
    },
  );
});

describe('planPayment', () => {
  it.each<[string, string, string | undefined, string, string]>([
    ['6000', '0.05', '200', '6100.00', '6000.00 × (1 + 0.05) − 200.00'],
    ['6000', '0.0333', undefined, '6199.80', '6000.00 × (1 + 0.0333)'],
    ['0.05', '0.1', undefined, '0.06', '0.05 × (1 + 0.1)'],
  ])('%s with ratio %s less %s is %s', (summary, ratio, promotion, payment, formula) => {
    const args = [
      new Decimal(summary),
      new Decimal(ratio),
      promotion ? new Decimal(promotion) : undefined,
    ] as const;
    expect(planPayment(...args).toFixed(2)).toBe(payment);
    expect(planPaymentFormula(...args)).toBe(formula);
  });
});

describe('oneYearAfter', () => {
  it('stops a year later, and a 29 February start on 1 March', () => {
    expect(oneYearAfter(new Date('2026-05-04T10:00:00Z')).toISOString()).toBe(
      '2027-05-04T10:00:00.000Z',
    );
    expect(oneYearAfter(new Date('2028-02-29T00:00:00Z')).toISOString()).toBe(
      '2029-03-01T00:00:00.000Z',
    );
  });
});
