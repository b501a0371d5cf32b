import type { RequestContext } from '../../context.ts';
import { badInput } from '../../platform/errors.ts';
import { isBigintId, isUuid } from '../../platform/ids.ts';
import { checkPageSize, decodeCursor, encodeCursor } from '../../platform/pagination.ts';
import { Underwrite } from './underwrite.entity.ts';
import { UnderwriteQueueConnection, UnderwriteStage } from './underwrite-queue.types.ts';

/** The longest window inspectionSchedule answers for. */
export const SCHEDULE_MAX_DAYS = 31;

interface QueueQuery {
  where: string;
  params: unknown[];
  /** The column the queue is sorted by, ascending, with the id after it. */
  sortBy: 'created_at' | 'plan_time';
  first: number;
  after?: string | null;
}

/** One page of underwrites matching `where` (alias u, its order o), by `sortBy` then id. */
async function page(ctx: RequestContext, q: QueueQuery): Promise<UnderwriteQueueConnection> {
  const first = checkPageSize(q.first);
  const from = `from underwrites u join orders o on o.id = u.order_id where ${q.where}`;
  let keyset = '';
  const keysetParams: unknown[] = [];
  if (q.after) {
    const [at, id] = decodeCursor(q.after, 2) as [string, string];
    if (!isUuid(String(id)) || Number.isNaN(new Date(at).getTime())) decodeCursor('', 2);
    keyset = ` and (u.${q.sortBy} > ? or (u.${q.sortBy} = ? and u.id > ?))`;
    keysetParams.push(new Date(at), new Date(at), id);
  }
  const rows = await ctx.em.execute<Record<string, unknown>[]>(
    `select u.* ${from}${keyset} order by u.${q.sortBy}, u.id limit ?`,
    [...q.params, ...keysetParams, first + 1],
  );
  const nodes = rows.map((row) => ctx.em.map(Underwrite, row));
  const sortKey = (u: Underwrite) => (q.sortBy === 'created_at' ? u.createdAt : u.planTime);
  const edges = nodes.slice(0, first).map((node) => ({
    node,
    cursor: encodeCursor([sortKey(node).toISOString(), node.id]),
    waitingSince: node.createdAt,
  }));
  let total: Promise<number> | undefined;
  return Object.assign(new UnderwriteQueueConnection(), {
    edges,
    pageInfo: { hasNextPage: nodes.length > first, endCursor: edges.at(-1)?.cursor ?? null },
    countTotal: () =>
      (total ??= ctx.em
        .execute<{ n: string }[]>(`select count(*) as n ${from}`, q.params)
        .then(([row]) => Number(row.n))),
  });
}

/**
 * Staff's underwriting work queues. `waiting`: plan orders in UNDERWRITING without a result,
 * at one stage (not inspected yet, or inspected and waiting for the result), optionally one
 * operator's, longest waiting first (since the inspection was booked). `schedule`: the
 * inspections planned in a window (a day, say), by planned time.
 */
export class UnderwriteQueueService {
  waiting(
    ctx: RequestContext,
    filter: {
      stage: UnderwriteStage;
      operatorId?: string | null;
      first: number;
      after?: string | null;
    },
  ): Promise<UnderwriteQueueConnection> {
    let where = `o.status = 'UNDERWRITING' and u.result is null and not u.deleted and u.certificate_state is ${
      filter.stage === UnderwriteStage.AWAITING_INSPECTION ? '' : 'not '
    }null`;
    const params: unknown[] = [];
    if (filter.operatorId) {
      if (!isBigintId(filter.operatorId)) where += ' and false';
      else {
        where += ' and u.operator_id = ?';
        params.push(filter.operatorId);
      }
    }
    return page(ctx, { where, params, sortBy: 'created_at', ...filter });
  }

  schedule(
    ctx: RequestContext,
    filter: {
      from: Date;
      to: Date;
      onlyUninspected: boolean;
      first: number;
      after?: string | null;
    },
  ): Promise<UnderwriteQueueConnection> {
    const span = filter.to.getTime() - filter.from.getTime();
    if (span <= 0 || span > SCHEDULE_MAX_DAYS * 24 * 3600 * 1000) {
      throw badInput(`to must be after from, by at most ${SCHEDULE_MAX_DAYS} days.`, {
        field: 'to',
      });
    }
    let where = 'u.plan_time >= ? and u.plan_time < ? and not u.deleted';
    if (filter.onlyUninspected) {
      where += ` and u.certificate_state is null and o.status = 'UNDERWRITING'`;
    }
    return page(ctx, { where, params: [filter.from, filter.to], sortBy: 'plan_time', ...filter });
  }
}

export const underwriteQueues = new UnderwriteQueueService();
