import type { EntityClass, EntityManager } from '@mikro-orm/postgresql';
import type { RequestContext } from '../context.ts';
import { readRows, type OrderBy, type Where } from '../platform/db/read-rows.ts';
import { uuidArray } from '../platform/db/sql-arrays.ts';
import {
  andThen,
  defineLoader,
  groupByKeys,
  indexByKeys,
  type LoaderDefinition,
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

// Plain rows (readRows), not managed entities: these loads only feed field resolvers, and
// em.find's query building and hydration cost several times em.execute of the same statement.
function many<T extends object, K extends keyof T & string>(
  name: string,
  entity: EntityClass<T>,
  key: K,
  where: Where<T> = {},
  orderBy: OrderBy<T> = {},
) {
  return defineLoader(name, async (keys: readonly string[], em: EntityManager) =>
    groupByKeys(
      keys,
      await readRows(em, entity, { ...where, [key]: keys }, orderBy),
      (row) => row[key] as string,
    ),
  );
}

function one<T extends object, K extends keyof T & string>(
  name: string,
  entity: EntityClass<T>,
  key: K,
) {
  return defineLoader(name, async (keys: readonly string[], em: EntityManager) =>
    indexByKeys(
      keys,
      await readRows(em, entity, { [key]: keys } as Where<T>),
      (row) => row[key] as string,
    ),
  );
}

const byCreation = { createdAt: 'asc', id: 'asc' } as const;
const newestFirst = { createdAt: 'desc', id: 'desc' } as const;
const live = { deleted: false } as const;
const inPlace = { createdAt: 'asc', position: 'asc' } as const;

const definitions = {
  order: one('insurance.orderById', Order, 'id'),
  vehicle: one('insurance.vehicleById', Vehicle, 'id'),
  vehiclesOfOwner: many('insurance.vehiclesByOwner', Vehicle, 'ownerId', {}, byCreation),
  driversOfOwner: many('insurance.driversByOwner', Driver, 'ownerId', {}, byCreation),
  quotationsOfVehicle: many(
    'insurance.quotationsByVehicle',
    Quotation,
    'vehicleId',
    {},
    newestFirst,
  ),
  quotedItems: many('insurance.quotedItems', QuotedItem, 'quotationId', {}, { planItemId: 'asc' }),
  plan: one('insurance.planById', InsurancePlan, 'id'),
  planItem: one('insurance.planItemById', InsurancePlanItem, 'id'),
  itemsOfPlan: many(
    'insurance.planItemsByPlan',
    InsurancePlanItem,
    'planId',
    {},
    {
      position: 'asc',
      id: 'asc',
    },
  ),
  promotion: one('insurance.promotionById', Promotion, 'id'),
  planOrder: one('insurance.planOrderExt', PlanOrderExt, 'orderId'),
  driverOrder: one('insurance.driverOrderExt', DriverOrderExt, 'orderId'),
  saleOrder: one('insurance.saleOrderExt', SaleOrderExt, 'orderId'),
  itemsOfOrder: many(
    'insurance.orderItems',
    InsuranceOrderItem,
    'orderId',
    {},
    { position: 'asc' },
  ),
  driversOfOrder: defineLoader('insurance.driversOfOrder', driversOfOrders),
  effectiveDrivers: defineLoader('insurance.effectiveDrivers', effectiveDriversOfVehicles),
  underwriteOfOrder: one('insurance.underwriteByOrder', Underwrite, 'orderId'),
  photos: many('insurance.photos', Photo, 'underwriteId', live, inPlace),
  problems: many('insurance.problems', Problem, 'underwriteId', live, inPlace),
};

/** Drivers added by a driver order, in the order the consumer listed them. */
async function driversOfOrders(orderIds: readonly string[], em: EntityManager) {
  const rows = await em.execute<(Driver & { order_id: string })[]>(
    `select dd.order_id, d.id, d.owner_id, d.name, d.license_no, d.created_at, d.version
       from driver_order_drivers dd join drivers d on d.id = dd.driver_id
      where dd.order_id = any(?::uuid[]) order by dd.order_id, dd.position`,
    [uuidArray(orderIds)],
  );
  return groupByKeys(
    orderIds,
    rows.map((r) => ({ orderId: r.order_id, driver: toDriver(r) })),
    (r) => r.orderId,
  ).map((group) => group.map((r) => r.driver));
}

/**
 * Drivers of effective driver orders of each vehicle (what getDriverOrders answers), each once,
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
      where x.vehicle_id = any(?::uuid[]) and (x.stop_at is null or x.stop_at > now())
      order by x.vehicle_id, d.id, o.created_at, dd.position`,
    [uuidArray(vehicleIds)],
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

type Definitions = typeof definitions;
type Bound = {
  [N in keyof Definitions]: Definitions[N] extends LoaderDefinition<infer K, infer V>
    ? (key: K) => MaybePromise<V>
    : never;
};

// Bound to the loaders, not the context: a subscription's context changes loaders per event.
// The row itself, not a promise, once a batch brought it (Loaders.now): see order-prefetch.ts.
function bind(loaders: Loaders): Bound {
  const bound: Record<string, (key: string) => unknown> = {};
  for (const [name, definition] of Object.entries(definitions)) {
    bound[name] = (key: string) =>
      loaders.now(definition as LoaderDefinition<string, unknown>, key);
  }
  return bound as Bound;
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
