import type { EntityManager } from '@mikro-orm/postgresql';
import type { RequestContext } from '../context.ts';
import { badInput } from '../platform/errors.ts';
import { isIntId } from '../platform/ids.ts';
import { groupByKeys, indexByKeys, type MaybePromise } from '../platform/loaders.ts';
import { Decimal } from '../platform/money.ts';
import { checkPageSize } from '../platform/pagination.ts';
import {
  ChipOperationType,
  ChipType,
  PlantBookingType,
  PlantCapabilityType,
  PlantType,
} from './chip.types.ts';
import { intArray, tick } from './chip.sql.ts';
import { PlantStatus } from './plant.entity.ts';

/** Ticks ahead of now over which a plant's utilization is measured. */
export const UTILIZATION_WINDOW = 100;

export interface PlantSqlRow {
  id: number;
  name: string;
  status: PlantStatus;
  version: number;
  removed_at: Date | string | null;
}

/** The columns of a plant every read takes (prefixed with `p.` where tables are joined). */
export const PLANT_COLUMNS = 'id, name, status, version, removed_at';

interface ChipSqlRow {
  id: number;
  name: string;
  step_count: string;
}

export const toPlant = (row: PlantSqlRow) =>
  Object.assign(new PlantType(), {
    id: row.id,
    name: row.name,
    status: row.status,
    version: row.version,
    removedAt: row.removed_at == null ? null : new Date(row.removed_at),
  });

const toChip = (row: ChipSqlRow) =>
  Object.assign(new ChipType(), {
    id: row.id,
    name: row.name,
    operationCount: Number(row.step_count),
  });

const CHIP_SELECT = `select c.id, c.name, count(o.id) as step_count
  from chips c left join chip_operations o on o.chip_id = c.id`;

/**
 * The factory and order pages (seed 000): plants with their capabilities, bookings and
 * utilization, chips with their operation steps and the plants able to do each. Every
 * per-parent field goes through a request-scoped DataLoader: a page costs a handful of queries
 * however many plants or chips it shows.
 */
/** Plants by id, one statement for the batch. */
async function plantsById(ids: readonly number[], em: EntityManager) {
  const rows = await em.execute<PlantSqlRow[]>(
    `select ${PLANT_COLUMNS} from chip_plants where id = any(?::int[])`,
    [intArray(ids)],
  );
  return indexByKeys(ids, rows.map(toPlant), (p) => p.id);
}

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
    return ctx.loaders.now('chipPlantById', plantsById, id);
  }

  capabilities(ctx: RequestContext, plantId: number): Promise<PlantCapabilityType[]> {
    return ctx.loaders
      .get<number, PlantCapabilityType[]>('chipCapabilitiesByPlant', async (ids, em) => {
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
      })
      .load(plantId);
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
    return ctx.loaders
      .get<number, PlantBookingType[]>(
        `chipBookingsByPlant:${from}:${to}:${first}`,
        async (ids, em) => {
          const rows = await loadBookingRows(em, ids, from, to, first);
          return groupByKeys(ids, rows, (b) => b.plantId);
        },
      )
      .load(plantId);
  }

  /** Share of the next UTILIZATION_WINDOW ticks from now that the plant is booked, 0..1. */
  utilization(ctx: RequestContext, plantId: number): Promise<number> {
    return ctx.loaders
      .get<number, number>('chipUtilizationByPlant', async (ids, em) => {
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
      })
      .load(plantId);
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
    return ctx.loaders
      .get<number, ChipOperationType[]>('chipOperationsByChip', async (ids, em) => {
        const rows = await em.execute<{ chip_id: number; step: number; name: string }[]>(
          `select chip_id, step, name from chip_operations
            where chip_id = any(?::int[]) order by chip_id, step`,
          [intArray(ids)],
        );
        const operations = rows.map((r) =>
          Object.assign(new ChipOperationType(), { chipId: r.chip_id, step: r.step, name: r.name }),
        );
        return groupByKeys(ids, operations, (o) => o.chipId);
      })
      .load(chipId);
  }

  /** Plants able to perform a step, in the seed's order. */
  plantsForStep(ctx: RequestContext, chipId: number, step: number): Promise<PlantType[]> {
    return ctx.loaders
      .get<string, PlantType[]>('chipPlantsByStep', async (keys, em) => {
        const chipIds = new Set(keys.map((k) => Number(k.split(':')[0])));
        const rows = await em.execute<(PlantSqlRow & { chip_id: number; step: number })[]>(
          `select cap.chip_id, cap.step, p.id, p.name, p.status, p.version, p.removed_at
             from chip_capabilities cap join chip_plants p on p.id = cap.plant_id
            where cap.chip_id = any(?::int[]) order by cap.chip_id, cap.step, cap.position`,
          [intArray(chipIds)],
        );
        const plants = rows.map((r) => ({ key: `${r.chip_id}:${r.step}`, plant: toPlant(r) }));
        return groupByKeys(keys, plants, (p) => p.key).map((g) => g.map((p) => p.plant));
      })
      .load(`${chipId}:${step}`);
  }
}

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

export const catalog = new ChipCatalogService();
