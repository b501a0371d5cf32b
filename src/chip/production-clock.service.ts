import type { EntityManager } from '@mikro-orm/postgresql';
import type { RequestContext } from '../context.ts';
import { badInput } from '../platform/errors.ts';
import type { ModuleRuntime } from '../platform/module.ts';
import { Order, OrderStatus } from '../platform/orders/order.entity.ts';
import { transition } from '../platform/orders/order-lifecycle.ts';
import { MAX_TICK } from './chip-plan.input.ts';
import { ProductionClockType } from './chip.types.ts';
import { entityRows, readRows, returningRows, selectColumns } from '../platform/db/read-rows.ts';
import { ChipOrderRow } from './chip-order.entity.ts';
import { ProductionClockRow } from './production-clock.entity.ts';
import { startIntervalJob } from '../platform/interval-job.ts';

export interface ClockAdvance {
  now: number;
  /** Orders moved PAID → IN_PRODUCTION, and IN_PRODUCTION → COMPLETED. */
  started: string[];
  completed: string[];
}

/**
 * The production clock: plan times are its integer ticks. Only ADMIN moves it by hand
 * (`advanceProductionClock`); with PRODUCTION_TICK_MS set it also moves one tick every that
 * many milliseconds. Each move, in one transaction with the clock row locked, puts every PAID
 * chip order whose first start has come (now ≥ first start) IN_PRODUCTION and every one whose
 * last operation has ended (now ≥ last end) COMPLETED, one STATUS_CHANGED event each with no
 * actor. Confirmations read the clock FOR SHARE, so the clock never moves under a plan being
 * booked.
 */
export class ProductionClockService {
  async read(ctx: RequestContext): Promise<ProductionClockType> {
    return this.view(ctx, await this.now(ctx.em));
  }

  async now(em: EntityManager, options: { forShare?: boolean } = {}): Promise<number> {
    const lock = options.forShare ? 'share' : undefined;
    const [row] = await readRows(em, ProductionClockRow, {}, {}, { lock });
    return row.now;
  }

  /** ADMIN: moves the clock `ticks` (≥ 1) forward and the chip orders along with it. */
  async advance(ctx: RequestContext, ticks: number): Promise<ProductionClockType> {
    if (!Number.isInteger(ticks) || ticks < 1) {
      throw badInput('ticks must be a positive integer.', { field: 'ticks' });
    }
    const moved = await this.advanceBy(ctx.em, ticks);
    return this.view(ctx, moved.now);
  }

  /** Moves the clock and the orders in one transaction; refuses to pass MAX_TICK. */
  advanceBy(em: EntityManager, ticks: number): Promise<ClockAdvance> {
    return em.transactional(async (tx) => {
      // An explicit conditional update: the clock never passes MAX_TICK.
      const [row] = await returningRows(
        tx,
        ProductionClockRow,
        `update production_clock set now = now + ?, updated_at = now() where now + ? <= ?`,
        [ticks, ticks, MAX_TICK],
      );
      if (!row) {
        throw badInput(`The clock cannot pass tick ${MAX_TICK}.`, { field: 'ticks' });
      }
      const now = row.now;
      // SQL: the chip orders due, by their core order's status (a join), locking those orders.
      const dueRows = await tx.execute<Record<string, unknown>[]>(
        `select ${selectColumns(tx, ChipOrderRow, 'c')} from orders o join chip_orders c on c.order_id = o.id
          where (o.status = 'PAID' and c.first_start <= ?)
             or (o.status = 'IN_PRODUCTION' and c.last_end <= ?)
          order by o.id for update of o`,
        [now, now],
      );
      const due = entityRows(tx, ChipOrderRow, dueRows);
      const started: string[] = [];
      const completed: string[] = [];
      if (due.length === 0) return { now, started, completed };
      const orders = await tx.find(
        Order,
        { id: { $in: due.map((d) => d.orderId) } },
        { refresh: true },
      );
      const lastEnd = new Map(due.map((d) => [d.orderId, d.lastEnd]));
      for (const order of orders) {
        const data = { tick: now, by: 'production clock' };
        if (order.status === OrderStatus.PAID) {
          transition(tx, order, OrderStatus.IN_PRODUCTION, { actorId: null, data });
          started.push(order.id);
        }
        if (order.status === OrderStatus.IN_PRODUCTION && lastEnd.get(order.id)! <= now) {
          transition(tx, order, OrderStatus.COMPLETED, { actorId: null, data });
          completed.push(order.id);
        }
      }
      await tx.flush();
      return { now, started, completed };
    });
  }

  /** The module's `start` hook: ticks by itself when PRODUCTION_TICK_MS is set. */
  startTicking({ orm, config, log }: ModuleRuntime): () => Promise<void> {
    const period = config.productionTickMs;
    if (!period) return async () => undefined;
    log.info({ tickMs: period }, 'production clock ticking by itself');
    return startIntervalJob(period, log, 'production clock tick failed', async () => {
      const moved = await this.advanceBy(orm.em.fork(), 1);
      if (moved.started.length + moved.completed.length > 0) {
        log.info(moved, 'production clock moved orders');
      }
    });
  }

  private view(ctx: RequestContext, now: number): ProductionClockType {
    return Object.assign(new ProductionClockType(), {
      now,
      tickMs: ctx.config.productionTickMs ?? null,
    });
  }
}

export const productionClock = new ProductionClockService();
