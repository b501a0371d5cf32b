import { LockMode } from '@mikro-orm/core';
import type { EntityManager } from '@mikro-orm/postgresql';
import { ErrorCode, userError, type UserError, type FieldPath } from '../platform/errors.ts';
import { isUuid } from '../platform/ids.ts';
import { Decimal, toMoneyString } from '../platform/money.ts';
import type { PlanItemPriceInput } from './insurance-order.input.ts';
import { InsurancePlanItem, Quotation, QuotedItem } from './plan.entity.ts';
import { quotationRefusal } from './quotation.rules.ts';
import { Vehicle } from './vehicle.entity.ts';

/** Collects everything wrong with an order's input, so the client hears it all at once. */
export class Findings {
  readonly errors: UserError[] = [];

  add(code: ErrorCode, message: string, field: FieldPath): void {
    this.errors.push(userError(code, message, field));
  }

  get any(): boolean {
    return this.errors.length > 0;
  }

  /** True when something other than a price is wrong: then prices cannot be judged. */
  get structural(): boolean {
    return this.errors.some((e) => e.code !== ErrorCode.PRICE_MISMATCH);
  }
}

/**
 * The caller's vehicle. An unknown vehicle and another consumer's look the same (NOT_FOUND),
 * so nobody learns which vehicles exist.
 */
export async function ownVehicle(
  em: EntityManager,
  consumerId: string,
  vehicleId: string,
  found: Findings,
): Promise<Vehicle | undefined> {
  // FOR SHARE: staff cannot hand the vehicle to another owner (or revalue it) under the order.
  const vehicle = isUuid(vehicleId)
    ? await em.findOne(Vehicle, vehicleId, { lockMode: LockMode.PESSIMISTIC_READ })
    : null;
  if (vehicle && vehicle.ownerId === consumerId) return vehicle;
  found.add(ErrorCode.NOT_FOUND, 'You have no vehicle with this id.', ['input', 'vehicleId']);
  return undefined;
}

/** A quotation of this vehicle with its prices by plan item id. */
export async function quotationOf(
  em: EntityManager,
  vehicle: Vehicle,
  quotationId: string,
  found: Findings,
): Promise<Map<string, Decimal> | undefined> {
  const quotation = isUuid(quotationId)
    ? await em.findOne(Quotation, { id: quotationId, vehicleId: vehicle.id })
    : null;
  if (!quotation) {
    found.add(
      ErrorCode.NOT_FOUND,
      `Vehicle ${vehicle.plateNumber} has no quotation with this id.`,
      ['input', 'quotationId'],
    );
    return undefined;
  }
  const refusal = quotationRefusal(quotation, new Date(), ['input', 'quotationId']);
  if (refusal) {
    found.errors.push(refusal);
    return undefined;
  }
  const quoted = await em.find(QuotedItem, { quotationId: quotation.id });
  return new Map(quoted.map((q) => [q.planItemId, q.price]));
}

/** Plan items by id, for the ids that can be ids at all. */
export async function planItemsById(
  em: EntityManager,
  ids: string[],
): Promise<Map<string, InsurancePlanItem>> {
  const wanted = [...new Set(ids.filter(isUuid))];
  const rows = wanted.length ? await em.find(InsurancePlanItem, { id: { $in: wanted } }) : [];
  return new Map(rows.map((r) => [r.id, r]));
}

export interface PricedItem {
  planItemId: string;
  planId: string;
  price: Decimal;
}

/**
 * Checks one list of items against the catalog and the quotation: each item exists, is not
 * listed twice in the order, belongs to `planId` when one is given, is quoted, and carries
 * exactly the quoted price. Returns the items at the quotation's prices.
 */
export function checkItems(
  items: PlanItemPriceInput[],
  path: FieldPath,
  catalog: Map<string, InsurancePlanItem>,
  quoted: Map<string, Decimal>,
  seen: Set<string>,
  found: Findings,
  planId?: string,
): PricedItem[] {
  const priced: PricedItem[] = [];
  items.forEach((input, j) => {
    const at = [...path, j];
    const item = catalog.get(input.planItemId);
    if (!item) {
      found.add(ErrorCode.NOT_FOUND, 'No plan item has this id.', [...at, 'planItemId']);
      return;
    }
    if (seen.has(item.id)) {
      found.add(ErrorCode.INVALID_INPUT, `Item "${item.name}" is listed twice.`, [
        ...at,
        'planItemId',
      ]);
      return;
    }
    seen.add(item.id);
    if (planId && item.planId !== planId) {
      found.add(ErrorCode.INVALID_INPUT, `Item "${item.name}" does not belong to this plan.`, [
        ...at,
        'planItemId',
      ]);
      return;
    }
    const price = quoted.get(item.id);
    if (!price) {
      found.add(ErrorCode.INVALID_INPUT, `The quotation has no price for item "${item.name}".`, [
        ...at,
        'planItemId',
      ]);
      return;
    }
    if (!price.eq(input.price)) {
      found.add(
        ErrorCode.PRICE_MISMATCH,
        `Item "${item.name}" is quoted at ${toMoneyString(price)}, not ${toMoneyString(input.price)}.`,
        [...at, 'price'],
      );
    }
    priced.push({ planItemId: item.id, planId: item.planId, price });
  });
  return priced;
}

/** PRICE_MISMATCH unless the client's figure is the server's. */
export function expectAmount(
  found: Findings,
  given: Decimal,
  expected: Decimal,
  what: string,
  field: FieldPath,
): void {
  if (!given.eq(expected)) {
    found.add(
      ErrorCode.PRICE_MISMATCH,
      `${what} should be ${toMoneyString(expected)}, not ${toMoneyString(given)}.`,
      field,
    );
  }
}
