import { describe, expect, it } from 'vitest';
import { ORDER_LIMITS } from '../../src/insurance/insurance-pricing.rules.ts';
import type {
  PlaceAnDriverOrderInput,
  PlaceAnPlanOrderInput,
  PlaceAnSaleOrderInput,
} from '../../src/insurance/insurance-order.input.ts';
import {
  checkDriverOrderSize,
  checkDrivers,
  checkItems,
  checkPlanOrderSize,
  checkSaleOrderSize,
  EXPECT_AT_WINDOW,
  judgeDriverOrder,
  judgePlanOrder,
  judgeSaleOrder,
  type PlanOrderFacts,
} from '../../src/insurance/insurance-order.rules.ts';
import { InputChecks } from '../../src/platform/input.rules.ts';
import { Decimal } from '../../src/platform/money.ts';

// Plan P (items P1 3000.00, P2 2000.00) and plan Q (item Q1 1000.00, not quoted).
const NOW = Date.parse('2026-06-01T12:00:00Z');
const DAY = 24 * 3600 * 1000;
const money = (text: string) => new Decimal(text);
const FACTS: PlanOrderFacts = {
  plans: new Map([
    ['P', { id: 'P', name: 'Basic' }],
    ['Q', { id: 'Q', name: 'Extra' }],
  ]),
  items: new Map([
    ['P1', { id: 'P1', planId: 'P', name: 'Damage' }],
    ['P2', { id: 'P2', planId: 'P', name: 'Theft' }],
    ['Q1', { id: 'Q1', planId: 'Q', name: 'Glass' }],
  ]),
  quoted: new Map([
    ['P1', money('3000.00')],
    ['P2', money('2000.00')],
  ]),
  promotion: null,
  vehicleValue: money('80000.00'),
  now: NOW,
};
const item = (planItemId: string, price: string) => ({ planItemId, price: money(price) });

function planOrder(over: Partial<PlaceAnPlanOrderInput> = {}): PlaceAnPlanOrderInput {
  return {
    vehicleId: 'V',
    quotationId: 'Z',
    plans: [{ planId: 'P', items: [item('P1', '3000.00'), item('P2', '2000.00')] }],
    promotionId: null,
    serviceRatio: 0,
    summary: money('5000.00'),
    payment: money('5000.00'),
    vehicleValue: money('80000.00'),
    expectAt: new Date(NOW + DAY),
    ...over,
  };
}

/** The findings as [code, dotted field] pairs. */
function findings(checks: InputChecks): [string, string][] {
  return checks.errors.map((e) => [e.code, (e.field ?? []).join('.')]);
}

describe('checkPlanOrderSize', () => {
  const plans = (count: number, itemsEach: number) =>
    Array.from({ length: count }, (_, i) => ({
      planId: `plan-${i}`,
      items: Array.from({ length: itemsEach }, (_, j) => item(`item-${i}-${j}`, '1.00')),
    }));
  it.each([
    { label: 'no plan', count: 0, itemsEach: 0, accepted: false },
    { label: 'one plan', count: 1, itemsEach: 1, accepted: true },
    {
      label: `${ORDER_LIMITS.plansPerOrder} plans`,
      count: ORDER_LIMITS.plansPerOrder,
      itemsEach: 5,
      accepted: true,
    },
    {
      label: `${ORDER_LIMITS.plansPerOrder + 1} plans`,
      count: ORDER_LIMITS.plansPerOrder + 1,
      itemsEach: 1,
      accepted: false,
    },
    {
      label: `${ORDER_LIMITS.itemsPerOrder} items in all`,
      count: 4,
      itemsEach: ORDER_LIMITS.itemsPerOrder / 4,
      accepted: true,
    },
    {
      label: `${ORDER_LIMITS.itemsPerOrder + 1} items in all`,
      count: 1,
      itemsEach: ORDER_LIMITS.itemsPerOrder + 1,
      accepted: false,
    },
  ])('$label: accepted $accepted', ({ count, itemsEach, accepted }) => {
    const checks = new InputChecks();
    expect(checkPlanOrderSize(planOrder({ plans: plans(count, itemsEach) }), checks)).toBe(
      accepted,
    );
    expect(findings(checks)).toEqual(accepted ? [] : [['INVALID_INPUT', 'input.plans']]);
  });
});

