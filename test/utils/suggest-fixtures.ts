import { randomUUID } from 'node:crypto';
import type pg from 'pg';
import { demo } from './test-app.ts';

/**
 * Catalog and calendar fixtures for suggestion tests, written with SQL (the API has no catalog
 * management): a chip whose steps are done by named plants at given figures, and bookings held
 * by a stand-in PAID order, as a confirmation would have written them.
 */

export interface FixtureCapability {
  plant: string;
  unitCost: string;
  unitTime: string;
}

/** Creates the plants it needs (RUNNING), the chip and its steps; returns plant ids by name. */
export async function createChip(
  db: pg.Pool,
  name: string,
  steps: FixtureCapability[][],
): Promise<Map<string, number>> {
  const plants = [...new Set(steps.flat().map((c) => c.plant))];
  const { rows } = await db.query<{ id: number; name: string }>(
    `insert into chip_plants (name, position) select n, 900 from unnest($1::text[]) n
       on conflict (name) do update set name = excluded.name returning id, name`,
    [plants],
  );
  const ids = new Map(rows.map((r) => [r.name, r.id]));
  const {
    rows: [chip],
  } = await db.query<{ id: number }>(`insert into chips (name) values ($1) returning id`, [name]);
  for (const [s, capabilities] of steps.entries()) {
    await db.query(`insert into chip_operations (chip_id, step, name) values ($1, $2, $3)`, [
      chip.id,
      s + 1,
      `Step ${s + 1}`,
    ]);
    for (const [position, c] of capabilities.entries()) {
      await db.query(
        `insert into chip_capabilities (chip_id, step, plant_id, position, unit_cost, unit_time)
         values ($1, $2, $3, $4, $5, $6)`,
        [chip.id, s + 1, ids.get(c.plant), position, c.unitCost, c.unitTime],
      );
    }
  }
  return ids;
}

export interface FixtureBooking {
  plantId: number;
  start: number;
  end: number;
}

/**
 * Replaces the bookings of the previous calendar this helper wrote (if any) with `bookings`,
 * all held by one new stand-in order. Returns the order's id.
 */
export async function setCalendar(
  db: pg.Pool,
  bookings: FixtureBooking[],
  previous?: string,
): Promise<string> {
  const orderId = randomUUID();
  const client = await db.connect();
  try {
    await client.query('begin');
    if (previous) await client.query(`delete from chip_bookings where order_id = $1`, [previous]);
    const [{ chip_id }] = (await client.query(`select id as chip_id from chips limit 1`)).rows;
    const first = Math.min(0, ...bookings.map((b) => b.start));
    const last = Math.max(first + 1, ...bookings.map((b) => b.end));
    await client.query(
      `insert into orders (id, kind, order_no, consumer_id, status, status_code, status_label, payment)
       values ($1, 'CHIP', $2, $3, 'PAID', 2, '已支付', 1)`,
      [orderId, `CHTEST${orderId.slice(0, 8)}`, demo.otherConsumer.id],
    );
    await client.query(
      `insert into chip_orders (order_id, budget, expected_time, total_cost, first_start, last_end)
       values ($1, 1, $2, 1, $3, $2)`,
      [orderId, last, first],
    );
    const rows = JSON.stringify(bookings.map((b, lot) => ({ lot, ...b })));
    await client.query(
      `insert into chip_lots (order_id, lot, chip_id, quantity, cost)
       select $1, lot, $2, 1, 1 from jsonb_to_recordset($3::jsonb) as x (lot int)`,
      [orderId, chip_id, rows],
    );
    for (const table of ['chip_lot_operations', 'chip_bookings']) {
      const cost = table === 'chip_lot_operations' ? ', cost' : '';
      await client.query(
        `insert into ${table} (order_id, lot, step, plant_id, start_tick, end_tick${cost})
         select $1, lot, 1, "plantId", start, "end"${cost ? ', 1' : ''}
           from jsonb_to_recordset($2::jsonb) as x (lot int, "plantId" int, start bigint, "end" bigint)`,
        [orderId, rows],
      );
    }
    await client.query('commit');
  } catch (err) {
    await client.query('rollback');
    throw err;
  } finally {
    client.release();
  }
  return orderId;
}
