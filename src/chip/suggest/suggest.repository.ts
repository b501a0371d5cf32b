import type { EntityManager } from '@mikro-orm/postgresql';
import { Decimal } from '../../platform/money.ts';
import type { ChipOptions } from './suggest-plans.rules.ts';
import type { PlantStatus } from '../plant.entity.ts';

/**
 * What a suggestion reads beside the clock: the chip with every plant able to do one of its
 * steps (two queries); the plants' bookings come from chip-plan.repository.ts's
 * loadOverlappingBookings, one window per plant.
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
