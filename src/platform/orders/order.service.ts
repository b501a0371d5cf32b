import type { EntityManager } from '@mikro-orm/postgresql';
import type { RequestContext } from '../../context.ts';
import { bank } from '../bank/bank.service.ts';
import { BankTransaction } from '../bank/bank.entity.ts';
import { BusinessError, ErrorCode, forbidden, type UserError } from '../errors.ts';
import { runIdempotent } from '../idempotency/idempotency.service.ts';
import { isBigintId, isUuid } from '../ids.ts';
import { countRows, readRows } from '../db/read-rows.ts';
import { defineLoader, indexByKeys } from '../loaders.ts';
import { checkPageSize, decodeCursor, encodeCursor } from '../pagination.ts';
import { Order, OrderKind, OrderStatus } from './order.entity.ts';
import { orderKind, PayType } from './order-kinds.ts';
import {
  appendEvent,
  committedOrder,
  lockOrder,
  startTransition,
  transition,
  transitionNow,
} from './order-lifecycle.ts';
import { isStaff, requireOwnerOrStaff, requireViewer } from '../auth/roles.ts';
import { actionsAllowed, statusesInWords, type OrderAction } from './order-state.ts';

export interface OrderListFilter {
  consumerId?: string | null;
  kind?: OrderKind | null;
  status?: OrderStatus | null;
  first: number;
  after?: string | null;
}

export interface OrderPage {
  edges: { cursor: string; node: Order }[];
  hasNextPage: boolean;
  endCursor: string | null;
  /**
   * Every order the filter matches. Counted only when called (a client that does not select
   * totalCount skips it): an exact count reads every matching row or index entry.
   */
  countTotal: () => Promise<number>;
}

export interface PaymentResult {
  order?: Order;
  productIds?: string[];
  transaction?: BankTransaction;
  errors: UserError[];
}

export interface StoredPayment {
  orderId: string;
  transactionId: string;
  productIds?: string[];
}

const notFound = () => BusinessError.of(ErrorCode.NOT_FOUND, 'No such order.', ['orderId']);

/**
 * The operations every order kind shares: reading with ownership rules, listing with keyset
 * pagination, and payOrder / cancelOrder / deleteOrder / updateOrderState, each in one
 * transaction that locks the order row first. Kind-specific work runs in the hooks the kind
 * declared in its module's `orderKinds`.
 */
const ordersById = defineLoader('orderById', async (ids: readonly string[], em: EntityManager) =>
  indexByKeys(ids, await readRows(em, Order, { id: ids }), (o) => o.id),
);

export class OrderService {
  /** The order if the caller may see it (owner, OPERATOR, ADMIN); deleted orders are gone for their owner. */
  /**
   * The order an event is about, for its `order` field: loaded once for every subscriber of the
   * event (ctx.loaders), null for a consumer who deleted it (as `order(id)` answers them).
   */
  async ofEvent(ctx: RequestContext, orderId: string): Promise<Order | null> {
    const viewer = requireViewer(ctx);
    const order = await ctx.loaders.now(ordersById, orderId);
    if (!order || isStaff(viewer)) return order;
    return order.consumer.id === viewer.id && !order.deletedAt ? order : null;
  }

  /** What the order's status lets payOrder, cancelOrder and deleteOrder do to it now. */
  actionsOf(order: Order): OrderAction[] {
    return actionsAllowed(orderKind(order.kind).table, order.status, order.deletedAt != null);
  }

  async findVisible(ctx: RequestContext, orderId: string): Promise<Order | null> {
    const viewer = requireViewer(ctx);
    if (!isUuid(orderId)) return null;
    // A plain row (readRows): the order is only read from here on.
    const [order] = await readRows(ctx.em, Order, { id: orderId });
    if (!order) return null;
    requireOwnerOrStaff(viewer, order.consumer.id, 'order');
    return order.deletedAt && !isStaff(viewer) ? null : order;
  }

