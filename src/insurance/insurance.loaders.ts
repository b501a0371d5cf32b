import type { EntityManager } from '@mikro-orm/postgresql';
import type { RequestContext } from '../context.ts';
import { readRows } from '../platform/db/read-rows.ts';
import {
  andThen,
  groupByKeys,
  indexByKeys,
  type Loaders,
  type MaybePromise,
} from '../platform/loaders.ts';
import { Order } from '../platform/orders/order.entity.ts';
import {
  DriverOrderExt,
  InsuranceOrderItem,
  PlanOrderExt,
  SaleOrderExt,
} from './insurance-order.entity.ts';
import {
  InsurancePlan,
  InsurancePlanItem,
  Promotion,
  Quotation,
  QuotedItem,
} from './plan.entity.ts';
import { Photo, Problem, Underwrite } from './underwriting/underwrite.entity.ts';
import { Driver, Vehicle } from './vehicle.entity.ts';

/*
 * Batched loads for the insurance field resolvers: every parent asked for in the same tick
 * shares one query (DataLoader through ctx.loaders), so a list of N orders costs a fixed
 * number of statements, not N.
 */

type Entity = new (...args: any[]) => object;

// Plain rows (readRows), not managed entities: these loads only feed field resolvers, and
// em.find's query building and hydration cost about 6.5 times em.execute of the same statement
// (1086 µs vs 167 µs of CPU, BENCHMARKS.md).
function byKey<T extends object>(entity: Entity, key: string, orderBy?: Record<string, string>) {
  return async (keys: readonly string[], em: EntityManager) =>
    groupByKeys(
      keys,
      (await readRows(em, entity, { [key]: keys }, orderBy as any)) as T[],
      (row) => (row as Record<string, string>)[key],
    );
}

function oneByKey<T extends object>(entity: Entity, key: string) {
  return async (keys: readonly string[], em: EntityManager) =>
    indexByKeys(
      keys,
      (await readRows(em, entity, { [key]: keys })) as T[],
      (row) => (row as Record<string, string>)[key],
    );
}

// The row itself, not a promise, once a batch brought it (Loaders.now): see order-prefetch.ts.
function one<T>(loaders: Loaders, name: string, batch: ReturnType<typeof oneByKey>) {
  return (id: string): MaybePromise<T | null> =>
    loaders.now<string, T | null>(name, batch as any, id);
}

function many<T>(loaders: Loaders, name: string, batch: ReturnType<typeof byKey>) {
  return (id: string): MaybePromise<T[]> => loaders.now<string, T[]>(name, batch as any, id);
}

const batches = {
  orderById: oneByKey<Order>(Order, 'id'),
  vehicleById: oneByKey<Vehicle>(Vehicle, 'id'),
  vehiclesByOwner: byKey<Vehicle>(Vehicle, 'ownerId', { createdAt: 'asc', id: 'asc' }),
  driversByOwner: byKey<Driver>(Driver, 'ownerId', { createdAt: 'asc', id: 'asc' }),
  quotationsByVehicle: byKey<Quotation>(Quotation, 'vehicleId', { createdAt: 'desc', id: 'desc' }),
  quotedItemsByQuotation: byKey<QuotedItem>(QuotedItem, 'quotationId', { planItemId: 'asc' }),
  planById: oneByKey<InsurancePlan>(InsurancePlan, 'id'),
  planItemById: oneByKey<InsurancePlanItem>(InsurancePlanItem, 'id'),
  planItemsByPlan: byKey<InsurancePlanItem>(InsurancePlanItem, 'planId', {
    position: 'asc',
    id: 'asc',
  }),
  promotionById: oneByKey<Promotion>(Promotion, 'id'),
  planOrderExt: oneByKey<PlanOrderExt>(PlanOrderExt, 'orderId'),
  driverOrderExt: oneByKey<DriverOrderExt>(DriverOrderExt, 'orderId'),
  saleOrderExt: oneByKey<SaleOrderExt>(SaleOrderExt, 'orderId'),
  orderItemsByOrder: byKey<InsuranceOrderItem>(InsuranceOrderItem, 'orderId', {
    position: 'asc',
  }),
  underwriteByOrder: oneByKey<Underwrite>(Underwrite, 'orderId'),
  photosByUnderwrite: async (keys: readonly string[], em: EntityManager) =>
    groupByKeys(
      keys,
      await readRows(
        em,
        Photo,
        { underwriteId: keys, deleted: false },
        { createdAt: 'asc', position: 'asc' },
      ),
      (p) => p.underwriteId,
    ),
  problemsByUnderwrite: async (keys: readonly string[], em: EntityManager) =>
    groupByKeys(
      keys,
      await readRows(
        em,
        Problem,
        { underwriteId: keys, deleted: false },
        { createdAt: 'asc', position: 'asc' },
      ),
      (p) => p.underwriteId,
    ),
};

/** Drivers added by a driver order, in the order the consumer listed them. */
async function driversOfOrders(orderIds: readonly string[], em: EntityManager) {
  const rows = await em.execute<(Driver & { order_id: string })[]>(
    `select dd.order_id, d.id, d.owner_id, d.name, d.license_no, d.created_at, d.version
       from driver_order_drivers dd join drivers d on d.id = dd.driver_id
      where dd.order_id in (?) order by dd.order_id, dd.position`,
    [orderIds as string[]],
  );
  return groupByKeys(
    orderIds,
    rows.map((r) => ({ orderId: r.order_id, driver: toDriver(r) })),
    (r) => r.orderId,
  ).map((group) => group.map((r) => r.driver));
}

