import type { EntityManager } from '@mikro-orm/postgresql';
import { isUuid } from '../ids.ts';
import { BusinessError, ErrorCode } from '../errors.ts';
import type { Decimal } from '../money.ts';
import { Order, OrderKind, OrderStatus } from './order.entity.ts';
import { OrderEventRow } from './order-event.entity.ts';
import { orderKind, type TxContext } from './order-kinds.ts';
import { findTransition, statusesFor, STATUS_INFO, type Trigger } from './order-state.ts';

export interface EventInput {
  /** Who caused it; null for timers such as the production clock. */
  actorId: string | null;
  data?: Record<string, unknown>;
}

/**
 * Appends an order event in the caller's transaction: the event commits with the change it
 * describes, or not at all. Subscriptions read these rows, so nothing else is needed to publish.
 */
export function appendEvent(
  em: EntityManager,
  order: Order,
  type: string,
  input: EventInput & { fromStatus?: OrderStatus | null; toStatus?: OrderStatus | null },
): OrderEventRow {
  return em.create(OrderEventRow, {
    order,
    kind: order.kind,
    consumerId: order.consumer.id,
    actorId: input.actorId,
    type,
    fromStatus: input.fromStatus ?? null,
    toStatus: input.toStatus ?? null,
    data: input.data ?? null,
    occurredAt: new Date(),
  });
}

/**
 * Creates an order in its kind's initial status with an ORDER_CREATED event. The caller
 * flushes (its transaction does) after adding the kind's own rows.
 */
export async function createOrder(
  em: EntityManager,
  input: { kind: OrderKind; consumerId: string; payment: Decimal } & EventInput,
): Promise<Order> {
  const definition = orderKind(input.kind);
  const [{ seq }] = await em.execute<{ seq: string }[]>(`select nextval('order_no_seq') as seq`);
  const day = new Date().toISOString().slice(0, 10).replace(/-/g, '');
  const status = definition.table.initial;
  const order = em.create(Order, {
    id: crypto.randomUUID(),
    kind: input.kind,
    orderNo: `${definition.orderNoPrefix}${day}${String(seq).padStart(6, '0')}`,
    consumer: input.consumerId,
    status,
    statusCode: STATUS_INFO[status].code,
    statusLabel: STATUS_INFO[status].label,
    payment: input.payment,
    createdAt: new Date(),
    updatedAt: new Date(),
  });
  appendEvent(em, order, 'ORDER_CREATED', { ...input, toStatus: status });
  return order;
}

/**
 * The only way an order's status changes. Checks the kind's state table (INVALID_TRANSITION
 * otherwise), moves the order and appends a STATUS_CHANGED event in the same transaction.
 * The caller must hold the order's row lock (`lockOrder`), so two requests cannot both move
 * it from the same status.
 */
export function transition(
  em: EntityManager,
  order: Order,
  to: OrderStatus,
  input: EventInput & { manual?: boolean },
): OrderEventRow {
  const from = order.status;
  const refusal = refusalOf(order, to, input.manual ? 'updateOrderState' : undefined);
  if (refusal) throw BusinessError.of(ErrorCode.INVALID_TRANSITION, refusal);
  order.status = to;
  order.statusCode = STATUS_INFO[to].code;
  order.statusLabel = STATUS_INFO[to].label;
  order.updatedAt = new Date();
  return appendEvent(em, order, 'STATUS_CHANGED', { ...input, fromStatus: from, toStatus: to });
}

/** Why the kind's table does not let `via` (or, without it, the kind's own flow) make this move. */
function refusalOf(
  order: Order,
  to: OrderStatus,
  via: Trigger | 'updateOrderState' | undefined,
): string | undefined {
  const { table } = orderKind(order.kind);
  const from = order.status;
  const step = findTransition(table, from, to);
  if (via === 'payOrder' && step?.trigger !== via) {
    return statusesFor(table, via).length === 0
      ? `A ${order.kind} order is paid when it is confirmed, not with payOrder.`
      : `Only an order waiting for payment can be paid; this one is ${from}.`;
  }
  if (via === 'cancelOrder' && step?.trigger !== via) {
    return `A ${order.kind} order cannot be cancelled when ${from}.`;
  }
  if (!step) return `A ${order.kind} order cannot move from ${from} to ${to}.`;
  if (via === 'updateOrderState' && !step.manual) {
    return `A ${order.kind} order moves from ${from} to ${to} only by ${step.by}, not by hand.`;
  }
  return undefined;
}

/**
 * Before payOrder, cancelOrder or updateOrderState writes anything (debit, refund, the move):
 * INVALID_TRANSITION unless the kind's table gives `via` this move, then the kind's guard,
 * which may veto it. The move itself is then `transition`.
 */
export async function startTransition(
  ctx: TxContext,
  order: Order,
  to: OrderStatus,
  via: Trigger | 'updateOrderState',
): Promise<void> {
  const refusal = refusalOf(order, to, via);
  if (refusal) throw BusinessError.of(ErrorCode.INVALID_TRANSITION, refusal);
  await orderKind(order.kind).guard?.(ctx, order, to);
}

/** Loads an order with a row lock held to the end of the transaction (SELECT ... FOR UPDATE). */
export async function lockOrder(em: EntityManager, orderId: string): Promise<Order | null> {
  if (!isUuid(orderId)) return null;
  // One statement that locks and reads; em.map makes the row a managed entity (refreshed if
  // the identity map held an older copy) without em.findOne's query building.
  const [row] = await em.execute<Record<string, unknown>[]>(
    `select * from orders where id = ? for update`,
    [orderId],
  );
  return row ? em.map(Order, row) : null;
}
