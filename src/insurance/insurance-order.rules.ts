import { ErrorCode, type FieldPath } from '../platform/errors.ts';
import type { InputChecks } from '../platform/input.rules.ts';
import { type Decimal, sum, toMoneyString } from '../platform/money.ts';
import {
  ORDER_LIMITS,
  parseServiceRatio,
  planPayment,
  planPaymentFormula,
} from './insurance-pricing.rules.ts';
import type {
  PlaceAnDriverOrderInput,
  PlaceAnPlanOrderInput,
  PlaceAnSaleOrderInput,
  PlanItemPriceInput,
} from './insurance-order.input.ts';

/**
 * The rules of placing the three insurance kinds, as pure functions of the input and what the
 * service read for it (the caller's vehicle, the quotation's prices, the catalogue): every
 * finding goes into `checks`, nothing is read or written here. Size checks run before the
 * service reads the catalogue; the `judge*` functions decide the money, or undefined when the
 * order cannot be placed.
 */

const DAY_MS = 24 * 3600 * 1000;

/** expectAt may be from a day before now (today, in any zone) up to a year ahead. */
export const EXPECT_AT_WINDOW = { beforeMs: DAY_MS, aheadMs: 366 * DAY_MS } as const;

/** A catalogue item of a plan, as the rules need it. */
export interface CatalogItem {
  id: string;
  planId: string;
  name: string;
}

/** An item the order will hold, at the quotation's price. */
export interface PricedItem {
  planItemId: string;
  planId: string;
  price: Decimal;
}

/** PRICE_MISMATCH unless the client's figure is the server's. */
export function expectAmount(
  checks: InputChecks,
  given: Decimal,
  expected: Decimal,
  what: string,
  field: FieldPath,
): void {
  if (!given.eq(expected)) {
    checks.add(
      ErrorCode.PRICE_MISMATCH,
      `${what} should be ${toMoneyString(expected)}, not ${toMoneyString(given)}.`,
      field,
    );
  }
}

/** Driver and sale orders: the summary is `summary` (`how` says why) and the payment is the summary. */
function expectTotals(
  checks: InputChecks,
  input: { summary: Decimal; payment: Decimal },
  summary: Decimal,
  how: string,
): void {
  expectAmount(checks, input.summary, summary, `summary (${how})`, ['input', 'summary']);
  expectAmount(checks, input.payment, summary, 'payment (the summary)', ['input', 'payment']);
}

/** True when something other than a price is wrong: then the prices cannot be judged. */
const structural = (checks: InputChecks) => checks.anyBut(ErrorCode.PRICE_MISMATCH);

/**
 * Checks one list of items against the catalogue and the quotation: each item exists, is not
 * listed twice in the order (`seen` spans the order), belongs to `planId` when one is given,
 * is quoted, and carries exactly the quoted price. Returns the items at the quotation's prices.
 */
export function checkItems(
  items: PlanItemPriceInput[],
  path: FieldPath,
  catalog: ReadonlyMap<string, CatalogItem>,
  quoted: ReadonlyMap<string, Decimal>,
  seen: Set<string>,
  checks: InputChecks,
  planId?: string,
): PricedItem[] {
  const priced: PricedItem[] = [];
  items.forEach((input, j) => {
    const at = [...path, j];
    const item = catalog.get(input.planItemId);
    if (!item) {
      checks.add(ErrorCode.NOT_FOUND, 'No plan item has this id.', [...at, 'planItemId']);
      return;
    }
    const refuse = (message: string) =>
      checks.add(ErrorCode.INVALID_INPUT, message, [...at, 'planItemId']);
    if (seen.has(item.id)) return refuse(`Item "${item.name}" is listed twice.`);
    seen.add(item.id);
    if (planId && item.planId !== planId) {
      return refuse(`Item "${item.name}" does not belong to this plan.`);
    }
    const price = quoted.get(item.id);
    if (!price) return refuse(`The quotation has no price for item "${item.name}".`);
    if (!price.eq(input.price)) {
      checks.add(
        ErrorCode.PRICE_MISMATCH,
        `Item "${item.name}" is quoted at ${toMoneyString(price)}, not ${toMoneyString(input.price)}.`,
        [...at, 'price'],
      );
    }
    priced.push({ planItemId: item.id, planId: item.planId, price });
  });
  return priced;
}

