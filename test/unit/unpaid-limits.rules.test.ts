import { describe, expect, it } from 'vitest';
import type { Config } from '../../src/platform/config.ts';
import { BusinessError } from '../../src/platform/errors.ts';
import { Decimal } from '../../src/platform/money.ts';
import { refuseOverLimits, unpaidLimits } from '../../src/shop/unpaid-limits.rules.ts';

const limits = { orders: 3, units: 10, value: new Decimal('100.00') };
const held = (orders: number, units: number, value: string) => ({
  orders,
  units,
  value: new Decimal(value),
});
/** The codes and messages refuseOverLimits throws, or [] when it lets the order through. */
function refusals(h: ReturnType<typeof held> | undefined, units: number, value: string) {
  try {
    refuseOverLimits(h, { units, value: new Decimal(value) }, limits, ['input', 'products']);
    return [];
  } catch (err) {
    if (!(err instanceof BusinessError)) throw err;
    return err.errors.map((e) => [e.code, e.message]);
  }
}

describe('unpaidLimits', () => {
  it('reads 0 as no limit', () => {
    const config = { shopMaxUnpaidOrders: 0, shopMaxUnpaidUnits: 5, shopMaxUnpaidValue: 0 };
    expect(unpaidLimits(config as Config)).toEqual({ orders: null, units: 5, value: null });
  });
});

describe('refuseOverLimits', () => {
  it('lets an order reach each limit exactly', () => {
    expect(refusals(held(2, 6, '60.00'), 4, '40.00')).toEqual([]);
  });

  it.each([
    ['a fourth unpaid order', held(3, 0, '0'), 1, '1.00', 'You already have 3 unpaid shop orders'],
    ['an eleventh item', held(0, 6, '0'), 5, '1.00', 'you hold 6 and this order adds 5'],
    [
      'a cent over the value',
      held(0, 0, '60.00'),
      1,
      '40.01',
      'yours come to 60.00 and this order adds 40.01',
    ],
  ])(
    'refuses %s with UNPAID_LIMIT_REACHED, saying what is held',
    (_what, h, units, value, says) => {
      const found = refusals(h, units, value);
      expect(found).toHaveLength(1);
      expect(found[0][0]).toBe('UNPAID_LIMIT_REACHED');
      expect(found[0][1]).toContain(says);
    },
  );

  it('names every limit the order passes, and checks nothing without a count of holdings', () => {
    expect(refusals(held(3, 10, '100.00'), 1, '0.01').map(([code]) => code)).toEqual([
      'UNPAID_LIMIT_REACHED',
      'UNPAID_LIMIT_REACHED',
      'UNPAID_LIMIT_REACHED',
    ]);
    expect(refusals(undefined, 1000, '1000000.00')).toEqual([]);
  });
});
