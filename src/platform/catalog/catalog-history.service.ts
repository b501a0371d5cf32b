import type { EntityManager } from '@mikro-orm/postgresql';
import type { RequestContext } from '../../context.ts';
import { isBigintId } from '../ids.ts';
import { checkPageSize, decodeCursor, encodeCursor } from '../pagination.ts';
import { CatalogChangeRow } from './catalog-change.entity.ts';
import { CatalogChangeConnection } from './catalog-history.types.ts';

/** What changed: each field's value before and after, as the API shows them. */
export type FieldChanges = Record<string, { from: unknown; to: unknown }>;

export interface CatalogChangeInput {
  entityType: string;
  entityId: string | number;
  action: string;
  /** Who made it; null for the demo data and the service's own jobs. */
  actorId: string | null;
  changes: FieldChanges;
  reason?: string | null;
}

export interface CatalogHistoryFilter {
  entityType?: string | null;
  entityId?: string | null;
  actorId?: string | null;
  first: number;
  after?: string | null;
}

function connection(
  edges: { cursor: string; node: CatalogChangeRow }[],
  hasNextPage: boolean,
  countTotal: () => Promise<number>,
): CatalogChangeConnection {
  return Object.assign(new CatalogChangeConnection(), {
    edges,
    pageInfo: { hasNextPage, endCursor: edges.at(-1)?.cursor ?? null },
    countTotal,
  });
}

/**
 * The catalogue's history: every service that changes the catalogue records the change here in
 * its own transaction (so a change and its history commit together), and staff read it back,
 * newest first.
 */
export class CatalogHistoryService {
  /** Adds the change to the caller's unit of work: it is written when the transaction flushes. */
  record(em: EntityManager, change: CatalogChangeInput): void {
    em.create(CatalogChangeRow, {
      entityType: change.entityType,
      entityId: String(change.entityId),
      action: change.action,
      actorId: change.actorId,
      changes: change.changes,
      reason: change.reason ?? null,
      occurredAt: new Date(),
    });
  }

  /** Changes matching the filter, newest first, keyset-paginated on the id. */
  async list(ctx: RequestContext, filter: CatalogHistoryFilter): Promise<CatalogChangeConnection> {
    const first = checkPageSize(filter.first);
    const where: { entityType?: string; entityId?: string; actorId?: string } = {};
    if (filter.entityType) where.entityType = filter.entityType;
    if (filter.entityId) where.entityId = filter.entityId;
    if (filter.actorId) {
      if (!isBigintId(filter.actorId)) return connection([], false, async () => 0);
      where.actorId = filter.actorId;
    }
    let after: string | undefined;
    if (filter.after) {
      const [id] = decodeCursor(filter.after, 1);
      if (!isBigintId(String(id))) decodeCursor('', 1);
      after = String(id);
    }
    // em.find, not readRows: a staff read of one small page, and it needs `id < cursor`.
    const rows = await ctx.em.find(
      CatalogChangeRow,
      after ? { ...where, id: { $lt: after } } : where,
      { orderBy: { id: 'desc' }, limit: first + 1 },
    );
    let total: Promise<number> | undefined;
    const countTotal = () => (total ??= ctx.em.count(CatalogChangeRow, where));
    const edges = rows.slice(0, first).map((node) => ({ node, cursor: encodeCursor([node.id]) }));
    return connection(edges, rows.length > first, countTotal);
  }
}

export const catalogHistory = new CatalogHistoryService();
