import type { EntityManager } from '@mikro-orm/postgresql';
import type { RequestContext } from '../context.ts';
import { requireViewer } from '../platform/auth/roles.ts';
import { BusinessError, ErrorCode, type UserError } from '../platform/errors.ts';
import { runIdempotent } from '../platform/idempotency/idempotency.service.ts';
import { InputChecks } from '../platform/input.rules.ts';
import { Order, OrderKind, OrderStatus } from '../platform/orders/order.entity.ts';
import type { PayType, TxContext } from '../platform/orders/order-kinds.ts';
import {
  committedOrder,
  createOrder,
  type KindRowsSql,
} from '../platform/orders/order-lifecycle.ts';
import { toMoneyString } from '../platform/money.ts';
import { checkAddress, type CheckedAddress } from './address.rules.ts';
import { checkCart, checkPayment, isWellFormedCart, priceLines } from './cart.rules.ts';
import { ShopOrderRow } from './shop-order.entity.ts';
import type { ConfirmShopOrderInput } from './shop.input.ts';
import { releaseStock, reserveStock } from './stock.repository.ts';
import { lockUnpaidHoldings, refuseOverLimits, unpaidLimits } from './unpaid-limits.rules.ts';

/**
 * The input as plain JSON: the request hash reads plain objects field by field, but hashes a
 * class instance (type-graphql builds inputs as such) by its String() form, "[object Object]".
 */
function plain(input: ConfirmShopOrderInput): unknown {
  return JSON.parse(JSON.stringify(input));
}

/** When an order confirmed at `now` expires unpaid; null when unpaid orders never expire. */
export function expiryOf(now: Date, ttlMinutes: number): Date | null {
  return ttlMinutes > 0 ? new Date(now.getTime() + ttlMinutes * 60_000) : null;
}

/** A new shop order's own rows (its shop_orders row and its lines), for createOrder's statement. */
function shopOrderRows(
  orderId: string,
  shopId: string,
  address: CheckedAddress,
  priced: ReturnType<typeof priceLines>,
  expiresAt: Date | null,
): KindRowsSql[] {
  const lines = priced.lines.map((line, lineNo) => ({
    line_no: lineNo,
    product_id: line.productId,
    name: line.name,
    price: toMoneyString(line.price),
    count: line.count,
    total_price: toMoneyString(line.totalPrice),
  }));
  return [
    {
      sql: `insert into shop_orders (order_id, shop_id, recipient, address, tel_num, is_canceled,
                                     total_amount, expires_at)
            values (?, ?, ?, ?, ?, false, ?, ?)`,
      params: [
        orderId,
        shopId,
        address.recipient,
        address.address,
        address.telNum,
        priced.totalAmount,
        expiresAt,
      ],
    },
    {
      sql: `insert into shop_order_lines (order_id, line_no, product_id, name, price, count,
                                          total_price)
            select ?, l.line_no, l.product_id, l.name, l.price, l.count, l.total_price
              from jsonb_to_recordset(?::jsonb) as l (line_no int, product_id bigint, name text,
                                                     price numeric, count int, total_price numeric)`,
      params: [orderId, JSON.stringify(lines)],
    },
  ];
}

/**
 * A shop order's confirmation and what the shop kind does inside the core's payOrder and
 * cancelOrder. An order's names and prices are copied at confirmation; its stock is held from
 * confirmation until it is cancelled or expires unpaid (then it goes back) or paid (then it
 * is sold).
 */
