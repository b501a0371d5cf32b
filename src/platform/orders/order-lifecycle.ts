import type { EntityManager } from '@mikro-orm/postgresql';
import { readRows } from '../db/read-rows.ts';
import { isUuid } from '../ids.ts';
import { BusinessError, ErrorCode } from '../errors.ts';
import { toMoneyString, type Decimal } from '../money.ts';
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

/** An event row, the columns appendEvent writes, for the statements that write one at once. */
const INSERT_EVENT = `insert into order_events
  (order_id, kind, consumer_id, actor_id, type, from_status, to_status, data, occurred_at)`;

const eventData = (data: Record<string, unknown> | undefined) =>
  data === undefined ? null : JSON.stringify(data);

/** A kind's own rows of a new order, inserted by the order's statement: one WITH part. */
export interface KindRowsSql {
  sql: string;
  params: unknown[];
}

/**
 * Creates an order (with `id` if given) in its kind's initial status with an ORDER_CREATED
 * event, in one statement that also draws its number and inserts `kindRows(order)` (the kind's
 * own rows, by the new order's id and creation time): written when this returns, managed.
 */
export async function createOrder(
  em: EntityManager,
  input: { kind: OrderKind; consumerId: string; payment: Decimal; id?: string } & EventInput,
  kindRows: (order: { id: string; createdAt: Date }) => KindRowsSql[] = () => [],
): Promise<Order> {
  const definition = orderKind(input.kind);
  const status = definition.table.initial;
  const id = input.id ?? crypto.randomUUID();
  const now = new Date();
  const day = now.toISOString().slice(0, 10).replace(/-/g, '');
  const parts = kindRows({ id, createdAt: now });
  // The number is the prefix, the day and the sequence's next value, zero-padded to 6 digits.
  const [row] = await em.execute<Record<string, unknown>[]>(
    `with o as (
       insert into orders (id, kind, order_no, consumer_id, status, status_code, status_label,
                           payment, created_at, updated_at)
       select ?, ?, ?::text || lpad(n::text, greatest(6, length(n::text)), '0'), ?, ?, ?, ?, ?, ?, ?
         from nextval('order_no_seq') n
       returning *
     ), e as (
       ${INSERT_EVENT} select o.id, o.kind, o.consumer_id, ?, 'ORDER_CREATED', null, o.status, ?, ? from o
     )${parts.map((part, i) => `, k${i} as (${part.sql})`).join('')}
     select * from o`,
    [
      id,
      input.kind,
      `${definition.orderNoPrefix}${day}`,
      input.consumerId,
      status,
      STATUS_INFO[status].code,
      STATUS_INFO[status].label,
      toMoneyString(input.payment),
      now,
      now,
      input.actorId,
      eventData(input.data),
      now,
      ...parts.flatMap((part) => part.params),
    ],
  );
  return em.map(Order, row);
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
  refuseMove(order, to, input);
  order.status = to;
  order.statusCode = STATUS_INFO[to].code;
  order.statusLabel = STATUS_INFO[to].label;
  order.updatedAt = new Date();
  return appendEvent(em, order, 'STATUS_CHANGED', { ...input, fromStatus: from, toStatus: to });
}

/**
 * `transition`, written at once in one statement (the order's row and its event) rather than
 * by the next flush; the managed order is refreshed from the row.
 */
export async function transitionNow(
  em: EntityManager,
  order: Order,
  to: OrderStatus,
  input: EventInput & { manual?: boolean },
): Promise<void> {
  refuseMove(order, to, input);
  const now = new Date();
  const [row] = await em.execute<Record<string, unknown>[]>(
    `with u as (
       update orders set status = ?, status_code = ?, status_label = ?, updated_at = ?
        where id = ? returning *
     ), e as (
       ${INSERT_EVENT} select u.id, u.kind, u.consumer_id, ?, 'STATUS_CHANGED', ?, u.status, ?, ? from u
     )
     select * from u`,
    [
      to,
      STATUS_INFO[to].code,
      STATUS_INFO[to].label,
      now,
      order.id,
      input.actorId,
      order.status,
      eventData(input.data),
      now,
    ],
  );
  em.map(Order, row);
}

function refuseMove(order: Order, to: OrderStatus, input: { manual?: boolean }): void {
  const refusal = refusalOf(order, to, input.manual ? 'updateOrderState' : undefined);
  if (refusal) throw BusinessError.of(ErrorCode.INVALID_TRANSITION, refusal);
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

/** An order as committed, as a plain row: what a replayed idempotency key answers with. */
export async function committedOrder(em: EntityManager, orderId: string): Promise<Order> {
  const [order] = await readRows(em, Order, { id: orderId });
  if (!order) throw new Error(`order ${orderId} not found`);
  return order;
}