/**
 * Drivers of effective driver orders of each vehicle (seed 001 getDriverOrders), each once,
 * in the order they were first added.
 */
export async function effectiveDriversOfVehicles(vehicleIds: readonly string[], em: EntityManager) {
  const rows = await em.execute<any[]>(
    `select distinct on (x.vehicle_id, d.id) x.vehicle_id, d.id, d.owner_id, d.name,
            d.license_no, d.created_at, d.version, o.created_at as added_at, dd.position
       from driver_order_ext x
       join orders o on o.id = x.order_id and o.status = 'EFFECTIVE'
       join driver_order_drivers dd on dd.order_id = x.order_id
       join drivers d on d.id = dd.driver_id
      where x.vehicle_id in (?) and (x.stop_at is null or x.stop_at > now())
      order by x.vehicle_id, d.id, o.created_at, dd.position`,
    [vehicleIds as string[]],
  );
  rows.sort(
    (a, b) =>
      new Date(a.added_at).getTime() - new Date(b.added_at).getTime() || a.position - b.position,
  );
  return groupByKeys(
    vehicleIds,
    rows.map((r) => ({ vehicleId: r.vehicle_id as string, driver: toDriver(r) })),
    (r) => r.vehicleId,
  ).map((group) => group.map((r) => r.driver));
}

/** A plain object, not `new Driver()`: an entity instance outside the EntityManager costs more. */
function toDriver(row: Record<string, any>): Driver {
  return {
    id: row.id,
    ownerId: String(row.owner_id),
    name: row.name,
    licenseNo: row.license_no,
    createdAt: new Date(row.created_at),
    version: row.version,
  };
}

const bound = new WeakMap<Loaders, ReturnType<typeof bind>>();

/**
 * The loaders, bound to one operation's context: made once per operation, not once per field
 * (a page of plan orders asks for them some three hundred times).
 */
export function insuranceLoaders(ctx: RequestContext) {
  let loaders = bound.get(ctx.loaders);
  if (!loaders) {
    loaders = bind(ctx.loaders);
    bound.set(ctx.loaders, loaders);
  }
  return loaders;
}

// Bound to the loaders, not the context: a subscription's context changes loaders per event.
function bind(loaders: Loaders) {
  return {
    order: one<Order>(loaders, 'ins.orderById', batches.orderById),
    vehicle: one<Vehicle>(loaders, 'ins.vehicleById', batches.vehicleById),
    vehiclesOfOwner: many<Vehicle>(loaders, 'ins.vehiclesByOwner', batches.vehiclesByOwner),
    driversOfOwner: many<Driver>(loaders, 'ins.driversByOwner', batches.driversByOwner),
    quotationsOfVehicle: many<Quotation>(
      loaders,
      'ins.quotationsByVehicle',
      batches.quotationsByVehicle,
    ),
    quotedItems: many<QuotedItem>(loaders, 'ins.quotedItems', batches.quotedItemsByQuotation),
    plan: one<InsurancePlan>(loaders, 'ins.planById', batches.planById),
    planItem: one<InsurancePlanItem>(loaders, 'ins.planItemById', batches.planItemById),
    itemsOfPlan: many<InsurancePlanItem>(loaders, 'ins.planItemsByPlan', batches.planItemsByPlan),
    promotion: one<Promotion>(loaders, 'ins.promotionById', batches.promotionById),
    planOrder: one<PlanOrderExt>(loaders, 'ins.planOrderExt', batches.planOrderExt),
    driverOrder: one<DriverOrderExt>(loaders, 'ins.driverOrderExt', batches.driverOrderExt),
    saleOrder: one<SaleOrderExt>(loaders, 'ins.saleOrderExt', batches.saleOrderExt),
    itemsOfOrder: many<InsuranceOrderItem>(loaders, 'ins.orderItems', batches.orderItemsByOrder),
    driversOfOrder: (id: string) =>
      loaders.now<string, Driver[]>('ins.driversOfOrder', driversOfOrders, id),
    effectiveDrivers: (vehicleId: string) =>
      loaders.now<string, Driver[]>('ins.effectiveDrivers', effectiveDriversOfVehicles, vehicleId),
    underwriteOfOrder: one<Underwrite>(loaders, 'ins.underwriteByOrder', batches.underwriteByOrder),
    photos: many<Photo>(loaders, 'ins.photos', batches.photosByUnderwrite as any),
    problems: many<Problem>(loaders, 'ins.problems', batches.problemsByUnderwrite as any),
  };
}

/** The vehicle an extension row (plan, driver or sale order) names: a value once both are here. */
export function vehicleOfExtension(
  ctx: RequestContext,
  ext: MaybePromise<{ vehicleId: string }>,
): MaybePromise<Vehicle> {
  const loaders = insuranceLoaders(ctx);
  return andThen(
    andThen(ext, (row) => loaders.vehicle(row.vehicleId)),
    (vehicle) => vehicle!,
  );
}
