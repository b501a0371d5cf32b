import type { EntityManager } from '@mikro-orm/postgresql';
import { entityRows, executeRead, readRows, selectColumns } from '../platform/db/read-rows.ts';
import { intArray, uuidArray } from '../platform/db/sql-arrays.ts';
import { defineLoader, groupByKeys, indexByKeys } from '../platform/loaders.ts';
import type { ScheduledLot } from './chip-plan.types.ts';
import { Capability, ChipOperationStep } from './chip.entity.ts';
import {
  ChipBookingRow,
  ChipLotOperationRow,
  ChipLotRow,
  ChipOrderRow,
} from './chip-order.entity.ts';
import { PlantBookingType, PlantCapabilityType } from './chip.types.ts';
import { Plant } from './plant.entity.ts';

/*
 * Batched loads for the chip field resolvers: every parent asked for in the same tick shares
 * one batch (DataLoader through ctx.loaders), so a page costs a fixed number of statements.
 * Rows are entity-shaped (readRows, or entityRows where a statement must be SQL).
 */

/** Plants by id, one statement for the batch. */
export const plantById = defineLoader('chip.plantById', async (ids: readonly number[], em) =>
  indexByKeys(ids, await readRows(em, Plant, { id: [...ids] }), (p) => p.id),
);

/** The terms of these chip orders (budget, deadline, schedule bounds), one statement. */
export const termsByOrder = defineLoader(
  'chip.termsByOrder',
  async (ids: readonly string[], em: EntityManager) =>
    indexByKeys(ids, await readRows(em, ChipOrderRow, { orderId: [...ids] }), (t) => t.orderId).map(
      (t, i) => t ?? new Error(`chip order ${ids[i]} has no chip_orders row`),
    ),
);

/** Lots and operations of many orders: two queries (DataLoader batch function). */
async function loadSchedules(
  orderIds: readonly string[],
  em: EntityManager,
): Promise<ScheduledLot[][]> {
  const ids = uuidArray(orderIds);
  // SQL, not readRows: each row carries its chip's or plant's name (a join).
  const [lotRows, operationRows] = await Promise.all([
    executeRead<Record<string, unknown>>(
      em,
      `select ${selectColumns(em, ChipLotRow, 'l')}, c.name as chip_name
         from chip_lots l join chips c on c.id = l.chip_id
        where l.order_id = any(?::uuid[]) order by l.order_id, l.lot`,
      [ids],
    ),
    executeRead<Record<string, unknown>>(
      em,
      `select ${selectColumns(em, ChipLotOperationRow, 'o')}, p.name as plant_name
         from chip_lot_operations o join chip_plants p on p.id = o.plant_id
        where o.order_id = any(?::uuid[]) order by o.order_id, o.lot, o.step`,
      [ids],
    ),
  ]);
  const operations = entityRows(em, ChipLotOperationRow, operationRows);
  const opsByLot = new Map<string, ScheduledLot['operations']>();
  operations.forEach((op, i) => {
    const key = `${op.orderId}:${op.lot}`;
    const list = opsByLot.get(key) ?? [];
    list.push({
      lot: op.lot,
      step: op.step,
      plantId: op.plantId,
      plantName: operationRows[i].plant_name as string,
      start: op.startTick,
      end: op.endTick,
      cost: op.cost,
    });
    opsByLot.set(key, list);
  });
  const lots = entityRows(em, ChipLotRow, lotRows);
  const scheduled = lots.map((l, i) => ({
    orderId: l.orderId,
    lot: {
      lot: l.lot,
      packageId: l.packageId ?? null,
      chipName: lotRows[i].chip_name as string,
      quantity: l.quantity,
      operations: opsByLot.get(`${l.orderId}:${l.lot}`) ?? [],
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
    // SQL, not readRows: ordered by the chip's name (a join).
    const rows = await executeRead<Record<string, unknown>>(
      em,
      `select ${selectColumns(em, Capability, 'cap')}, c.name as chip_name
         from chip_capabilities cap join chips c on c.id = cap.chip_id
        where cap.plant_id = any(?::int[]) order by c.name, cap.step`,
      [intArray(ids)],
    );
    const capabilities = entityRows(em, Capability, rows);
    const views = capabilities.map((c, i) =>
      PlantCapabilityType.of(c, rows[i].chip_name as string),
    );
    return groupByKeys(ids, views, (_, i) => capabilities[i].plantId);
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
    // SQL: an aggregate over the bookings overlapping the window. Bookings of one plant never
    // overlap, so summing the clipped lengths is exact.
    const rows = await executeRead<{ plant_id: number; busy: string }>(
      em,
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
    const rows = await readRows(
      em,
      ChipOperationStep,
      { chipId: [...ids] },
      { chipId: 'asc', step: 'asc' },
    );
    return groupByKeys(ids, rows, (o) => o.chipId);
  },
);

/** Plants able to perform a step, keyed `chipId:step`, in the catalog's order (`position`). */
export const plantsByStep = defineLoader(
  'chip.plantsByStep',
  async (keys: readonly string[], em: EntityManager) => {
    const chipIds = new Set(keys.map((k) => Number(k.split(':')[0])));
    // SQL, not readRows: the plants through their capabilities (a join), in capability order.
    const rows = await executeRead<Record<string, unknown>>(
      em,
      `select cap.chip_id as cap_chip_id, cap.step as cap_step, ${selectColumns(em, Plant, 'p')}
         from chip_capabilities cap join chip_plants p on p.id = cap.plant_id
        where cap.chip_id = any(?::int[]) order by cap.chip_id, cap.step, cap.position`,
      [intArray(chipIds)],
    );
    const plants = entityRows(em, Plant, rows);
    return groupByKeys(keys, plants, (_, i) => `${rows[i].cap_chip_id}:${rows[i].cap_step}`);
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
  // SQL, not readRows: a range overlap with a limit per plant (a lateral probe each).
  const rows = await executeRead<Record<string, unknown>>(
    em,
    `select ${selectColumns(em, ChipBookingRow, 'b')}
       from unnest(?::int[]) as p (id)
       cross join lateral (
         select * from chip_bookings
          where plant_id = p.id and int8range(start_tick, end_tick) && int8range(?, ?)
          order by start_tick limit ?
       ) b
      order by b.plant_id, b.start_tick`,
    [intArray(plantIds), from, to, limit],
  );
  return entityRows(em, ChipBookingRow, rows).map(PlantBookingType.of);
}
