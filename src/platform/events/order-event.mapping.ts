import type { EntityManager } from '@mikro-orm/postgresql';
import { groupByKeys } from '../loaders';
import type { OrderKind, OrderStatus } from '../orders/order.entity';
import { OrderEvent } from '../orders/order.types';

/** An order_events row as raw SQL returns it, tx_id cast to text. */
export interface OrderEventSqlRow {
  id: string;
  tx_id: string;
  order_id: string;
  kind: OrderKind;
  consumer_id: string;
  actor_id: string | null;
  type: string;
  from_status: OrderStatus | null;
  to_status: OrderStatus | null;
  data: unknown;
  occurred_at: Date;
}

export const ORDER_EVENT_COLUMNS =
  'id, tx_id::text as tx_id, order_id, kind, consumer_id, actor_id, type, from_status, to_status, data, occurred_at';

/** Cursor of an event: its position (transaction id, row id) in the outbox's delivery order. */
export function eventCursor(txId: string, id: string): string {
  return Buffer.from(`${txId}:${id}`).toString('base64url');
}

/** Reads a cursor back; undefined when it is not one this service made. */
export function parseEventCursor(cursor: string): { txId: string; id: string } | undefined {
  const text = Buffer.from(cursor, 'base64url').toString('utf8');
  const match = /^(\d{1,20}):(\d{1,20})$/.exec(text);
  return match ? { txId: match[1], id: match[2] } : undefined;
}

export function toOrderEvent(row: OrderEventSqlRow): OrderEvent {
  return Object.assign(new OrderEvent(), {
    id: String(row.id),
    cursor: eventCursor(String(row.tx_id), String(row.id)),
    orderId: row.order_id,
    kind: row.kind,
    consumerId: String(row.consumer_id),
    actorId: row.actor_id === null ? null : String(row.actor_id),
    type: row.type,
    fromStatus: row.from_status,
    toStatus: row.to_status,
    data: row.data,
    occurredAt: new Date(row.occurred_at),
  });
}

/** Events of many orders in one query, oldest first per order (DataLoader batch function). */
export async function loadEventsOfOrders(
  orderIds: readonly string[],
  em: EntityManager,
): Promise<OrderEvent[][]> {
  const rows = await em.execute<OrderEventSqlRow[]>(
    `select ${ORDER_EVENT_COLUMNS} from order_events where order_id in (?) order by order_id, id`,
    [orderIds as string[]],
  );
  return groupByKeys(orderIds, rows.map(toOrderEvent), (e) => e.orderId);
}
