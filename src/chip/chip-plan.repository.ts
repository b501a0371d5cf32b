import type { EntityManager } from '@mikro-orm/postgresql';
import { Decimal, toMoneyString } from '../platform/money.ts';
import {
  capabilityKey,
  type ExistingBooking,
  type Plan,
  type PlanCatalog,
  type ScheduledLot,
  type TimedOperation,
} from './chip-plan.types.ts';
import { json } from '../platform/db/sql-arrays.ts';
import { entityRows, readRows, selectColumns } from '../platform/db/read-rows.ts';
import { Capability, Chip } from './chip.entity.ts';
import { ChipBookingRow } from './chip-order.entity.ts';
import { Plant } from './plant.entity.ts';
import type { KindRowsSql } from '../platform/orders/order-lifecycle.ts';

/**
 * What judging a plan reads from the database, and what confirming one writes. Reads are a
 * fixed number of queries whatever the plan's size: chips, plants and capabilities by the
 * names the plan uses, then only the bookings of those plants overlapping the plan's windows.
 */

/** The chips, plants and capabilities the plan names (three queries). */
export async function loadPlanCatalog(
  em: EntityManager,
  plan: Plan,
  options: { lockPlants?: boolean } = {},
): Promise<PlanCatalog> {
  const chipNames = [...new Set(plan.lots.map((l) => l.chipName))];
  const plantNames = [...new Set(plan.lots.flatMap((l) => l.plantNames))];
  const [chipRows, plants] = await Promise.all([
    // SQL: the chips with their step counts (an aggregate).
    em.execute<Record<string, unknown>[]>(
      `select ${selectColumns(em, Chip, 'c')}, count(o.id) as step_count
         from chips c left join chip_operations o on o.chip_id = c.id
        where c.name in (select jsonb_array_elements_text(?::jsonb))
        group by c.id`,
      [json(chipNames)],
    ),
    // FOR SHARE during a confirmation: a plant cannot go into maintenance under a booking.
    readRows(
      em,
      Plant,
      { name: plantNames },
      { id: 'asc' },
      { lock: options.lockPlants ? 'share' : undefined },
    ),
  ]);
  const chips = entityRows(em, Chip, chipRows).map((c, i) => ({
    id: c.id,
    name: c.name,
    stepCount: Number(chipRows[i].step_count),
  }));
  const capabilities =
    chips.length === 0 || plants.length === 0
      ? []
      : await readRows(em, Capability, {
          chipId: chips.map((c) => c.id),
          plantId: plants.map((p) => p.id),
        });
  return {
    chips: new Map(chips.map((c) => [c.name, c])),
    plants: new Map(plants.map((p) => [p.name, { id: p.id, name: p.name, status: p.status }])),
    capabilities: new Map(
      capabilities.map((c) => [
        capabilityKey(c.chipId, c.step, c.plantId),
        { unitCost: c.unitCost, unitTime: new Decimal(c.unitTime) },
      ]),
    ),
  };
}

/** Most windows one plant gets: each is one index probe. */
const MAX_WINDOWS_PER_PLANT = 32;

export interface BookingWindow {
  p: number;
  lo: number;
  hi: number;
}

/**
 * Per plant, disjoint windows [lo, hi) covering the plan's operations there: overlapping
 * operations merged, then, past MAX_WINDOWS_PER_PLANT, only the largest gaps kept as cuts.
 * Fewer, slightly wider windows cost fewer index probes for a few more rows.
 */
export function bookingWindows(operations: TimedOperation[]): BookingWindow[] {
  const byPlant = new Map<number, TimedOperation[]>();
  for (const op of operations) {
    const list = byPlant.get(op.plantId);
    if (list) list.push(op);
    else byPlant.set(op.plantId, [op]);
  }
  const windows: BookingWindow[] = [];
  for (const [plantId, ops] of byPlant) {
    ops.sort((a, b) => a.start - b.start);
    const merged: BookingWindow[] = [];
    for (const op of ops) {
      const last = merged.at(-1);
      if (last && op.start <= last.hi) last.hi = Math.max(last.hi, op.end);
      else merged.push({ p: plantId, lo: op.start, hi: op.end });
    }
    if (merged.length <= MAX_WINDOWS_PER_PLANT) {
      windows.push(...merged);
      continue;
    }
    // Cut after the windows followed by the largest gaps; join the rest.
    const cuts = new Set(
      merged
        .slice(0, -1)
        .map((w, i) => ({ i, gap: merged[i + 1].lo - w.hi }))
        .sort((a, b) => b.gap - a.gap)
        .slice(0, MAX_WINDOWS_PER_PLANT - 1)
        .map((g) => g.i),
    );
    let current = { ...merged[0] };
    merged.slice(1).forEach((w, k) => {
      if (cuts.has(k)) {
        windows.push(current);
        current = { ...w };
      } else {
        current.hi = Math.max(current.hi, w.hi);
      }
    });
    windows.push(current);
  }
  return windows;
}

/**
 * Existing bookings overlapping the windows, per plant and sorted by start: one query, each
 * window an index scan of the exclusion constraint's GiST index (plant_id, int8range).
 */
