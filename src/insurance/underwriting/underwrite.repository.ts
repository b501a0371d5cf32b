import type { EntityManager } from '@mikro-orm/postgresql';
import type { RequestContext } from '../../context.ts';
import { isStaff, requireOwnerOrStaff, requireViewer } from '../../platform/auth/roles.ts';
import type { Viewer } from '../../platform/auth/token.ts';
import { BusinessError, ErrorCode } from '../../platform/errors.ts';
import { isUuid } from '../../platform/ids.ts';
import type { Order } from '../../platform/orders/order.entity.ts';
import { appendEvent, lockOrder } from '../../platform/orders/order-lifecycle.ts';
import { orders } from '../../platform/orders/order.service.ts';
import { InputChecks } from '../../platform/input.rules.ts';
import { Underwrite } from './underwrite.entity.ts';
import type { UnderwritePayload } from './underwrite.types.ts';

/**
 * Locks the underwrite's order (every writer of an underwrite takes this lock first, so
 * checks and writes cannot interleave) and checks the caller: staff, or the order's owner
 * (staff-only operations are refused to consumers by their resolver). NOT_FOUND for an
 * unknown or deleted underwrite, FORBIDDEN for another consumer's.
 */
export async function lockUnderwrite(
  em: EntityManager,
  viewer: Viewer,
  underwriteId: string,
): Promise<{ order: Order; underwrite: Underwrite }> {
  const notFound = () =>
    BusinessError.of(ErrorCode.NOT_FOUND, 'No underwrite has this id.', ['underwriteId']);
  if (!isUuid(underwriteId)) throw notFound();
  const first = await em.findOne(Underwrite, { id: underwriteId, deleted: false });
  if (!first) throw notFound();
  const order = await lockOrder(em, first.orderId);
  if (!order) throw notFound();
  requireOwnerOrStaff(viewer, order.consumer.id, 'underwrite');
  // The owner deleted (hid) the order: its underwrite is gone for them too.
  if (order.deletedAt && !isStaff(viewer)) throw notFound();
  const underwrite = await em.findOneOrFail(Underwrite, underwriteId, { refresh: true });
  return { order, underwrite };
}

/**
 * Runs one underwriting write in a transaction: `work` records what is wrong in `found`
 * (everything is rolled back then, and the findings are the payload's errors) or changes the
 * rows and returns the underwrite's id, which is reloaded for the payload.
 */
export async function underwriteWrite(
  ctx: RequestContext,
  work: (tx: { em: EntityManager; viewer: Viewer; found: InputChecks }) => Promise<string | void>,
): Promise<UnderwritePayload> {
  const viewer = requireViewer(ctx);
  const outcome = await orders.inTransaction(ctx, async (em) => {
    const found = new InputChecks();
    const id = await work({ em, viewer, found });
    if (found.any || !id) throw new BusinessError(found.errors);
    return id;
  });
  if (!outcome.order) return { underwrite: null, errors: outcome.errors };
  const underwrite = await ctx.em.findOneOrFail(Underwrite, outcome.order, { refresh: true });
  return { underwrite, errors: [] };
}

/** Records a non-status event on the order and marks the order as updated. */
export function recordEvent(
  locked: { em: EntityManager; order: Order; underwrite: Underwrite },
  type: string,
  actorId: string,
  data: Record<string, unknown>,
): void {
  const now = new Date();
  locked.underwrite.updatedAt = now;
  locked.order.updatedAt = now;
  appendEvent(locked.em, locked.order, type, {
    actorId,
    data: { underwriteId: locked.underwrite.id, ...data },
  });
}