describe('checkDriverOrderSize and checkSaleOrderSize', () => {
  const ids = (n: number) => Array.from({ length: n }, (_, i) => `d${i}`);
  it.each([
    [0, false],
    [1, true],
    [ORDER_LIMITS.driversPerOrder, true],
    [ORDER_LIMITS.driversPerOrder + 1, false],
  ])('a driver order of %i drivers is accepted: %s', (count, accepted) => {
    const checks = new InputChecks();
    const input = { driverIds: ids(count) } as PlaceAnDriverOrderInput;
    expect(checkDriverOrderSize(input, checks)).toBe(accepted);
    expect(findings(checks)).toEqual(accepted ? [] : [['INVALID_INPUT', 'input.driverIds']]);
  });

  it.each([
    [0, false],
    [1, true],
    [ORDER_LIMITS.itemsPerOrder, true],
    [ORDER_LIMITS.itemsPerOrder + 1, false],
  ])('a sale order of %i items is accepted: %s', (count, accepted) => {
    const checks = new InputChecks();
    const input = { items: ids(count).map((id) => item(id, '1.00')) } as PlaceAnSaleOrderInput;
    expect(checkSaleOrderSize(input, checks)).toBe(accepted);
    expect(findings(checks)).toEqual(accepted ? [] : [['INVALID_INPUT', 'input.items']]);
  });
});

