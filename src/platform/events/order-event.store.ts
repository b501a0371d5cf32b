import type pg from 'pg';
import type { OrderKind } from '../orders/order.entity.ts';
import {
  CURSOR_ORDER,
  CURSOR_ORDER_DESC,
  ORDER_EVENT_COLUMNS,
  START_CURSOR,
  eventCursor,
  parseEventCursor,
  type OrderEventSqlRow,
} from './order-event.mapping.ts';

/** Anything that runs a query: the hub's own client or its pool. */
type Queryable = Pick<pg.ClientBase, 'query'>;

/** Which events a subscription wants; null means "any". */
export interface EventFilter {
  /** The owner the events must belong to: the consumer's own id, null for staff. */
  consumerId: string | null;
  orderId: string | null;
  kinds: readonly OrderKind[] | null;
}

export interface SettledBatch {
  /** Rows whose writing transactions can no longer be in flight, in cursor order. */
  rows: OrderEventSqlRow[];
  /** True when committed rows exist past them that are not settled yet: read again soon. */
  pending: boolean;
}

function position(cursor: string): [string, string] {
  const parsed = parseEventCursor(cursor);
  if (!parsed) throw new Error(`not an event cursor: ${cursor}`);
  return [parsed.txId, parsed.id];
}

/**
 * The outbox's readers (docs/live-status.md: how nothing is skipped or repeated). Every read is in (tx_id, id) order.
 *
 * A row is settled when its tx_id is below the xmin of the reading statement's own snapshot:
 * every transaction with a smaller xid has finished, so all of those rows that will ever
 * exist are visible to that statement, and any transaction still to commit has an xid (and,
 * with the follow-order trigger, a tx_id) at or above xmin. A reader that only moves its
 * cursor over settled rows can never see a row appear behind it.
 */
export const orderEventStore = {
  /** The cursor of the last settled row (START_CURSOR on an empty table). */
  async settledHead(db: Queryable): Promise<string> {
    const { rows } = await db.query<{ tx_id: string; id: string }>(
      `select tx_id::text as tx_id, id::text as id from order_events
        where tx_id < pg_snapshot_xmin(pg_current_snapshot())
        order by ${CURSOR_ORDER_DESC} limit 1`,
    );
    return rows[0] ? eventCursor(rows[0].tx_id, rows[0].id) : START_CURSOR;
  },

  /**
   * Up to `limit` settled rows after `after`. The horizon is computed in the same statement,
   * from the snapshot the rows are read with.
   */
  async readSettled(db: Queryable, after: string, limit: number): Promise<SettledBatch> {
    const [txId, id] = position(after);
    const { rows } = await db.query<OrderEventSqlRow & { settled: boolean }>(
      `select ${ORDER_EVENT_COLUMNS}, (tx_id < h.horizon) as settled
         from order_events
        cross join (select pg_snapshot_xmin(pg_current_snapshot()) as horizon) h
        where (tx_id, id) > ($1::xid8, $2::bigint)
        order by ${CURSOR_ORDER} limit $3`,
      [txId, id, limit],
    );
    const settled = rows.filter((r) => r.settled);
    return { rows: settled, pending: settled.length < rows.length };
  },

  /**
   * Rows in (from, to] matching `filter`, at most `limit`. Only for ranges a hub has already
   * passed: everything up to `to` is settled, so this read is complete and repeatable.
   */
  async readRange(
    db: Queryable,
    from: string,
    to: string,
    filter: EventFilter,
    limit: number,
  ): Promise<OrderEventSqlRow[]> {
    const params: unknown[] = [...position(from), ...position(to)];
    const where = ['(tx_id, id) > ($1::xid8, $2::bigint)', '(tx_id, id) <= ($3::xid8, $4::bigint)'];
    if (filter.consumerId !== null) {
      params.push(filter.consumerId);
      where.push(`consumer_id = $${params.length}::bigint`);
    }
    if (filter.orderId !== null) {
      params.push(filter.orderId);
      where.push(`order_id = $${params.length}::uuid`);
    }
    if (filter.kinds !== null) {
      params.push(filter.kinds);
      where.push(`kind = any($${params.length}::text[])`);
    }
    params.push(limit);
    const { rows } = await db.query<OrderEventSqlRow>(
      `select ${ORDER_EVENT_COLUMNS} from order_events where ${where.join(' and ')}
        order by ${CURSOR_ORDER} limit $${params.length}`,
      params,
    );
    return rows;
  },
};
