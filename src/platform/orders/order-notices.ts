import type { EntityManager } from '@mikro-orm/postgresql';

/**
 * Tells the owners of these orders, live, that something they depend on changed (a quotation
 * withdrawn, a promotion changed): one event of `type` per order, no status change, in the
 * caller's transaction, so subscribers see it when the change commits. The orders are not
 * locked: the event changes nothing about them. Returns the ids of the orders it reached.
 */
export async function noticeToOrders(
  em: EntityManager,
  orderIds: readonly string[],
  type: string,
  actorId: string | null,
  data: Record<string, unknown>,
): Promise<string[]> {
  if (orderIds.length === 0) return [];
  const rows = await em.execute<{ order_id: string }[]>(
    `insert into order_events (order_id, kind, consumer_id, actor_id, type, data)
     select id, kind, consumer_id, ?, ?, ?::jsonb from orders
      where id in (select jsonb_array_elements_text(?::jsonb)::uuid)
     order by id
     returning order_id`,
    [actorId, type, JSON.stringify(data), JSON.stringify(orderIds)],
  );
  return rows.map((r) => r.order_id);
}