describe('judgePlanOrder', () => {
  it('prices a valid order: payment = summary × (1 + ratio), rounded half-up, less the promotion', () => {
    const checks = new InputChecks();
    const decision = judgePlanOrder(
      planOrder({ serviceRatio: 0.05, payment: money('4750.00') }),
      { ...FACTS, promotion: { price: money('500.00') } },
      checks,
    );
    expect(findings(checks)).toEqual([]);
    expect(decision?.summary.toFixed(2)).toBe('5000.00');
    expect(decision?.ratio.toString()).toBe('0.05');
    expect(decision?.payment.toFixed(2)).toBe('4750.00');
    expect(decision?.priced.map((p) => [p.planItemId, p.planId, p.price.toFixed(2)])).toEqual([
      ['P1', 'P', '3000.00'],
      ['P2', 'P', '2000.00'],
    ]);
  });

  it.each([
    ['0', 0, true],
    ['1', 1, true],
    ['four places', 0.0125, true],
    ['five places', 0.00125, false],
    ['above 1', 1.0001, false],
    ['negative', -0.01, false],
    ['NaN', Number.NaN, false],
    ['Infinity', Number.POSITIVE_INFINITY, false],
  ])('takes a service ratio of %s (%s): accepted %s', (_label, serviceRatio, accepted) => {
    const checks = new InputChecks();
    const decision = judgePlanOrder(planOrder({ serviceRatio }), FACTS, checks);
    const ratioFindings = findings(checks).filter(([, field]) => field === 'input.serviceRatio');
    expect(ratioFindings).toEqual(accepted ? [] : [['INVALID_INPUT', 'input.serviceRatio']]);
    if (!accepted) expect(decision).toBeUndefined();
  });

  it.each([
    { label: 'a day before now', at: NOW - EXPECT_AT_WINDOW.beforeMs, accepted: true },
    {
      label: 'just over a day before now',
      at: NOW - EXPECT_AT_WINDOW.beforeMs - 1,
      accepted: false,
    },
    { label: '366 days ahead', at: NOW + EXPECT_AT_WINDOW.aheadMs, accepted: true },
    { label: 'just over 366 days ahead', at: NOW + EXPECT_AT_WINDOW.aheadMs + 1, accepted: false },
  ])('takes expectAt $label: $accepted', ({ at, accepted }) => {
    const checks = new InputChecks();
    const decision = judgePlanOrder(planOrder({ expectAt: new Date(at) }), FACTS, checks);
    expect(findings(checks)).toEqual(accepted ? [] : [['INVALID_INPUT', 'input.expectAt']]);
    expect(decision === undefined).toBe(!accepted);
  });

  it('names every wrong figure: an item price, the summary, the payment with its formula', () => {
    const checks = new InputChecks();
    const input = planOrder({
      plans: [{ planId: 'P', items: [item('P1', '2999.00'), item('P2', '2000.00')] }],
      summary: money('4999.00'),
      payment: money('4999.00'),
      serviceRatio: 0.1,
    });
    expect(judgePlanOrder(input, FACTS, checks)).toBeUndefined();
    expect(findings(checks)).toEqual([
      ['PRICE_MISMATCH', 'input.plans.0.items.0.price'],
      ['PRICE_MISMATCH', 'input.summary'],
      ['PRICE_MISMATCH', 'input.payment'],
    ]);
    expect(checks.errors[2].message).toBe(
      'payment should be 5500.00 = 5000.00 × (1 + 0.1), not 4999.00.',
    );
  });

  it('judges no money while anything but a price is wrong', () => {
    const checks = new InputChecks();
    const input = planOrder({
      plans: [
        { planId: 'P', items: [item('P1', '3000.00'), item('Q1', '1000.00')] },
        { planId: 'P', items: [item('P2', '2000.00')] },
        { planId: 'nope', items: [] },
        { planId: 'Q', items: [] },
      ],
      promotionId: 'gone',
      vehicleValue: money('1.00'),
      payment: money('1.00'),
    });
    expect(judgePlanOrder(input, FACTS, checks)).toBeUndefined();
    expect(findings(checks)).toEqual([
      ['INVALID_INPUT', 'input.plans.0.items.1.planItemId'],
      ['INVALID_INPUT', 'input.plans.1.planId'],
      ['NOT_FOUND', 'input.plans.2.planId'],
      ['INVALID_INPUT', 'input.plans.3.items'],
      ['NOT_FOUND', 'input.promotionId'],
      ['PRICE_MISMATCH', 'input.vehicleValue'],
    ]);
  });

  it('refuses a promotion that leaves nothing to pay', () => {
    const checks = new InputChecks();
    const facts = { ...FACTS, promotion: { price: money('5000.00') } };
    expect(judgePlanOrder(planOrder({ promotionId: 'X' }), facts, checks)).toBeUndefined();
    expect(findings(checks)).toEqual([['INVALID_INPUT', 'input.promotionId']]);
    expect(checks.errors[0].message).toBe(
      'The promotion leaves nothing to pay (5000.00 × (1 + 0) − 5000.00 = 0.00).',
    );
  });
});

describe('checkItems', () => {
  it.each([
    ['an unknown item', item('nope', '1.00'), 'NOT_FOUND', 'planItemId'],
    ["another plan's item", item('Q1', '1000.00'), 'INVALID_INPUT', 'planItemId'],
    ['an item listed twice', item('P1', '3000.00'), 'INVALID_INPUT', 'planItemId'],
    ['a wrong price', item('P2', '2000.01'), 'PRICE_MISMATCH', 'price'],
  ])('refuses %s at its field', (_label, second, code, field) => {
    const checks = new InputChecks();
    const priced = checkItems(
      [item('P1', '3000.00'), second],
      ['input', 'items'],
      FACTS.items,
      FACTS.quoted,
      new Set(),
      checks,
      'P',
    );
    expect(findings(checks)).toEqual([[code, `input.items.1.${field}`]]);
    // A wrong price still prices the item at the quotation's price; other refusals drop it.
    expect(priced.map((p) => p.price.toFixed(2))).toEqual(
      code === 'PRICE_MISMATCH' ? ['3000.00', '2000.00'] : ['3000.00'],
    );
  });

  it('refuses an item the quotation has no price for', () => {
    const checks = new InputChecks();
    checkItems(
      [item('Q1', '1000.00')],
      ['input', 'items'],
      FACTS.items,
      FACTS.quoted,
      new Set(),
      checks,
    );
    expect(findings(checks)).toEqual([['INVALID_INPUT', 'input.items.0.planItemId']]);
  });
});

