import { expect } from 'vitest';
import {
  CreateUnderwriteDocument,
  FillUnderwriteDocument,
  PayOrderDocument,
  PlaceAnPlanOrderDocument,
  type PlaceAnPlanOrderInput,
} from '../generated/graphql.ts';
import { DEMO_INSURANCE as D } from '../../src/insurance/insurance.seed.ts';
import type { TestApp } from '../utils/test-app.ts';

/** The demo catalog's ids, by what the tests call them. */
export const ids = {
  basic: D.plans[0].id,
  addOns: D.plans[1].id,
  compulsory: D.plans[2].id,
  damage: D.items[0].id,
  thirdParty: D.items[1].id,
  theft: D.items[2].id,
  waiver: D.items[3].id,
  compulsoryItem: D.items[4].id,
  glass: D.items[5].id,
  /** 89638599's 京A·12345 (value 100000, quoted at list prices). */
  car: D.vehicles[0].id,
  carQuotation: D.quotations[0].id,
  /** 89638599's second vehicle, with an old and a new quotation. */
  secondCar: D.vehicles[1].id,
  secondCarOldQuotation: D.quotations[1].id,
  secondCarQuotation: D.quotations[2].id,
  /** 89638600's 京B·54321. */
  otherCar: D.vehicles[2].id,
  otherCarQuotation: D.quotations[3].id,
  /** 89638601's 沪C·11111 (quoted at 1.2 × list prices). */
  thirdCar: D.vehicles[3].id,
  thirdCarQuotation: D.quotations[4].id,
  newCustomer: D.promotions[0].id,
  singlesDay: D.promotions[1].id,
  /** 89638599's four drivers (the seed's driver example). */
  drivers: D.drivers.slice(0, 4).map((d) => d.id),
  otherDriver: D.drivers[4].id,
  thirdDrivers: D.drivers.slice(6, 8).map((d) => d.id),
  /** Glass and scratches: glass breakage at 300.00 × the vehicle's factor. */
  glassPlan: D.plans[3].id,
};

export const tomorrow = () => new Date(Date.now() + 24 * 3600 * 1000).toISOString();
export const secondsAgo = (s: number) => new Date(Date.now() - s * 1000).toISOString();

/**
 * The seed's placeAnPlanOrder example on the demo data: two plans of two items at 1000 and
 * 2000, summary 6000, the 500.00 promotion, no service fee: payment 5500.00.
 */
export function seedPlanInput(
  overrides: Partial<PlaceAnPlanOrderInput> = {},
): PlaceAnPlanOrderInput {
  return {
    vehicleId: ids.car,
    quotationId: ids.carQuotation,
    plans: [
      {
        planId: ids.basic,
        items: [
          { planItemId: ids.thirdParty, price: '1000.00' },
          { planItemId: ids.damage, price: '2000.00' },
        ],
      },
      {
        planId: ids.addOns,
        items: [
          { planItemId: ids.theft, price: '1000.00' },
          { planItemId: ids.waiver, price: '2000.00' },
        ],
      },
    ],
    promotionId: ids.newCustomer,
    serviceRatio: 0,
    summary: '6000.00',
    payment: '5500.00',
    vehicleValue: '100000.00',
    expectAt: tomorrow(),
    ...overrides,
  };
}

/** The third consumer's smaller plan order: compulsory only, 950 × 1.2 = 1140.00. */
export function thirdConsumerPlanInput(): PlaceAnPlanOrderInput {
  return {
    vehicleId: ids.thirdCar,
    quotationId: ids.thirdCarQuotation,
    plans: [
      { planId: ids.compulsory, items: [{ planItemId: ids.compulsoryItem, price: '1140.00' }] },
    ],
    serviceRatio: 0,
    summary: '1140.00',
    payment: '1140.00',
    vehicleValue: '150000.00',
    expectAt: tomorrow(),
  };
}

let keys = 0;

/** Places and pays a plan order; returns its id. */
export async function paidPlanOrder(
  t: TestApp,
  token: string,
  input: PlaceAnPlanOrderInput = seedPlanInput(),
): Promise<string> {
  const placed = await t.gql(PlaceAnPlanOrderDocument, { input }, { token });
  expect(placed.data?.placeAnPlanOrder.errors).toEqual([]);
  const orderId = placed.data!.placeAnPlanOrder.order!.id;
  const paid = await t.gql(
    PayOrderDocument,
    { orderId, payType: 'BALANCE', key: `ins-${process.pid}-${++keys}-${Date.now()}` },
    { token },
  );
  expect(paid.data?.payOrder.errors).toEqual([]);
  return orderId;
}

/** A paid plan order with its inspection booked: returns the order and underwrite ids. */
export async function underwritingOrder(
  t: TestApp,
  token: string,
  input?: PlaceAnPlanOrderInput,
): Promise<{ orderId: string; underwriteId: string }> {
  const orderId = await paidPlanOrder(t, token, input);
  const created = await t.gql(
    CreateUnderwriteDocument,
    {
      input: {
        orderId,
        planTime: tomorrow(),
        validatePlace: '北京市东城区东直门东方银座',
        validateUpdateTime: secondsAgo(600),
      },
    },
    { token },
  );
  expect(created.data?.createUnderwrite.errors).toEqual([]);
  return { orderId, underwriteId: created.data!.createUnderwrite.underwrite!.id };
}

/** Same, with the operator's inspection filled in. */
export async function filledUnderwrite(
  t: TestApp,
  token: string,
  operatorToken: string,
  input?: PlaceAnPlanOrderInput,
): Promise<{ orderId: string; underwriteId: string }> {
  const ids = await underwritingOrder(t, token, input);
  const filled = await t.gql(
    FillUnderwriteDocument,
    {
      input: {
        underwriteId: ids.underwriteId,
        realPlace: '北京市朝阳区验车中心',
        certificateState: 'COMPLETE',
        problems: [],
        photos: ['https://photos.example.com/front.jpg'],
      },
    },
    { token: operatorToken },
  );
  expect(filled.data?.fillUnderwrite.errors).toEqual([]);
  return ids;
}

/** Rows of a table, for "nothing was saved" checks. */
export async function countRows(t: TestApp, table: string): Promise<number> {
  const { rows } = await t.db.query(`select count(*)::int as n from ${table}`);
  return rows[0].n;
}

/** Rows of every table an insurance write touches. */
export async function insuranceRowCounts(t: TestApp): Promise<Record<string, number>> {
  const tables = [
    'orders',
    'order_events',
    'plan_order_ext',
    'driver_order_ext',
    'driver_order_drivers',
    'sale_order_ext',
    'insurance_order_items',
    'bank_transactions',
  ];
  const counts: Record<string, number> = {};
  for (const table of tables) counts[table] = await countRows(t, table);
  return counts;
}

/**
 * Lets an EFFECTIVE order's year pass: its period moves a year back, so stopAt was a minute ago
 * (start and stop together: the table checks stopAt > startAt).
 */
export async function endPeriod(
  t: TestApp,
  orderId: string,
  table: 'plan_order_ext' | 'driver_order_ext' | 'sale_order_ext' = 'plan_order_ext',
): Promise<void> {
  const { rowCount } = await t.db.query(
    `update ${table} set start_at = now() - interval '1 year 1 minute',
       stop_at = now() - interval '1 minute' where order_id = $1`,
    [orderId],
  );
  expect(rowCount).toBe(1);
}
