import type { EntityManager } from '@mikro-orm/postgresql';
import { defineLoader, groupByKeys } from '../loaders.ts';
import { uuidArray } from '../db/sql-arrays.ts';
import { executeRead } from '../db/read-rows.ts';
import type { OrderKind, OrderStatus } from '../orders/order.entity.ts';
import { OrderEvent } from '../orders/order.types.ts';

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

/**
 * Cursor order, qualified: a bare `order by tx_id` after ORDER_EVENT_COLUMNS would sort by the
 * text output column (so '1000' before '999') instead of the xid8 column.
 */
export const CURSOR_ORDER = 'order_events.tx_id, order_events.id';
export const CURSOR_ORDER_DESC = 'order_events.tx_id desc, order_events.id desc';

/** A position in the outbox's delivery order: (transaction id, row id), both decimal text. */
export interface EventPosition {
  txId: string;
  id: string;
}

/** Before every event: the position a reader starts from on an empty table. */
export const START_CURSOR = '0'.repeat(32);

const HEX_64 = 16;
const MAX_64 = (1n << 64n) - 1n;

/**
 * Cursor of an event: its position (tx_id, id) as 32 lowercase hex digits. Fixed width, so
 * plain string comparison is cursor order: a later event's cursor is always the greater string
 * (clients may rely on that to drop an event they already have).
 */
export function eventCursor(txId: string, id: string): string {
  return (
    BigInt(txId).toString(16).padStart(HEX_64, '0') + BigInt(id).toString(16).padStart(HEX_64, '0')
  );
}

/** Reads a cursor back; undefined when it is not one this service made. */
export function parseEventCursor(cursor: string): EventPosition | undefined {
  if (!/^[0-9a-f]{32}$/.test(cursor)) return undefined;
  const txId = BigInt(`0x${cursor.slice(0, HEX_64)}`);
  const id = BigInt(`0x${cursor.slice(HEX_64)}`);
  // The id column is a signed bigint.
  if (txId > MAX_64 || id >= 1n << 63n) return undefined;
  return { txId: txId.toString(), id: id.toString() };
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

/**
 * Events of many orders in one query (DataLoader batch function), per order in cursor order:
 * the order a subscription delivers them in, with the same cursors.
 */
export async function loadEventsOfOrders(
  orderIds: readonly string[],
  em: EntityManager,
): Promise<OrderEvent[][]> {
  const rows = await executeRead<OrderEventSqlRow>(
    em,
    `select ${ORDER_EVENT_COLUMNS} from order_events where order_id = any(?::uuid[]) order by order_id, ${CURSOR_ORDER}`,
    [uuidArray(orderIds)],
  );
  return groupByKeys(orderIds, rows.map(toOrderEvent), (e) => e.orderId);
}

/** An order's events, batched per operation (Order.events and the page prefetch). */
export const eventsByOrder = defineLoader('eventsByOrder', loadEventsOfOrders);