/** Before the catalogue is read: 1 to 20 plans and at most 100 items in all. False: stop. */
export function checkPlanOrderSize(input: PlaceAnPlanOrderInput, checks: InputChecks): boolean {
  const field = ['input', 'plans'];
  if (input.plans.length === 0) {
    checks.add(ErrorCode.INVALID_INPUT, 'Choose at least one plan.', field);
    return false;
  }
  const itemCount = input.plans.reduce((n, p) => n + p.items.length, 0);
  if (input.plans.length <= ORDER_LIMITS.plansPerOrder && itemCount <= ORDER_LIMITS.itemsPerOrder) {
    return true;
  }
  checks.add(
    ErrorCode.INVALID_INPUT,
    `An order holds at most ${ORDER_LIMITS.plansPerOrder} plans and ${ORDER_LIMITS.itemsPerOrder} items.`,
    field,
  );
  return false;
}

/** What the service read for a plan order. */
export interface PlanOrderFacts {
  /** The plans the input names, by id. */
  plans: ReadonlyMap<string, { id: string; name: string }>;
  /** The catalogue items the input names, by id. */
  items: ReadonlyMap<string, CatalogItem>;
  /** The quotation's prices by plan item id. */
  quoted: ReadonlyMap<string, Decimal>;
  /** The running promotion `promotionId` names; null when none was asked for or it is not running. */
  promotion: { price: Decimal } | null;
  vehicleValue: Decimal;
  now: number;
}

export interface PlanOrderDecision {
  priced: PricedItem[];
  ratio: Decimal;
  summary: Decimal;
  payment: Decimal;
}

/**
 * Every rule of a plan order: each plan once, with items of its own, quoted at the client's
 * prices; a service ratio of 0 to 1 (four places); a running promotion when one is named;
 * expectAt within EXPECT_AT_WINDOW; the vehicle's value, the summary and the payment exactly
 * the server's (payment = summary × (1 + ratio) − promotion, more than 0). Returns the money
 * when the order can be placed.
 */
export function judgePlanOrder(
  input: PlaceAnPlanOrderInput,
  facts: PlanOrderFacts,
  checks: InputChecks,
): PlanOrderDecision | undefined {
  const seenPlans = new Set<string>();
  const seenItems = new Set<string>();
  const priced: PricedItem[] = [];
  input.plans.forEach((selection, i) => {
    const at = ['input', 'plans', i];
    const plan = facts.plans.get(selection.planId);
    if (!plan) return checks.add(ErrorCode.NOT_FOUND, 'No plan has this id.', [...at, 'planId']);
    if (seenPlans.has(plan.id)) {
      return checks.add(ErrorCode.INVALID_INPUT, `Plan "${plan.name}" is listed twice.`, [
        ...at,
        'planId',
      ]);
    }
    seenPlans.add(plan.id);
    if (selection.items.length === 0) {
      return checks.add(ErrorCode.INVALID_INPUT, `Plan "${plan.name}" has no items chosen.`, [
        ...at,
        'items',
      ]);
    }
    const { items, quoted } = facts;
    priced.push(
      ...checkItems(selection.items, [...at, 'items'], items, quoted, seenItems, checks, plan.id),
    );
  });

  const ratio = parseServiceRatio(input.serviceRatio);
  if (!ratio) {
    checks.add(
      ErrorCode.INVALID_INPUT,
      'serviceRatio must be a number from 0 to 1 with at most four decimal places.',
      ['input', 'serviceRatio'],
    );
  }
  if (input.promotionId && !facts.promotion) {
    checks.add(ErrorCode.NOT_FOUND, 'No running promotion has this id.', ['input', 'promotionId']);
  }
  const expectAt = input.expectAt.getTime();
  if (
    expectAt < facts.now - EXPECT_AT_WINDOW.beforeMs ||
    expectAt > facts.now + EXPECT_AT_WINDOW.aheadMs
  ) {
    checks.add(ErrorCode.INVALID_INPUT, 'expectAt must be from today up to a year ahead.', [
      'input',
      'expectAt',
    ]);
  }
  expectAmount(checks, input.vehicleValue, facts.vehicleValue, "The vehicle's value", [
    'input',
    'vehicleValue',
  ]);
  if (structural(checks) || !ratio) return undefined;

  const summary = sum(priced.map((p) => p.price));
  expectAmount(checks, input.summary, summary, 'summary (the sum of the quoted item prices)', [
    'input',
    'summary',
  ]);
  const promotion = facts.promotion?.price;
  const payment = planPayment(summary, ratio, promotion);
  const formula = planPaymentFormula(summary, ratio, promotion);
  if (payment.lte(0)) {
    checks.add(
      ErrorCode.INVALID_INPUT,
      `The promotion leaves nothing to pay (${formula} = ${toMoneyString(payment)}).`,
      ['input', 'promotionId'],
    );
    return undefined;
  }
  if (!input.payment.eq(payment)) {
    checks.add(
      ErrorCode.PRICE_MISMATCH,
      `payment should be ${toMoneyString(payment)} = ${formula}, not ${toMoneyString(input.payment)}.`,
      ['input', 'payment'],
    );
  }
  return checks.any ? undefined : { priced, ratio, summary, payment };
}