export async function loadOverlappingBookings(
  em: EntityManager,
  windows: BookingWindow[],
): Promise<Map<number, ExistingBooking[]>> {
  const byPlant = new Map<number, ExistingBooking[]>();
  if (windows.length === 0) return byPlant;
  const rows = await em.execute<Record<string, unknown>[]>(
    // SQL: a range overlap per window of a recordset. LATERAL ... OFFSET 0 keeps one index
    // probe per window: flattened into a join, the planner (which guesses 100 rows for the
    // recordset) prefers a hash join over every row.
    `select ${selectColumns(em, ChipBookingRow, 'b')}
       from jsonb_to_recordset(?::jsonb) as w (p int, lo bigint, hi bigint)
       cross join lateral (
         select * from chip_bookings
          where plant_id = w.p and int8range(start_tick, end_tick) && int8range(w.lo, w.hi)
         offset 0
       ) b
      order by b.plant_id, b.start_tick`,
    [json(windows)],
  );
  let previous: string | undefined;
  for (const b of entityRows(em, ChipBookingRow, rows)) {
    // A booking spanning the gap between two windows comes back once per window.
    if (b.id === previous) continue;
    previous = b.id;
    const booking = {
      plantId: b.plantId,
      orderId: b.orderId,
      lot: b.lot,
      step: b.step,
      start: b.startTick,
      end: b.endTick,
    };
    const list = byPlant.get(b.plantId);
    if (list) list.push(booking);
    else byPlant.set(b.plantId, [booking]);
  }
  return byPlant;
}

/**
 * A confirmed plan's rows beside its order, for createOrder's statement: the chip_orders row,
 * its lots and their operations. Its plant bookings are `insertBookings`.
 */
export function scheduleRows(
  orderId: string,
  plan: Plan,
  lots: ScheduledLot[],
  chipIds: Map<string, number>,
): KindRowsSql[] {
  const operations = lots.flatMap((l) => l.operations);
  const totalCost = operations.reduce((t, op) => t.plus(op.cost), new Decimal(0));
  return [
    {
      sql: `insert into chip_orders (order_id, budget, expected_time, total_cost, first_start, last_end)
            values (?, ?, ?, ?, ?, ?)`,
      params: [
        orderId,
        toMoneyString(plan.budget),
        plan.expectedTime,
        toMoneyString(totalCost),
        Math.min(...operations.map((op) => op.start)),
        Math.max(...operations.map((op) => op.end)),
      ],
    },
    {
      sql: `insert into chip_lots (order_id, lot, package_id, chip_id, quantity, cost)
            select ?, lot, package_id, chip_id, quantity, cost
              from jsonb_to_recordset(?::jsonb)
                as x (lot int, package_id text, chip_id int, quantity int, cost numeric)`,
      params: [
        orderId,
        json(
          lots.map((l) => ({
            lot: l.lot,
            package_id: l.packageId,
            chip_id: chipIds.get(l.chipName),
            quantity: l.quantity,
            cost: toMoneyString(l.operations.reduce((t, op) => t.plus(op.cost), new Decimal(0))),
          })),
        ),
      ],
    },
    {
      sql: `insert into chip_lot_operations (order_id, lot, step, plant_id, start_tick, end_tick, cost)
            select ?, lot, step, plant_id, start_tick, end_tick, cost from ${OPERATIONS}`,
      params: [orderId, operationRows(lots)],
    },
  ];
}

/**
 * Books the plants of a confirmed plan's operations (one statement), sorted by (plant, start),
 * so two confirmations racing for the same plants wait on each other in one order and never
 * deadlock; an overlap with a booking committed meanwhile fails with SQLSTATE 23P01.
 */
export async function insertBookings(
  em: EntityManager,
  orderId: string,
  lots: ScheduledLot[],
): Promise<void> {
  await em.execute(
    `insert into chip_bookings (order_id, lot, step, plant_id, start_tick, end_tick)
     select ?, lot, step, plant_id, start_tick, end_tick from ${OPERATIONS}
      order by plant_id, start_tick`,
    [orderId, operationRows(lots)],
  );
}

const OPERATIONS = `jsonb_to_recordset(?::jsonb)
    as x (lot int, step int, plant_id int, start_tick bigint, end_tick bigint, cost numeric)`;

/** The lots' operations as JSON rows for OPERATIONS, by (plant, start). */
function operationRows(lots: ScheduledLot[]): string {
  return json(
    lots
      .flatMap((l) => l.operations)
      .sort((a, b) => a.plantId - b.plantId || a.start - b.start)
      .map((op) => ({
        lot: op.lot,
        step: op.step,
        plant_id: op.plantId,
        start_tick: op.start,
        end_tick: op.end,
        cost: toMoneyString(op.cost),
      })),
  );
}

/** Frees every booking of an order (a cancelled order's plants are free again). */
export async function deleteBookings(em: EntityManager, orderId: string): Promise<number> {
  const rows = await em.execute<{ id: string }[]>(
    `delete from chip_bookings where order_id = ? returning id`,
    [orderId],
  );
  return rows.length;
}