  /** Most recently updated first, keyset-paginated on (updatedAt, id). */
  async list(ctx: RequestContext, filter: OrderListFilter): Promise<OrderPage> {
    const viewer = requireViewer(ctx);
    const first = checkPageSize(filter.first);
    const where: { [K in keyof Order]?: unknown } = {};
    if (isStaff(viewer)) {
      if (filter.consumerId) {
        if (!isBigintId(filter.consumerId))
          return { edges: [], hasNextPage: false, endCursor: null, countTotal: async () => 0 };
        where.consumer = filter.consumerId;
      }
    } else {
      if (filter.consumerId && filter.consumerId !== viewer.id) {
        throw forbidden("Only OPERATOR and ADMIN may list another consumer's orders.");
      }
      where.consumer = viewer.id;
      where.deletedAt = null;
    }
    if (filter.kind) where.kind = filter.kind;
    if (filter.status) where.status = filter.status;

    let after: [Date, string] | undefined;
    if (filter.after) {
      const [updatedAt, id] = decodeCursor(filter.after, 2) as [string, string];
      const at = new Date(updatedAt);
      if (!isUuid(id) || Number.isNaN(at.getTime())) decodeCursor('', 2);
      after = [at, id];
    }
    // Plain rows, not managed entities: a list is only read, and em.find's query building and
    // hydration cost more CPU than the statement itself (src/platform/db/read-rows.ts).
    const rows = await readRows(
      ctx.em,
      Order,
      where,
      { updatedAt: 'desc', id: 'desc' },
      { limit: first + 1, after },
    );
    let total: Promise<number> | undefined;
    const countTotal = () => (total ??= countRows(ctx.em, Order, where));
    const hasNextPage = rows.length > first;
    const edges = rows
      .slice(0, first)
      .map((node) => ({ node, cursor: encodeCursor([node.updatedAt.toISOString(), node.id]) }));
    return { edges, hasNextPage, endCursor: edges.at(-1)?.cursor ?? null, countTotal };
  }

  /**
   * Pays a PENDING_PAYMENT order from the owner's bank account: debit, PAID, then the kind's
   * afterPaid hook, all in one transaction, at most once per idempotency key.
   */
  async pay(
    ctx: RequestContext,
    orderId: string,
    payType: PayType,
    idempotencyKey: string,
  ): Promise<PaymentResult> {
    const viewer = requireViewer(ctx);
    const request = {
      consumerId: viewer.id,
      key: idempotencyKey,
      operation: 'payOrder',
      input: { orderId, payType },
    };
    return runIdempotent<StoredPayment, PaymentResult>(
      ctx.em,
      request,
      async (em) => {
        const order = await this.lockOwnOrder(em, viewer.id, orderId);
        await startTransition({ ...ctx, em }, order, OrderStatus.PAID, 'payOrder');
        const transaction = await bank.debit(
          em,
          viewer.id,
          order.payment,
          `Payment of order ${order.orderNo} (${payType})`,
          order.id,
        );
        await transitionNow(em, order, OrderStatus.PAID, {
          actorId: viewer.id,
          data: {
            payType,
            transactionId: transaction.id,
            amount: transaction.amount.neg().toFixed(2),
          },
        });
        const { productIds } =
          (await orderKind(order.kind).afterPaid?.({ ...ctx, em }, order, payType)) ?? {};
        await em.flush();
        return {
          stored: { orderId: order.id, transactionId: transaction.id, productIds },
          payload: { order, productIds, transaction, errors: [] },
        };
      },
      // A replayed key ran no work here: its order and payment are read as committed.
      async (stored) => {
        const order = await committedOrder(ctx.em, stored.orderId);
        const [transaction] = await readRows(ctx.em, BankTransaction, { id: stored.transactionId });
        if (!transaction) throw new Error(`payment ${stored.transactionId} not found`);
        return { order, productIds: stored.productIds, transaction, errors: [] };
      },
    );
  }

