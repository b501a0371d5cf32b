import type { RequestContext } from '../../context.ts';
import { checkPageSize, decodeCursor, encodeCursor } from '../pagination.ts';
import { isUuid } from '../ids.ts';
import { Order, OrderKind } from './order.entity.ts';
import { allOrderKinds } from './order-kinds.ts';
import { OrderQueueConnection } from './order-queue.types.ts';

/** The statuses each kind waits for staff in (its `staffSteps`), as SQL and as step names. */
function awaited(kind: OrderKind | null | undefined) {
  const steps = allOrderKinds()
    .filter((d) => !kind || d.kind === kind)
    .flatMap((d) => (d.staffSteps ?? []).map((s) => ({ kind: d.kind, ...s })));
  return {
    steps,
    sql: steps.map(() => '(kind = ? and status = ?)').join(' or '),
    params: steps.flatMap((s) => [s.kind, s.status]),
  };
}

/**
 * Staff's work queue of orders: those in a status their kind waits for staff in (a paid shop
 * order to deliver, a paid plan order whose inspection is not booked), longest waiting first.
 * An order waits since its last status change, which is its `updated_at` in these statuses.
 */
export class OrderQueueService {
  async awaitingAction(
    ctx: RequestContext,
    filter: { kind?: OrderKind | null; first: number; after?: string | null },
  ): Promise<OrderQueueConnection> {
    const first = checkPageSize(filter.first);
    const { steps, sql, params } = awaited(filter.kind);
    const result = new OrderQueueConnection();
    result.edges = [];
    result.pageInfo = { hasNextPage: false, endCursor: null };
    result.countTotal = async () => 0;
    if (steps.length === 0) return result;
    const where = `deleted_at is null and (${sql})`;
    let keyset = '';
    const keysetParams: unknown[] = [];
    if (filter.after) {
      const [at, id] = decodeCursor(filter.after, 2) as [string, string];
      if (!isUuid(String(id)) || Number.isNaN(new Date(at).getTime())) decodeCursor('', 2);
      keyset = ' and (updated_at > ? or (updated_at = ? and id > ?))';
      keysetParams.push(new Date(at), new Date(at), id);
    }
    const rows = await ctx.em.execute<Record<string, unknown>[]>(
      `select * from orders where ${where}${keyset} order by updated_at, id limit ?`,
      [...params, ...keysetParams, first + 1],
    );
    const orders = rows.map((row) => ctx.em.map(Order, row));
    let total: Promise<number> | undefined;
    result.countTotal = () =>
      (total ??= ctx.em
        .execute<{ n: string }[]>(`select count(*) as n from orders where ${where}`, params)
        .then(([row]) => Number(row.n)));
    result.edges = orders.slice(0, first).map((node) => ({
      node,
      cursor: encodeCursor([node.updatedAt.toISOString(), node.id]),
      waitingSince: node.updatedAt,
      step: steps.find((s) => s.kind === node.kind && s.status === node.status)!.step,
    }));
    result.pageInfo = {
      hasNextPage: orders.length > first,
      endCursor: result.edges.at(-1)?.cursor ?? null,
    };
    return result;
  }
}

export const orderQueue = new OrderQueueService();