/** 1 to `max` entries, else INVALID_INPUT `message` at `field`. False: stop. */
function sized(count: number, max: number, message: string, field: FieldPath, checks: InputChecks) {
  if (count >= 1 && count <= max) return true;
  checks.add(ErrorCode.INVALID_INPUT, message, field);
  return false;
}

/** Before the drivers are read: 1 to 10 of them. False: stop. */
export function checkDriverOrderSize(input: PlaceAnDriverOrderInput, checks: InputChecks): boolean {
  const max = ORDER_LIMITS.driversPerOrder;
  const message = `A driver order adds 1 to ${max} drivers.`;
  return sized(input.driverIds.length, max, message, ['input', 'driverIds'], checks);
}

/**
 * Each driver is the caller's (`drivers`: theirs among the ids, by id), listed once, and does
 * not already drive the vehicle under an effective driver order (`current`).
 */
export function checkDrivers(
  input: PlaceAnDriverOrderInput,
  drivers: ReadonlyMap<string, { name: string }>,
  current: ReadonlySet<string>,
  plateNumber: string,
  checks: InputChecks,
): void {
  const seen = new Set<string>();
  input.driverIds.forEach((id, i) => {
    const driver = drivers.get(id);
    const at = ['input', 'driverIds', i];
    if (!driver) return checks.add(ErrorCode.NOT_FOUND, 'You have no driver with this id.', at);
    if (seen.has(id)) {
      return checks.add(ErrorCode.INVALID_INPUT, `${driver.name} is listed twice.`, at);
    }
    seen.add(id);
    if (current.has(id)) {
      checks.add(
        ErrorCode.INVALID_INPUT,
        `${driver.name} already drives ${plateNumber} under an effective driver order.`,
        at,
      );
    }
  });
}

/** A driver order costs the driver fee per driver; summary and payment must both say so. */
export function judgeDriverOrder(
  input: PlaceAnDriverOrderInput,
  fee: Decimal,
  checks: InputChecks,
): Decimal | undefined {
  const count = input.driverIds.length;
  const summary = fee.times(count);
  expectTotals(checks, input, summary, `${count} drivers × ${toMoneyString(fee)}`);
  return checks.any ? undefined : summary;
}

/** Before the catalogue is read: 1 to 100 items. False: stop. */
export function checkSaleOrderSize(input: PlaceAnSaleOrderInput, checks: InputChecks): boolean {
  const max = ORDER_LIMITS.itemsPerOrder;
  const message = `A sale order holds 1 to ${max} items.`;
  return sized(input.items.length, max, message, ['input', 'items'], checks);
}

/**
 * A sale order: its items quoted at the client's prices (checkItems), and summary and payment
 * both their sum. Returns the items and the summary when the order can be placed.
 */
export function judgeSaleOrder(
  input: PlaceAnSaleOrderInput,
  items: ReadonlyMap<string, CatalogItem>,
  quoted: ReadonlyMap<string, Decimal>,
  checks: InputChecks,
): { priced: PricedItem[]; summary: Decimal } | undefined {
  const priced = checkItems(input.items, ['input', 'items'], items, quoted, new Set(), checks);
  if (structural(checks)) return undefined;
  const summary = sum(priced.map((p) => p.price));
  expectTotals(checks, input, summary, 'the sum of the quoted item prices');
  return checks.any ? undefined : { priced, summary };
}