export class ShopOrderService {
  /**
   * Checks the address and the cart, then in one transaction reserves the stock (OUT_OF_STOCK
   * naming each short line, and nothing saved), snapshots names and prices, and creates the
   * order PENDING_PAYMENT with payment = the cart's total. UNPAID_LIMIT_REACHED (nothing
   * saved) when the consumer would hold more unpaid orders, items or value than the
   * configured limits. With an idempotency key, a repeat returns the first order instead of
   * reserving again.
   */
  async confirm(
    ctx: RequestContext,
    input: ConfirmShopOrderInput,
    idempotencyKey?: string | null,
  ): Promise<{ order?: Order; errors: UserError[] }> {
    const viewer = requireViewer(ctx);
    const addressChecks = new InputChecks();
    const address = checkAddress(input.address, ['input', 'address'], addressChecks);
    // A well-formed cart goes straight to the reservation, which finds any fault the catalogue
    // would; the cart is read against the catalogue first only to name every mistake at once.
    if (addressChecks.any || !isWellFormedCart(input)) {
      const checks = new InputChecks();
      await checkCart(ctx.em, input, ['input'], checks);
      checks.push(...addressChecks.errors);
      if (checks.any) return { errors: checks.errors };
    }
    const shopId = input.shopId;

    const limits = unpaidLimits(ctx.config);
    const ttl = ctx.config.shopOrderTtlMinutes;
    // Drawn now, so the key's claim stores the result and the transaction's end writes nothing.
    const orderId = crypto.randomUUID();
    const work = async (em: EntityManager) => {
      // First, so one consumer's confirmations take turns before any stock is touched.
      const held = await lockUnpaidHoldings(em, viewer.id, limits);
      const snapshot = await reserveStock(em, shopId, input.products, ['input', 'products']).catch(
        async (err: unknown) => {
          // Short: a line the catalogue refuses is named as checkCart names it, else the stock.
          if (!(err instanceof BusinessError)) throw err;
          const cart = new InputChecks();
          await checkCart(em, input, ['input'], cart);
          throw cart.any ? new BusinessError(cart.errors) : err;
        },
      );
      const priced = priceLines(input.products, snapshot);
      const fits = new InputChecks();
      checkPayment(priced.payment, ['input'], fits);
      fits.throwIfAny();
      refuseOverLimits(held, { units: priced.totalAmount, value: priced.payment }, limits, [
        'input',
        'products',
      ]);
      if (priced.payment.lte(0)) {
        throw BusinessError.of(ErrorCode.INVALID_INPUT, 'An order must cost more than 0.00.', [
          'input',
          'products',
        ]);
      }
      const order = await createOrder(
        em,
        {
          id: orderId,
          kind: OrderKind.SHOP,
          consumerId: viewer.id,
          payment: priced.payment,
          actorId: viewer.id,
          data: { shopId, totalAmount: priced.totalAmount },
        },
        ({ id, createdAt }) => shopOrderRows(id, shopId, address, priced, expiryOf(createdAt, ttl)),
      );
      return { stored: { orderId }, payload: { order, errors: [] } };
    };
    const request = {
      consumerId: viewer.id,
      key: idempotencyKey ?? null,
      operation: 'confirmShopOrder',
      input: plain(input),
      result: { orderId },
    };
    return runIdempotent(ctx.em, request, work, async (stored) => ({
      order: await committedOrder(ctx.em, stored.orderId),
      errors: [],
    }));
  }

  /**
   * The shop kind's guard, before payOrder (or staff) debits and moves an order to PAID:
   * INVALID_TRANSITION once its unpaid time has run out.
   */
  async refuseExpiredPayment(ctx: TxContext, order: Order, to: OrderStatus): Promise<void> {
    if (to !== OrderStatus.PAID) return;
    const [row] = await ctx.em.execute<{ expires_at: Date | string | null }[]>(
      `select expires_at from shop_orders where order_id = ?`,
      [order.id],
    );
    if (!row) throw new Error(`shop order ${order.id} has no shop_orders row`);
    const expiresAt = row.expires_at == null ? null : new Date(row.expires_at);
    if (expiresAt && expiresAt.getTime() <= Date.now()) {
      throw BusinessError.of(
        ErrorCode.INVALID_TRANSITION,
        `This order expired unpaid at ${expiresAt.toISOString()}; it can no longer be paid.`,
        ['orderId'],
      );
    }
  }

  /** payOrder's hook, after the debit and the move to PAID: records the pay type, returns the product ids. */
  async afterPaid(
    ctx: TxContext,
    order: Order,
    payType: PayType,
  ): Promise<{ productIds: string[] }> {
    // One plain statement, not em.find + flush: one column is written and one read.
    const lines = await ctx.em.execute<{ product_id: string }[]>(
      `with paid as (update shop_orders set pay_type = ? where order_id = ?)
       select product_id from shop_order_lines where order_id = ? order by line_no`,
      [payType, order.id, order.id],
    );
    return { productIds: lines.map((l) => String(l.product_id)) };
  }

  /** cancelOrder's hook, after the move to CANCELLED: isCanceled, and the stock goes back. */
  async afterCancelled(ctx: TxContext, order: Order): Promise<void> {
    await this.callOff(ctx.em, order);
  }

  /** Marks the order called off and gives its stock back (cancellation and expiry alike). */
  async callOff(em: EntityManager, order: Order): Promise<void> {
    const row = await em.findOneOrFail(ShopOrderRow, { order: order.id });
    row.isCanceled = true;
    await releaseStock(em, order.id);
  }
}

export const shopOrders = new ShopOrderService();
