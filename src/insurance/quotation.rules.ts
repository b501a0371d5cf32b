import type { EntityManager } from '@mikro-orm/postgresql';
import {
  BusinessError,
  ErrorCode,
  userError,
  type UserError,
  type FieldPath,
} from '../platform/errors.ts';
import { Order, OrderKind } from '../platform/orders/order.entity.ts';
import { Decimal, toMoneyString } from '../platform/money.ts';
import { planPayment, planPaymentFormula } from './insurance-pricing.rules.ts';

export interface Validity {
  validFrom: Date;
  validUntil: Date;
  withdrawnAt?: Date | null;
}

/** True while the quotation can be ordered and paid for: in [validFrom, validUntil), not withdrawn. */
export function isValidAt(q: Validity, now: Date): boolean {
  return !q.withdrawnAt && q.validFrom <= now && now < q.validUntil;
}

/**
 * Why the quotation cannot be ordered or paid for at `now`, as an error at `field`: withdrawn
 * or past its window (QUOTATION_EXPIRED), or not valid yet (INVALID_INPUT). Undefined while
 * it is valid.
 */
export function quotationRefusal(q: Validity, now: Date, field: FieldPath): UserError | undefined {
  if (q.withdrawnAt) {
    return userError(
      ErrorCode.QUOTATION_EXPIRED,
      `The quotation was withdrawn at ${q.withdrawnAt.toISOString()}; ask for a new one.`,
      field,
    );
  }
  if (now >= q.validUntil) {
    return userError(
      ErrorCode.QUOTATION_EXPIRED,
      `The quotation expired at ${q.validUntil.toISOString()}; ask for a new one.`,
      field,
    );
  }
  if (now < q.validFrom) {
    return userError(
      ErrorCode.INVALID_INPUT,
      `The quotation is valid from ${q.validFrom.toISOString()}, not yet.`,
      field,
    );
  }
  return undefined;
}

const dateOf = (value: Date | string | null) => (value == null ? null : new Date(value));

/**
 * Before payment (the kinds' guard, for payOrder or staff recording an offline payment), in its
 * transaction: a plan or sale order's quotation must still be valid (QUOTATION_EXPIRED) and the
 * price must still be what the order says: the quoted prices of its items, and for a plan
 * order its service ratio and the promotion as it is now (PRICE_MISMATCH when a promotion
 * was changed or ended since). Either refusal rolls the whole payment back.
 */
export async function recheckQuotedPrice(
  em: EntityManager,
  order: Order,
  now: Date = new Date(),
): Promise<void> {
  const table = order.kind === OrderKind.PLAN ? 'plan_order_ext' : 'sale_order_ext';
  const [row] = await em.execute<
    {
      valid_from: Date | string;
      valid_until: Date | string;
      withdrawn_at: Date | string | null;
      items_now: string | null;
    }[]
  >(
    `select q.valid_from, q.valid_until, q.withdrawn_at,
            (select sum(qi.price) from insurance_order_items i
               join quoted_items qi on qi.quotation_id = i.quotation_id and qi.plan_item_id = i.plan_item_id
              where i.order_id = x.order_id) as items_now
       from ${table} x join quotations q on q.id = x.quotation_id where x.order_id = ?`,
    [order.id],
  );
  // An order with no quotation row has no quoted price to check.
  if (!row) return;
  const validity = {
    validFrom: dateOf(row.valid_from)!,
    validUntil: dateOf(row.valid_until)!,
    withdrawnAt: dateOf(row.withdrawn_at),
  };
  const refusal = quotationRefusal(validity, now, ['orderId']);
  if (refusal) throw new BusinessError([refusal]);
  const summary = new Decimal(row.items_now ?? 0);
  let payment = summary;
  let formula = `${toMoneyString(summary)} (the quoted items)`;
  if (order.kind === OrderKind.PLAN) {
    const [plan] = await em.execute<
      { service_ratio: string; price: string | null; active: boolean | null }[]
    >(
      `select x.service_ratio, p.price, p.active
         from plan_order_ext x left join promotions p on p.id = x.promotion_id where x.order_id = ?`,
      [order.id],
    );
    const ratio = new Decimal(plan.service_ratio);
    const promotion = plan.active && plan.price ? new Decimal(plan.price) : undefined;
    payment = planPayment(summary, ratio, promotion);
    formula = planPaymentFormula(summary, ratio, promotion);
  }
  if (!payment.eq(order.payment)) {
    throw BusinessError.of(
      ErrorCode.PRICE_MISMATCH,
      `The price changed since the order was placed: it is now ${toMoneyString(payment)} = ${formula}, not ${toMoneyString(order.payment)}. Cancel the order and place it again.`,
      ['orderId'],
    );
  }
}
