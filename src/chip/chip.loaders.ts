import type { EntityManager } from '@mikro-orm/postgresql';
import { defineLoader, groupByKeys, indexByKeys } from '../platform/loaders.ts';
import { Decimal } from '../platform/money.ts';
import type { ScheduledLot } from './chip-plan.types.ts';
import { ChipOperationType, PlantBookingType, PlantCapabilityType } from './chip.types.ts';
import { intArray, uuidArray } from '../platform/db/sql-arrays.ts';
import { PLANT_COLUMNS, tick, toPlant, type BookingSqlRow, type PlantSqlRow } from './chip.sql.ts';

/*
 * Batched loads for the chip field resolvers: every parent asked for in the same tick shares
 * one batch (DataLoader through ctx.loaders), so a page costs a fixed number of statements.
 */

export interface ChipOrderTerms {
  orderId: string;
  budget: Decimal;
  expectedTime: number;
}

/** Plants by id, one statement for the batch. */
async function plantsById(ids: readonly number[], em: EntityManager) {
  const rows = await em.execute<PlantSqlRow[]>(
    `select ${PLANT_COLUMNS} from chip_plants where id = any(?::int[])`,
    [intArray(ids)],
  );
  return indexByKeys(ids, rows.map(toPlant), (p) => p.id);
}

export const plantById = defineLoader('chip.plantById', plantsById);

/** The terms of these chip orders, one statement for the batch. */
async function loadTerms(ids: readonly string[], em: EntityManager) {
  const rows = await em.execute<{ order_id: string; budget: string; expected_time: string }[]>(
    `select order_id, budget, expected_time from chip_orders where order_id = any(?::uuid[])`,
    [uuidArray(ids)],
  );
  const terms = rows.map((r) => ({
    orderId: r.order_id,
    budget: new Decimal(r.budget),
    expectedTime: tick(r.expected_time),
  }));
  return indexByKeys(ids, terms, (t) => t.orderId).map(
    (t, i) => t ?? new Error(`chip order ${ids[i]} has no chip_orders row`),
  );
}

export const termsByOrder = defineLoader('chip.termsByOrder', loadTerms);

/** Lots and operations of many orders: two queries (DataLoader batch function). */
async function loadSchedules(
  orderIds: readonly string[],
  em: EntityManager,
): Promise<ScheduledLot[][]> {
  const ids = uuidArray(orderIds);
  const [lots, operations] = await Promise.all([
    em.execute<
      {
        order_id: string;
        lot: number;
        package_id: string | null;
        chip_name: string;
        quantity: number;
      }[]
    >(
      `select l.order_id, l.lot, l.package_id, c.name as chip_name, l.quantity
         from chip_lots l join chips c on c.id = l.chip_id
        where l.order_id = any(?::uuid[]) order by l.order_id, l.lot`,
      [ids],
    ),
    em.execute<
      {
        order_id: string;
        lot: number;
        step: number;
        plant_id: number;
        plant_name: string;
        start_tick: string;
        end_tick: string;
        cost: string;
      }[]
    >(
      `select o.order_id, o.lot, o.step, o.plant_id, p.name as plant_name, o.start_tick, o.end_tick, o.cost
         from chip_lot_operations o join chip_plants p on p.id = o.plant_id
        where o.order_id = any(?::uuid[]) order by o.order_id, o.lot, o.step`,
      [ids],
    ),
  ]);
  const opsByLot = new Map<string, ScheduledLot['operations']>();
  for (const r of operations) {
    const key = `${r.order_id}:${r.lot}`;
    const list = opsByLot.get(key) ?? [];
    list.push({
      lot: r.lot,
      step: r.step,
      plantId: r.plant_id,
      plantName: r.plant_name,
      start: tick(r.start_tick),
      end: tick(r.end_tick),
      cost: new Decimal(r.cost),
    });
    opsByLot.set(key, list);
  }
  const scheduled = lots.map((l) => ({
    orderId: l.order_id,
    lot: {
      lot: l.lot,
      packageId: l.package_id,
      chipName: l.chip_name,
      quantity: l.quantity,
      operations: opsByLot.get(`${l.order_id}:${l.lot}`) ?? [],
    },
  }));
  return groupByKeys(orderIds, scheduled, (s) => s.orderId).map((g) => g.map((s) => s.lot));
}

export const scheduleByOrder = defineLoader('chip.scheduleByOrder', loadSchedules);

/** Ticks ahead of now over which a plant's utilization is measured. */
export const UTILIZATION_WINDOW = 100;

