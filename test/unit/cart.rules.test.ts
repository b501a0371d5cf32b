import { describe, expect, it } from 'vitest';
import { InputChecks, MAX_MONEY } from '../../src/platform/input.rules.ts';
import { Decimal } from '../../src/platform/money.ts';
import {
  CART_LIMITS,
  checkPayment,
  isWellFormedCart,
  priceLines,
} from '../../src/shop/cart.rules.ts';

const line = (productId: string, count = 1) => ({ productId, count });
const cart = (products: { productId: string; count: number }[], shopId = '1') => ({
  shopId,
  products,
});

describe('isWellFormedCart', () => {
  it('takes a cart of distinct well-formed ids with counts in 1..9999', () => {
    expect(isWellFormedCart(cart([line('1'), line('2', CART_LIMITS.count)]))).toBe(true);
    const full = Array.from({ length: CART_LIMITS.lines }, (_, i) => line(String(i + 1)));
    expect(isWellFormedCart(cart(full))).toBe(true);
  });

  it.each([
    ['no lines', cart([])],
    [
      'one line too many',
      cart(Array.from({ length: CART_LIMITS.lines + 1 }, (_, i) => line(String(i + 1)))),
    ],
    ['a product twice', cart([line('1'), line('1')])],
    ['a shop id that is no id', cart([line('1')], 'abc')],
    ['a product id that is no id', cart([line('x')])],
    ['a count of 0', cart([line('1', 0)])],
    ['a count past the limit', cart([line('1', CART_LIMITS.count + 1)])],
    ['a fractional count', cart([line('1', 1.5)])],
  ])('leaves %s to checkCart, which names the fault', (_what, input) => {
    expect(isWellFormedCart(input)).toBe(false);
  });
});

describe('priceLines', () => {
  it('prices each line exactly and sums items and payment', () => {
    const catalogue = new Map([
      ['1', { name: 'Tea', price: new Decimal('0.10') }],
      ['2', { name: 'Cup', price: new Decimal('19.99') }],
    ]);
    const priced = priceLines([line('1', 3), line('2', 2)], catalogue);
    expect(priced.lines.map((l) => [l.name, l.totalPrice.toFixed(2)])).toEqual([
      ['Tea', '0.30'],
      ['Cup', '39.98'],
    ]);
    expect(priced.totalAmount).toBe(5);
    expect(priced.payment.toFixed(2)).toBe('40.28');
  });
});

describe('checkPayment', () => {
  it('refuses a payment the money columns cannot hold, and takes the largest they can', () => {
    const checks = new InputChecks();
    checkPayment(MAX_MONEY, ['input'], checks);
    expect(checks.errors).toEqual([]);
    checkPayment(MAX_MONEY.plus('0.01'), ['input'], checks);
    expect(checks.errors).toMatchObject([{ code: 'INVALID_INPUT', field: ['input', 'products'] }]);
  });
});
