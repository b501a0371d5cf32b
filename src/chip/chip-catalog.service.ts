import type { RequestContext } from '../context.ts';
import { badInput } from '../platform/errors.ts';
import { isIntId } from '../platform/ids.ts';
import type { MaybePromise } from '../platform/loaders.ts';
import { checkPageSize } from '../platform/pagination.ts';
import {
  ChipOperationType,
  ChipType,
  PlantBookingType,
  PlantCapabilityType,
  PlantType,
} from './chip.types.ts';
import {
  bookingsByPlant,
  capabilitiesByPlant,
  operationsByChip,
  plantById,
  plantsByStep,
  utilizationByPlant,
} from './chip.loaders.ts';
import { PLANT_COLUMNS, toPlant, type PlantSqlRow } from './chip.sql.ts';

interface ChipSqlRow {
  id: number;
  name: string;
  step_count: string;
}

const toChip = (row: ChipSqlRow) =>
  Object.assign(new ChipType(), {
    id: row.id,
    name: row.name,
    operationCount: Number(row.step_count),
  });

const CHIP_SELECT = `select c.id, c.name, count(o.id) as step_count
  from chips c left join chip_operations o on o.chip_id = c.id`;

/**
 * The factory and order pages: plants with their capabilities, bookings and
 * utilization, chips with their operation steps and the plants able to do each. Every
 * per-parent field goes through a request-scoped DataLoader: a page costs a handful of queries
 * however many plants or chips it shows.
 */

export class ChipCatalogService {
  /** Every plant not removed, in the factory page's order. */
  async plants(ctx: RequestContext): Promise<PlantType[]> {
    const rows = await ctx.em.execute<PlantSqlRow[]>(
      `select ${PLANT_COLUMNS} from chip_plants where removed_at is null order by position, id`,
    );
    return rows.map(toPlant);
  }

  plant(ctx: RequestContext, id: string): MaybePromise<PlantType | null> {
    if (!isIntId(id)) return null;
    return this.loadPlant(ctx, Number(id));
  }

  /** A plant by id, batched: the value itself once its batch came, else a promise. */
  loadPlant(ctx: RequestContext, id: number): MaybePromise<PlantType | null> {
    return ctx.loaders.now(plantById, id);
  }

  capabilities(ctx: RequestContext, plantId: number): Promise<PlantCapabilityType[]> {
    return ctx.loaders.get(capabilitiesByPlant).load(plantId);
  }

  /**
   * The first `first` (1..100, else BAD_USER_INPUT) bookings overlapping [from, to) (unbounded
   * where null), ordered by start. Bookings of a plant never overlap, so the next page starts
   * at `from` = the last booking's end.
   */
  bookings(
    ctx: RequestContext,
    plantId: number,
    window: { from: number | null; to: number | null; first: number },
  ): Promise<PlantBookingType[]> {
    const { from, to } = window;
    const first = checkPageSize(window.first);
    if (from !== null && to !== null && from > to) {
      throw badInput('bookings: from must not be after to.', { field: 'from' });
    }
    return ctx.loaders.get(bookingsByPlant(from, to, first)).load(plantId);
  }

  /** Share of the next UTILIZATION_WINDOW ticks from now that the plant is booked, 0..1. */
  utilization(ctx: RequestContext, plantId: number): Promise<number> {
    return ctx.loaders.get(utilizationByPlant).load(plantId);
  }

  async chips(ctx: RequestContext): Promise<ChipType[]> {
    const rows = await ctx.em.execute<ChipSqlRow[]>(`${CHIP_SELECT} group by c.id order by c.name`);
    return rows.map(toChip);
  }

  async chip(ctx: RequestContext, name: string): Promise<ChipType | null> {
    const rows = await ctx.em.execute<ChipSqlRow[]>(
      `${CHIP_SELECT} where c.name = ? group by c.id`,
      [name],
    );
    return rows[0] ? toChip(rows[0]) : null;
  }

  operations(ctx: RequestContext, chipId: number): Promise<ChipOperationType[]> {
    return ctx.loaders.get(operationsByChip).load(chipId);
  }

  /** Plants able to perform a step, in the catalog's order (`position`). */
  plantsForStep(ctx: RequestContext, chipId: number, step: number): Promise<PlantType[]> {
    return ctx.loaders.get(plantsByStep).load(`${chipId}:${step}`);
  }
}

export const chipCatalog = new ChipCatalogService();