describe('driver orders', () => {
  const drivers = new Map([
    ['a', { name: 'Ann' }],
    ['b', { name: 'Bo' }],
  ]);
  const order = (driverIds: string[], summary = '0.00') =>
    ({
      vehicleId: 'V',
      driverIds,
      summary: money(summary),
      payment: money(summary),
    }) as PlaceAnDriverOrderInput;

  it("refuses a driver who is not the caller's, listed twice, or already driving the vehicle", () => {
    const checks = new InputChecks();
    checkDrivers(order(['a', 'x', 'a', 'b']), drivers, new Set(['b']), '沪A12345', checks);
    expect(findings(checks)).toEqual([
      ['NOT_FOUND', 'input.driverIds.1'],
      ['INVALID_INPUT', 'input.driverIds.2'],
      ['INVALID_INPUT', 'input.driverIds.3'],
    ]);
    expect(checks.errors[2].message).toBe(
      'Bo already drives 沪A12345 under an effective driver order.',
    );
  });

  it('charges the driver fee per driver, and refuses a summary or payment that says otherwise', () => {
    const fee = money('150.00');
    const fine = new InputChecks();
    expect(judgeDriverOrder(order(['a', 'b'], '300.00'), fee, fine)?.toFixed(2)).toBe('300.00');
    expect(fine.errors).toEqual([]);
    const wrong = new InputChecks();
    expect(judgeDriverOrder(order(['a', 'b'], '150.00'), fee, wrong)).toBeUndefined();
    expect(findings(wrong)).toEqual([
      ['PRICE_MISMATCH', 'input.summary'],
      ['PRICE_MISMATCH', 'input.payment'],
    ]);
    expect(wrong.errors[0].message).toBe(
      'summary (2 drivers × 150.00) should be 300.00, not 150.00.',
    );
  });
});

describe('judgeSaleOrder', () => {
  const sale = (items: ReturnType<typeof item>[], summary: string, payment = summary) =>
    ({
      vehicleId: 'V',
      quotationId: 'Z',
      items,
      summary: money(summary),
      payment: money(payment),
    }) as PlaceAnSaleOrderInput;

  it('sums the quoted prices of items of any plan', () => {
    const checks = new InputChecks();
    const decision = judgeSaleOrder(
      sale([item('P1', '3000.00')], '3000.00'),
      FACTS.items,
      FACTS.quoted,
      checks,
    );
    expect(checks.errors).toEqual([]);
    expect(decision?.summary.toFixed(2)).toBe('3000.00');
  });

  it('judges the summary only when the items are right, and the payment against the summary', () => {
    const unknown = new InputChecks();
    expect(
      judgeSaleOrder(sale([item('nope', '1.00')], '9.00'), FACTS.items, FACTS.quoted, unknown),
    ).toBeUndefined();
    expect(findings(unknown)).toEqual([['NOT_FOUND', 'input.items.0.planItemId']]);
    const wrong = new InputChecks();
    expect(
      judgeSaleOrder(
        sale([item('P2', '2000.00')], '2000.00', '1999.99'),
        FACTS.items,
        FACTS.quoted,
        wrong,
      ),
    ).toBeUndefined();
    expect(findings(wrong)).toEqual([['PRICE_MISMATCH', 'input.payment']]);
  });
});