  /**
   * Cancels an order from a status its kind allows; whatever was paid comes back in full
   * and the kind's afterCancelled hook returns stock or frees bookings, in one transaction.
   */
  async cancel(
    ctx: RequestContext,
    orderId: string,
  ): Promise<{ order?: Order; errors: UserError[] }> {
    const viewer = requireViewer(ctx);
    return this.inTransaction(ctx, async (em) => {
      const order = await lockOrder(em, orderId);
      if (!order || (!isStaff(viewer) && order.deletedAt)) throw notFound();
      requireOwnerOrStaff(viewer, order.consumer.id, 'order');
      const from = order.status;
      await startTransition({ ...ctx, em }, order, OrderStatus.CANCELLED, 'cancelOrder');
      const refund = await bank.refundOrder(
        em,
        order.consumer.id,
        order.id,
        `Refund of cancelled order ${order.orderNo}`,
      );
      transition(em, order, OrderStatus.CANCELLED, {
        actorId: viewer.id,
        data: refund
          ? { refundTransactionId: refund.id, refunded: refund.amount.toFixed(2) }
          : undefined,
      });
      await orderKind(order.kind).afterCancelled?.({ ...ctx, em }, order, from);
      return order;
    });
  }

  /** Hides a finished order from its owner's lists; the row and its events stay. */
  async delete(
    ctx: RequestContext,
    orderId: string,
  ): Promise<{ ok: boolean; message: string; errors: UserError[] }> {
    const viewer = requireViewer(ctx);
    const outcome = await this.inTransaction(ctx, async (em) => {
      const order = await lockOrder(em, orderId);
      if (!order || order.deletedAt) throw notFound();
      if (order.consumer.id !== viewer.id) throw forbidden('Only the owner may delete an order.');
      const { deletableFrom } = orderKind(order.kind).table;
      if (!deletableFrom.includes(order.status)) {
        throw BusinessError.of(
          ErrorCode.INVALID_TRANSITION,
          `A ${order.status} order cannot be deleted; only ${statusesInWords(deletableFrom)} ones can.`,
        );
      }
      order.deletedAt = new Date();
      appendEvent(em, order, 'ORDER_DELETED', { actorId: viewer.id });
      return order;
    });
    return outcome.order
      ? { ok: true, message: 'Order deleted.', errors: [] }
      : {
          ok: false,
          message: outcome.errors[0]?.message ?? 'Not deleted.',
          errors: outcome.errors,
        };
  }

  /** Staff moves an order along a transition its kind marks as manual (updateOrderState). */
  async updateState(ctx: RequestContext, orderId: string, status: OrderStatus) {
    const viewer = requireViewer(ctx);
    return this.inTransaction(ctx, async (em) => {
      const order = await lockOrder(em, orderId);
      if (!order) throw notFound();
      const from = order.status;
      await startTransition({ ...ctx, em }, order, status, 'updateOrderState');
      transition(em, order, status, { actorId: viewer.id, manual: true, data: { manual: true } });
      await orderKind(order.kind).afterManualTransition?.({ ...ctx, em }, order, from, status);
      return order;
    });
  }

  /** Runs `work` in a transaction; a BusinessError rolls it back and becomes payload errors. */
  async inTransaction<T>(
    ctx: RequestContext,
    work: (em: EntityManager) => Promise<T>,
  ): Promise<{ order?: T; errors: UserError[] }> {
    try {
      const order = await ctx.em.transactional(async (em) => {
        const value = await work(em);
        await em.flush();
        return value;
      });
      return { order, errors: [] };
    } catch (err) {
      if (err instanceof BusinessError) return { errors: err.errors };
      throw err;
    }
  }

  private async lockOwnOrder(
    em: EntityManager,
    consumerId: string,
    orderId: string,
  ): Promise<Order> {
    const order = await lockOrder(em, orderId);
    if (!order || order.deletedAt) throw notFound();
    if (order.consumer.id !== consumerId) throw forbidden('Only the owner may pay for an order.');
    return order;
  }
}

export const orders = new OrderService();
