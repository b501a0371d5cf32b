import type { EntityManager } from '@mikro-orm/postgresql';
import { Order, OrderKind, OrderStatus } from '../platform/orders/order.entity.ts';
import { transition } from '../platform/orders/order-lifecycle.ts';
import { BusinessError, ErrorCode } from '../platform/errors.ts';
import { effectiveDriversOfVehicles } from './insurance.loaders.ts';
import { oneYearAfter } from './insurance-pricing.rules.ts';
import { recheckQuotedPrice } from './quotation.rules.ts';

/** Where each insurance kind keeps its period (start_at, stop_at); other kinds have none. */
export const EXT_TABLE: Partial<Record<OrderKind, string>> = {
  [OrderKind.PLAN]: 'plan_order_ext',
  [OrderKind.DRIVER]: 'driver_order_ext',
  [OrderKind.SALE]: 'sale_order_ext',
};

/** Sets (or clears) the contract period on the kind's row. */
export async function setPeriod(
  em: EntityManager,
  order: Order,
  startAt: Date | null,
): Promise<{ startAt: Date | null; stopAt: Date | null }> {
  const stopAt = startAt ? oneYearAfter(startAt) : null;
  await em.execute(
    `update ${EXT_TABLE[order.kind]} set start_at = ?, stop_at = ?, updated_at = now() where order_id = ?`,
    [startAt, stopAt, order.id],
  );
  return { startAt, stopAt };
}

/** The order's stopAt as stored now, or null when it has no period (yet, or by its kind). */
export async function stopAtOf(em: EntityManager, order: Order): Promise<Date | null> {
  const table = EXT_TABLE[order.kind];
  if (!table) return null;
  const [row] = await em.execute<{ stop_at: Date | null }[]>(
    `select stop_at from ${table} where order_id = ?`,
    [order.id],
  );
  return row?.stop_at ? new Date(row.stop_at) : null;
}

/**
 * The insurance kinds' guard, before payOrder, cancelOrder or updateOrderState moves an order.
 * Before it is paid: a plan or sale order's quotation must still be valid and its price
 * unchanged; a driver order's drivers must not already drive the vehicle under another
 * effective order. Before staff expire it: its cover must be over.
 */
export async function guardInsuranceMove(
  em: EntityManager,
  order: Order,
  to: OrderStatus,
): Promise<void> {
  if (to === OrderStatus.PAID) {
    if (order.kind === OrderKind.DRIVER) await refuseDriversAlreadyEffective(em, order);
    else await recheckQuotedPrice(em, order);
  }
  await refuseEarlyExpiry(em, order, to);
}

/**
 * A paid driver or sale order takes effect at once for a year: PAID → EFFECTIVE with
 * startAt now. Runs in payOrder's transaction (afterPaid) and in updateOrderState's when
 * staff records an offline payment.
 */
export async function takeEffect(em: EntityManager, order: Order, actorId: string | null) {
  const period = await setPeriod(em, order, new Date());
  transition(em, order, OrderStatus.EFFECTIVE, {
    actorId,
    data: { startAt: period.startAt!.toISOString(), stopAt: period.stopAt!.toISOString() },
  });
}

/**
 * Two driver orders naming the same driver for the same vehicle may both be placed; only the
 * first to take effect may add them. The vehicle's row lock makes concurrent payments queue.
 */
async function refuseDriversAlreadyEffective(em: EntityManager, order: Order): Promise<void> {
  const [{ vehicle_id }] = await em.execute<{ vehicle_id: string }[]>(
    `select vehicle_id from driver_order_ext where order_id = ?`,
    [order.id],
  );
  await em.execute(`select id from vehicles where id = ? for update`, [vehicle_id]);
  const [effective] = await effectiveDriversOfVehicles([vehicle_id], em);
  const mine = await em.execute<{ driver_id: string }[]>(
    `select driver_id from driver_order_drivers where order_id = ?`,
    [order.id],
  );
  const taken = effective.filter((d) => mine.some((m) => m.driver_id === d.id));
  if (taken.length > 0) {
    throw BusinessError.of(
      ErrorCode.INVALID_INPUT,
      `${taken.map((d) => d.name).join(', ')} already drive(s) this vehicle under an effective driver order.`,
      ['orderId'],
    );
  }
}

/**
 * updateOrderState may expire an order only once its stopAt has passed (the issue: EFFECTIVE
 * → EXPIRED after stopAt): staff then need not wait for the clock's next sweep, but cannot end
 * cover the consumer paid for early. INVALID_TRANSITION while stopAt is ahead of `now`, the
 * same clock `expireDueOrders` uses; an order without a period has nothing to wait for.
 * Part of the guard, so the refusal comes before the move.
 */
async function refuseEarlyExpiry(
  em: EntityManager,
  order: Order,
  to: OrderStatus,
  now: Date = new Date(),
): Promise<void> {
  if (to !== OrderStatus.EXPIRED) return;
  const stopAt = await stopAtOf(em, order);
  if (stopAt && stopAt > now) {
    throw BusinessError.of(
      ErrorCode.INVALID_TRANSITION,
      `This ${order.kind} order is effective until ${stopAt.toISOString()}; it expires after that, not before.`,
      ['status'],
    );
  }
}
