import type { EntityManager } from '@mikro-orm/postgresql';
import { BusinessError, ErrorCode, type FieldPath } from '../platform/errors.ts';
import { isIntId } from '../platform/ids.ts';
import type { InputChecks } from '../platform/input.rules.ts';
import { Decimal } from '../platform/money.ts';
import { readRows } from '../platform/db/read-rows.ts';
import { Plant } from './plant.entity.ts';

/** The plant's row, locked FOR UPDATE (a confirmation booking on it holds it FOR SHARE). */
export async function lockPlant(em: EntityManager, id: number): Promise<Plant | undefined> {
  const [row] = await readRows(em, Plant, { id }, {}, { lock: 'update' });
  return row;
}

/** The plant, locked; NOT_FOUND when unknown, INVALID_TRANSITION when removed. */
export async function livePlant(
  em: EntityManager,
  plantId: string,
  field: FieldPath = ['input', 'plantId'],
): Promise<Plant> {
  const plant = isIntId(plantId) ? await lockPlant(em, Number(plantId)) : undefined;
  if (!plant) throw BusinessError.of(ErrorCode.NOT_FOUND, 'No plant has this id.', field);
  if (plant.removedAt) {
    throw BusinessError.of(ErrorCode.INVALID_TRANSITION, `${plant.name} was removed.`, field);
  }
  return plant;
}

/** The chip named `chipName`, with `step` among its steps (NOT_FOUND, INVALID_INPUT). */
export async function chipWithStep(
  em: EntityManager,
  chipName: string,
  step: number,
): Promise<{ id: number }> {
  // SQL: the chip with its step count (an aggregate).
  const [chip] = await em.execute<{ id: number; steps: string }[]>(
    `select c.id, count(o.id) as steps from chips c
       left join chip_operations o on o.chip_id = c.id where c.name = ? group by c.id`,
    [chipName],
  );
  if (!chip) {
    throw BusinessError.of(ErrorCode.NOT_FOUND, 'No chip has this name.', ['input', 'chipName']);
  }
  if (!Number.isInteger(step) || step < 1 || step > Number(chip.steps)) {
    throw BusinessError.of(
      ErrorCode.INVALID_INPUT,
      `${chipName} has steps 1 to ${chip.steps}, not ${step}.`,
      ['input', 'step'],
    );
  }
  return chip;
}

/** A unit time from a Float's shortest form ("0.42"): more than 0, at most 1000, four places. */
export function unitTimeOf(value: number, checks: InputChecks, field: FieldPath): Decimal {
  const time = Number.isFinite(value) ? new Decimal(String(value)) : new Decimal(0);
  if (time.lte(0) || time.gt(1000) || time.decimalPlaces() > 4) {
    checks.add(
      ErrorCode.INVALID_INPUT,
      `The unit time must be more than 0 and at most 1000 ticks, with at most four places, not ${value}.`,
      field,
    );
  }
  return time;
}

/**
 * Order numbers (at most 5) of the orders with a booking of this plant that has not finished
 * by the production clock's now (end > now), narrowed to one chip's step when given: what a
 * removal would leave without the plant or capability it was bought for. Bookings that ended
 * are history and stay whatever is removed.
 */
export async function liveBookingOrders(
  em: EntityManager,
  plantId: number,
  of?: { chipId: number; step: number },
): Promise<string[]> {
  // SQL: bookings joined to their orders and lots, against the clock.
  const rows = await em.execute<{ order_no: string }[]>(
    `select distinct o.order_no from chip_bookings b
       join orders o on o.id = b.order_id
       join chip_lots l on l.order_id = b.order_id and l.lot = b.lot
      where b.plant_id = ? and b.end_tick > (select now from production_clock)
        ${of ? 'and l.chip_id = ? and b.step = ?' : ''}
      order by o.order_no limit 5`,
    of ? [plantId, of.chipId, of.step] : [plantId],
  );
  return rows.map((r) => r.order_no);
}
