import type { EntityClass, EntityManager } from '@mikro-orm/postgresql';
import type { RequestContext } from '../context.ts';
import { executeRead, readRows, type OrderBy, type Where } from '../platform/db/read-rows.ts';
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
import { loadConsumers } from '../platform/accounts/consumer.loader.ts';
import { Order } from '../platform/orders/order.entity.ts';
import type { OrderSelection } from '../platform/orders/order-kinds.ts';
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
  const rows = await executeRead<Driver & { order_id: string }>(
    em,
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
  const rows = await executeRead<any>(
    em,
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

/*
 * The insurance kinds' prefetches (order-prefetch.ts): their own rows first, then what those
 * point at, only for the fields the operation selects, so that every field of a page's plan,
 * driver and sale orders returns a value instead of waiting on a batch of its own.
 */

/** Starts the loads of `keys` (batched with every other load of this tick) and waits for them. */
function loadAll<K, V>(load: (key: K) => MaybePromise<V>, keys: Iterable<K>): Promise<V[]> {
  return Promise.all([...keys].map((key) => load(key)));
}

const peekAll = <K, V>(ctx: RequestContext, definition: LoaderDefinition<K, V>, keys: K[]) =>
  keys.flatMap((key) => {
    const value = ctx.loaders.peek(definition, key);
    return value == null ? [] : [value];
  });

/** The vehicles extension rows name, and their drivers, when selected. */
function vehicleLoads(
  ctx: RequestContext,
  exts: { vehicleId: string }[],
  selection: OrderSelection,
) {
  if (!selection.has('vehicle')) return [];
  const loaders = insuranceLoaders(ctx);
  const vehicleIds = new Set(exts.map((x) => x.vehicleId));
  const loads: Promise<unknown>[] = [loadAll(loaders.vehicle, vehicleIds)];
  if (selection.has('vehicle', 'drivers'))
    loads.push(loadAll(loaders.effectiveDrivers, vehicleIds));
  return loads;
}

/**
 * The plan items, and plans with their items, that an order's items name, when selected. When
 * both are, a plan's items bring the order items' plan items too (an order item of a plan
 * names an item of that plan: a composite foreign key), so those are not read a second time;
 * only the items without a plan (a sale order's) are read by id.
 */
function itemLoads(ctx: RequestContext, orderIds: string[], selection: OrderSelection) {
  const loaders = insuranceLoaders(ctx);
  const items = peekAll(ctx, definitions.itemsOfOrder, orderIds).flat();
  const loads: Promise<unknown>[] = [];
  const planIds = new Set(items.flatMap((i) => (i.planId ? [i.planId] : [])));
  const plansBringItems = selection.has('plans', 'items');
  if (selection.has('plans')) loads.push(loadAll(loaders.plan, planIds));
  if (plansBringItems) {
    loads.push(
      loadAll(loaders.itemsOfPlan, planIds).then((groups) => {
        for (const item of groups.flat()) ctx.loaders.prime(definitions.planItem, item.id, item);
      }),
    );
  }
  if (selection.has('items', 'planItem')) {
    const byId = items.filter((i) => !(plansBringItems && i.planId));
    loads.push(loadAll(loaders.planItem, new Set(byId.map((i) => i.planItemId))));
  }
  return loads;
}

export async function prefetchPlanOrders(
  ctx: RequestContext,
  ids: string[],
  selection: OrderSelection,
) {
  const loaders = insuranceLoaders(ctx);
  const first: Promise<unknown>[] = [loadAll(loaders.planOrder, ids)];
  if (selection.has('items') || selection.has('plans')) {
    first.push(loadAll(loaders.itemsOfOrder, ids));
  }
  if (selection.has('underwrite')) first.push(loadAll(loaders.underwriteOfOrder, ids));
  await Promise.all(first);
  return () => {
    const exts = peekAll(ctx, definitions.planOrder, ids);
    const loads = [...itemLoads(ctx, ids, selection), ...vehicleLoads(ctx, exts, selection)];
    const promotions = new Set(exts.flatMap((x) => (x.promotionId ? [x.promotionId] : [])));
    if (selection.has('promotion')) loads.push(loadAll(loaders.promotion, promotions));
    const underwrites = peekAll(ctx, definitions.underwriteOfOrder, ids).filter((u) => !u.deleted);
    const underwriteIds = underwrites.map((u) => u.id);
    if (selection.has('underwrite', 'photos')) loads.push(loadAll(loaders.photos, underwriteIds));
    if (selection.has('underwrite', 'problems')) {
      loads.push(loadAll(loaders.problems, underwriteIds));
    }
    if (selection.has('underwrite', 'operator')) {
      const operators = underwrites.flatMap((u) => (u.operatorId ? [u.operatorId] : []));
      loads.push(loadConsumers(ctx, operators));
    }
    return Promise.all(loads);
  };
}

export async function prefetchDriverOrders(
  ctx: RequestContext,
  ids: string[],
  selection: OrderSelection,
) {
  const loaders = insuranceLoaders(ctx);
  const first: Promise<unknown>[] = [loadAll(loaders.driverOrder, ids)];
  if (selection.has('drivers')) first.push(loadAll(loaders.driversOfOrder, ids));
  await Promise.all(first);
  return () =>
    Promise.all(vehicleLoads(ctx, peekAll(ctx, definitions.driverOrder, ids), selection));
}

export async function prefetchSaleOrders(
  ctx: RequestContext,
  ids: string[],
  selection: OrderSelection,
) {
  const loaders = insuranceLoaders(ctx);
  const first: Promise<unknown>[] = [loadAll(loaders.saleOrder, ids)];
  if (selection.has('items')) first.push(loadAll(loaders.itemsOfOrder, ids));
  await Promise.all(first);
  return () =>
    Promise.all([
      ...itemLoads(ctx, ids, selection),
      ...vehicleLoads(ctx, peekAll(ctx, definitions.saleOrder, ids), selection),
    ]);
}
