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
import { entityRows, readRows, selectColumns } from '../platform/db/read-rows.ts';
import type { EntityManager } from '@mikro-orm/postgresql';
import { Chip } from './chip.entity.ts';
import { Plant } from './plant.entity.ts';

/** Chips with their step counts, where `filter` says (SQL: the count is an aggregate). */
async function chipsWithCounts(em: EntityManager, filter: string, params: unknown[] = []) {
  const rows = await em.execute<Record<string, unknown>[]>(
    `select ${selectColumns(em, Chip, 'c')}, count(o.id) as step_count
       from chips c left join chip_operations o on o.chip_id = c.id
       ${filter}`,
    params,
  );
  return entityRows(em, Chip, rows).map((c, i) => ChipType.of(c, Number(rows[i].step_count)));
}

/**
 * The factory and order pages: plants with their capabilities, bookings and
 * utilization, chips with their operation steps and the plants able to do each. Every
 * per-parent field goes through a request-scoped DataLoader: a page costs a handful of queries
 * however many plants or chips it shows.
 */

export class ChipCatalogService {
  /** Every plant not removed, in the factory page's order. */
  plants(ctx: RequestContext): Promise<PlantType[]> {
    return readRows(ctx.em, Plant, { removedAt: null }, { position: 'asc', id: 'asc' });
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

  chips(ctx: RequestContext): Promise<ChipType[]> {
    return chipsWithCounts(ctx.em, 'group by c.id order by c.name');
  }

  async chip(ctx: RequestContext, name: string): Promise<ChipType | null> {
    const [chip] = await chipsWithCounts(ctx.em, 'where c.name = ? group by c.id', [name]);
    return chip ?? null;
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
