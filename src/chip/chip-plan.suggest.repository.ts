import type { EntityManager } from '@mikro-orm/postgresql';
import { Decimal } from '../platform/money.ts';
import type { ExistingBooking } from './chip-plan.model.ts';
import type { ChipOptions } from './chip-plan.suggest.plans.ts';
import { intArray, tick } from './chip.sql.ts';
import type { PlantStatus } from './plant.entity.ts';

/**
 * What a suggestion reads: the chip with every plant able to do one of its steps (two
 * queries), then those plants' bookings in the window a plan can use (one query, served by the
 * bookings' exclusion-constraint GiST index).
 */

/** The chip by name with its steps' capable plants; undefined when there is no such chip. */
export async function loadChipOptions(
  em: EntityManager,
  chipName: string,
): Promise<ChipOptions | undefined> {
  const [chip] = await em.execute<{ id: number; name: string; step_count: string }[]>(
    `select c.id, c.name, (select count(*) from chip_operations o where o.chip_id = c.id) as step_count
       from chips c where c.name = ?`,
    [chipName],
  );
  if (!chip) return undefined;
  const rows = await em.execute<
    {
      step: number;
      plant_id: number;
      name: string;
      status: PlantStatus;
      unit_cost: string;
      unit_time: string;
    }[]
  >(
    `select cap.step, cap.plant_id, p.name, p.status, cap.unit_cost, cap.unit_time
       from chip_capabilities cap join chip_plants p on p.id = cap.plant_id
      where cap.chip_id = ? order by cap.step, cap.plant_id`,
    [chip.id],
  );
  const plants = new Map(
    rows.map((r) => [r.plant_id, { id: r.plant_id, name: r.name, status: r.status }]),
  );
  return {
    chip: { id: chip.id, name: chip.name, stepCount: Number(chip.step_count) },
    plants: [...plants.values()],
    capabilities: rows.map((r) => ({
      step: r.step,
      plantId: r.plant_id,
      unitCost: new Decimal(r.unit_cost),
      unitTime: new Decimal(r.unit_time),
    })),
  };
}

/** Per plant, its bookings overlapping [from, to), sorted by start. */
export async function loadCalendar(
  em: EntityManager,
  plantIds: number[],
  from: number,
  to: number,
): Promise<Map<number, ExistingBooking[]>> {
  const byPlant = new Map<number, ExistingBooking[]>();
  if (plantIds.length === 0 || to <= from) return byPlant;
  const rows = await em.execute<
    {
      plant_id: number;
      order_id: string;
      lot: number;
      step: number;
      start_tick: string;
      end_tick: string;
    }[]
  >(
    `select plant_id, order_id, lot, step, start_tick, end_tick from chip_bookings
      where plant_id = any(?::int[]) and int8range(start_tick, end_tick) && int8range(?, ?)
      order by plant_id, start_tick`,
    [intArray(plantIds), from, to],
  );
  for (const r of rows) {
    const booking = {
      plantId: r.plant_id,
      orderId: r.order_id,
      lot: r.lot,
      step: r.step,
      start: tick(r.start_tick),
      end: tick(r.end_tick),
    };
    const list = byPlant.get(r.plant_id);
    if (list) list.push(booking);
    else byPlant.set(r.plant_id, [booking]);
  }
  return byPlant;
}