export const capabilitiesByPlant = defineLoader(
  'chip.capabilitiesByPlant',
  async (ids: readonly number[], em: EntityManager) => {
    const rows = await em.execute<
      {
        plant_id: number;
        chip_name: string;
        step: number;
        unit_cost: string;
        unit_time: string;
        version: number;
      }[]
    >(
      `select cap.plant_id, c.name as chip_name, cap.step, cap.unit_cost, cap.unit_time, cap.version
         from chip_capabilities cap join chips c on c.id = cap.chip_id
        where cap.plant_id = any(?::int[]) order by c.name, cap.step`,
      [intArray(ids)],
    );
    const capabilities = rows.map((r) => ({
      plantId: r.plant_id,
      value: Object.assign(new PlantCapabilityType(), {
        chipName: r.chip_name,
        step: r.step,
        unitCost: new Decimal(r.unit_cost),
        unitTime: Number(r.unit_time),
        version: r.version,
      }),
    }));
    return groupByKeys(ids, capabilities, (c) => c.plantId).map((g) => g.map((c) => c.value));
  },
);

/** A plant's bookings in one window of a page: the window is part of the loader's name. */
export const bookingsByPlant = (from: number | null, to: number | null, first: number) =>
  defineLoader(
    `chip.bookingsByPlant:${from}:${to}:${first}`,
    async (ids: readonly number[], em: EntityManager) => {
      const rows = await loadBookingRows(em, ids, from, to, first);
      return groupByKeys(ids, rows, (b) => b.plantId);
    },
  );

export const utilizationByPlant = defineLoader(
  'chip.utilizationByPlant',
  async (ids: readonly number[], em: EntityManager) => {
    // Bookings of one plant never overlap, so summing the clipped lengths is exact.
    const rows = await em.execute<{ plant_id: number; busy: string }[]>(
      `with clock as (select now from production_clock)
       select b.plant_id,
              sum(least(b.end_tick, clock.now + ${UTILIZATION_WINDOW}) - greatest(b.start_tick, clock.now)) as busy
         from chip_bookings b, clock
        where b.plant_id = any(?::int[])
          and int8range(b.start_tick, b.end_tick) && int8range(clock.now, clock.now + ${UTILIZATION_WINDOW})
        group by b.plant_id`,
      [intArray(ids)],
    );
    const busy = new Map(rows.map((r) => [r.plant_id, Number(r.busy)]));
    return ids.map((id) => (busy.get(id) ?? 0) / UTILIZATION_WINDOW);
  },
);

export const operationsByChip = defineLoader(
  'chip.operationsByChip',
  async (ids: readonly number[], em: EntityManager) => {
    const rows = await em.execute<{ chip_id: number; step: number; name: string }[]>(
      `select chip_id, step, name from chip_operations
        where chip_id = any(?::int[]) order by chip_id, step`,
      [intArray(ids)],
    );
    const operations = rows.map((r) =>
      Object.assign(new ChipOperationType(), { chipId: r.chip_id, step: r.step, name: r.name }),
    );
    return groupByKeys(ids, operations, (o) => o.chipId);
  },
);

/** Plants able to perform a step, keyed `chipId:step`, in the catalog's order (`position`). */
export const plantsByStep = defineLoader(
  'chip.plantsByStep',
  async (keys: readonly string[], em: EntityManager) => {
    const chipIds = new Set(keys.map((k) => Number(k.split(':')[0])));
    const rows = await em.execute<(PlantSqlRow & { chip_id: number; step: number })[]>(
      `select cap.chip_id, cap.step, p.id, p.name, p.status, p.version, p.removed_at
         from chip_capabilities cap join chip_plants p on p.id = cap.plant_id
        where cap.chip_id = any(?::int[]) order by cap.chip_id, cap.step, cap.position`,
      [intArray(chipIds)],
    );
    const plants = rows.map((r) => ({ key: `${r.chip_id}:${r.step}`, plant: toPlant(r) }));
    return groupByKeys(keys, plants, (p) => p.key).map((g) => g.map((p) => p.plant));
  },
);

/**
 * At most `limit` bookings per plant overlapping [from, to), by plant then start: one lateral
 * probe of the exclusion constraint's index per plant, so a busy plant cannot swell the page.
 */
export async function loadBookingRows(
  em: EntityManager,
  plantIds: readonly number[],
  from: number | null,
  to: number | null,
  limit: number,
): Promise<PlantBookingType[]> {
  const rows = await em.execute<BookingSqlRow[]>(
    `select b.plant_id, b.order_id, b.lot, b.step, b.start_tick, b.end_tick
       from unnest(?::int[]) as p (id)
       cross join lateral (
         select plant_id, order_id, lot, step, start_tick, end_tick from chip_bookings
          where plant_id = p.id and int8range(start_tick, end_tick) && int8range(?, ?)
          order by start_tick limit ?
       ) b
      order by b.plant_id, b.start_tick`,
    [intArray(plantIds), from, to, limit],
  );
  return rows.map((r) =>
    Object.assign(new PlantBookingType(), {
      plantId: r.plant_id,
      orderId: r.order_id,
      lot: r.lot,
      step: r.step,
      start: tick(r.start_tick),
      end: tick(r.end_tick),
    }),
  );
}
