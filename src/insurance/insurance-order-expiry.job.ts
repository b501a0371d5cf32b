import type { EntityManager, MikroORM } from '@mikro-orm/postgresql';
import type { Logger } from 'pino';
import { OrderStatus } from '../platform/orders/order.entity.ts';
import { lockOrder, transition } from '../platform/orders/order-lifecycle.ts';
import { startIntervalJob } from '../platform/interval-job.ts';
import { stopAtOf } from './insurance-order-lifecycle.service.ts';

/**
 * Moves every EFFECTIVE insurance order whose stopAt has passed (by `now`) to EXPIRED, each in
 * its own transaction under its row lock, with the clock (null) as actor. Returns how many.
 */
export async function expireDueOrders(em: EntityManager, now: Date = new Date()): Promise<number> {
  const due = await em.execute<{ order_id: string }[]>(
    `select x.order_id from (
        select order_id, stop_at from plan_order_ext
        union all select order_id, stop_at from driver_order_ext
        union all select order_id, stop_at from sale_order_ext
      ) x join orders o on o.id = x.order_id
      where o.status = 'EFFECTIVE' and x.stop_at <= ? order by x.stop_at limit 500`,
    [now],
  );
  let expired = 0;
  for (const { order_id } of due) {
    await em.fork().transactional(async (tx) => {
      const order = await lockOrder(tx, order_id);
      if (!order || order.status !== OrderStatus.EFFECTIVE) return;
      const stopAt = await stopAtOf(tx, order);
      // A result altered meanwhile may have moved the period on.
      if (!stopAt || stopAt > now) return;
      transition(tx, order, OrderStatus.EXPIRED, {
        actorId: null,
        data: { stopAt: stopAt.toISOString() },
      });
      await tx.flush();
      expired++;
    });
  }
  return expired;
}

/**
 * The expiry clock: every `intervalMs` it expires what is due. Returns how to stop it (waits
 * for a sweep in flight).
 */
export function startExpiryJob(orm: MikroORM, log: Logger, intervalMs: number) {
  return startIntervalJob(intervalMs, log, 'insurance expiry sweep failed', async () => {
    const n = await expireDueOrders(orm.em.fork());
    if (n > 0) log.info({ expired: n }, 'insurance orders expired');
  });
}
