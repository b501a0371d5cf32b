import type { EntityManager } from '@mikro-orm/postgresql';
import { Decimal } from '../../platform/money.ts';
import type { ChipOptions } from './suggest-plans.rules.ts';
import type { PlantStatus } from '../plant.entity.ts';
import { entityRows, selectColumns } from '../../platform/db/read-rows.ts';
import { Capability, Chip } from '../chip.entity.ts';

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
  // SQL: the chip with its step count (an aggregate).
  const chipRows = await em.execute<Record<string, unknown>[]>(
    `select ${selectColumns(em, Chip, 'c')},
            (select count(*) from chip_operations o where o.chip_id = c.id) as step_count
       from chips c where c.name = ?`,
    [chipName],
  );
  const [chip] = entityRows(em, Chip, chipRows);
  if (!chip) return undefined;
  // SQL: each capability with its plant's name and status (a join).
  const rows = await em.execute<Record<string, unknown>[]>(
    `select ${selectColumns(em, Capability, 'cap')}, p.name as plant_name, p.status as plant_status
       from chip_capabilities cap join chip_plants p on p.id = cap.plant_id
      where cap.chip_id = ? order by cap.step, cap.plant_id`,
    [chip.id],
  );
  const capabilities = entityRows(em, Capability, rows);
  const plants = new Map(
    capabilities.map((c, i) => [
      c.plantId,
      {
        id: c.plantId,
        name: rows[i].plant_name as string,
        status: rows[i].plant_status as PlantStatus,
      },
    ]),
  );
  return {
    chip: { id: chip.id, name: chip.name, stepCount: Number(chipRows[0].step_count) },
    plants: [...plants.values()],
    capabilities: capabilities.map((c) => ({
      step: c.step,
      plantId: c.plantId,
      unitCost: c.unitCost,
      unitTime: new Decimal(c.unitTime),
    })),
  };
}
