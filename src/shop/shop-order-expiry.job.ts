import type { EntityManager } from '@mikro-orm/postgresql';
import type { ModuleRuntime } from '../platform/module.ts';
import { Order, OrderStatus } from '../platform/orders/order.entity.ts';
import { transition } from '../platform/orders/order-lifecycle.ts';
import { shopOrders } from './shop-order.service.ts';
import { startIntervalJob } from '../platform/interval-job.ts';

/** Orders expired per transaction; the job repeats until a batch comes back short. */
export const EXPIRY_BATCH = 100;

/**
 * Moves shop orders still unpaid at `now` past their expiry to EXPIRED (a STATUS_CHANGED event
 * with no actor), marks them called off and gives their stock back, up to `limit` orders in
 * one transaction. Orders another transaction holds (being paid or cancelled right now) are
 * skipped, not waited for: the next run sees them if they are still unpaid. Returns the ids of
 * the orders it expired.
 */
export async function expireUnpaidOrders(
  em: EntityManager,
  now: Date = new Date(),
  limit: number = EXPIRY_BATCH,
): Promise<string[]> {
  return em.transactional(async (tx) => {
    const due = await tx.execute<{ id: string }[]>(
      `select o.id from shop_orders s join orders o on o.id = s.order_id
        where s.pay_type is null and not s.is_canceled and s.expires_at <= ? and o.status = ?
        order by s.expires_at
        limit ?
        for update of o skip locked`,
      [now, OrderStatus.PENDING_PAYMENT, limit],
    );
    const expired: string[] = [];
    for (const { id } of due) {
      const order = await tx.findOneOrFail(Order, id, { refresh: true });
      // Re-read under the lock: a payment that committed a moment ago wins.
      if (order.status !== OrderStatus.PENDING_PAYMENT) continue;
      transition(tx, order, OrderStatus.EXPIRED, {
        actorId: null,
        data: { reason: 'unpaid', expiredAt: now.toISOString() },
      });
      await shopOrders.callOff(tx, order);
      expired.push(id);
    }
    await tx.flush();
    return expired;
  });
}

/**
 * The unpaid-order timer: sweeps every quarter of the TTL (between 50 ms and 30 s), each run
 * on its own EntityManager fork, never two runs at once. Nothing runs when the TTL is 0
 * (unpaid orders never expire). Returns how to stop it; stopping waits for a running sweep.
 */
export function startExpiryJob(runtime: ModuleRuntime): () => Promise<void> {
  const ttlMs = runtime.config.shopOrderTtlMinutes * 60_000;
  if (!(ttlMs > 0)) return async () => undefined;
  const everyMs = Math.min(30_000, Math.max(50, Math.round(ttlMs / 4)));
  const log = runtime.log.child({ job: 'shop-order-expiry' });
  const failure = 'expiring unpaid shop orders failed; retrying next run';
  return startIntervalJob(everyMs, log, failure, async (stopped) => {
    let batch: string[];
    do {
      batch = await expireUnpaidOrders(runtime.orm.em.fork());
      if (batch.length > 0) log.info({ orderIds: batch }, 'unpaid shop orders expired');
    } while (batch.length === EXPIRY_BATCH && !stopped());
  });
}
