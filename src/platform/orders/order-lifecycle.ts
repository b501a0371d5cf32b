import type { EntityManager } from '@mikro-orm/postgresql';
import { isUuid } from '../ids.ts';
import { BusinessError, ErrorCode } from '../errors.ts';
import type { Decimal } from '../money.ts';
import { Order, OrderKind, OrderStatus } from './order.entity.ts';
import { OrderEventRow } from './order-event.entity.ts';
import { orderKind } from './order-kinds.ts';
import { findTransition, STATUS_INFO } from './order-state.ts';

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
  const definition = orderKind(order.kind);
  const step = findTransition(definition.table, from, to);
  if (!step || (input.manual && !step.manual)) {
    throw BusinessError.of(
      ErrorCode.INVALID_TRANSITION,
      step
        ? `A ${order.kind} order moves from ${from} to ${to} only by ${step.by}, not by hand.`
        : `A ${order.kind} order cannot move from ${from} to ${to}.`,
    );
  }
  order.status = to;
  order.statusCode = STATUS_INFO[to].code;
  order.statusLabel = STATUS_INFO[to].label;
  order.updatedAt = new Date();
  return appendEvent(em, order, 'STATUS_CHANGED', { ...input, fromStatus: from, toStatus: to });
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
