import type { EntityManager } from '@mikro-orm/postgresql';
import type { Config } from '../platform/config.ts';
import { ErrorCode, type FieldPath } from '../platform/errors.ts';
import { InputChecks } from '../platform/input.rules.ts';
import { Decimal, toMoneyString } from '../platform/money.ts';
import type { ShopOrderLimits } from './shop-catalog.types.ts';

/**
 * What one consumer may hold in unpaid shop orders at once. An unpaid order holds its stock
 * until it is paid, cancelled or expires (SHOP_ORDER_TTL_MINUTES): without a bound, one
 * consumer could hold every unit of every shop, again and again. Null: no limit.
 */
export interface UnpaidLimits {
  orders: number | null;
  units: number | null;
  value: Decimal | null;
}

export function unpaidLimits(config: Config): UnpaidLimits {
  const positive = (n: number) => (n > 0 ? n : null);
  return {
    orders: positive(config.shopMaxUnpaidOrders),
    units: positive(config.shopMaxUnpaidUnits),
    value: config.shopMaxUnpaidValue > 0 ? new Decimal(config.shopMaxUnpaidValue) : null,
  };
}

/** The limits and the unpaid-order lifetime as Query.shopOrderLimits shows them. */
export function describeLimits(config: Config): ShopOrderLimits {
  const limits = unpaidLimits(config);
  return {
    maxUnpaidOrders: limits.orders,
    maxUnpaidUnits: limits.units,
    maxUnpaidValue: limits.value,
    unpaidOrderTtlMinutes: config.shopOrderTtlMinutes > 0 ? config.shopOrderTtlMinutes : null,
  };
}

export interface UnpaidHoldings {
  orders: number;
  units: number;
  value: Decimal;
}

/**
 * What `consumerId` holds unpaid now (orders waiting for payment, their items and payment),
 * read under a per-consumer transaction lock: two confirmations of one consumer take turns
 * here, so neither can slip past the limit on a count the other is about to raise. Costs
 * nothing when there is no limit.
 */
export async function lockUnpaidHoldings(
  em: EntityManager,
  consumerId: string,
  limits: UnpaidLimits,
): Promise<UnpaidHoldings | undefined> {
  if (limits.orders === null && limits.units === null && limits.value === null) return undefined;
  await em.execute(`select pg_advisory_xact_lock(hashtextextended(?, 0))`, [
    `shop-unpaid:${consumerId}`,
  ]);
  const [row] = await em.execute<{ orders: string; units: string; value: string }[]>(
    `select count(*) as orders, coalesce(sum(s.total_amount), 0) as units,
            coalesce(sum(o.payment), 0) as value
       from orders o join shop_orders s on s.order_id = o.id
      where o.consumer_id = ? and o.kind = 'SHOP' and o.status = 'PENDING_PAYMENT'`,
    [consumerId],
  );
  return { orders: Number(row.orders), units: Number(row.units), value: new Decimal(row.value) };
}

/**
 * UNPAID_LIMIT_REACHED for each limit one more order of `units` items costing `value` would
 * pass, on top of what the consumer already holds unpaid.
 */
export function refuseOverLimits(
  held: UnpaidHoldings | undefined,
  order: { units: number; value: Decimal },
  limits: UnpaidLimits,
  field: FieldPath,
): void {
  if (!held) return;
  const checks = new InputChecks();
  const over = (message: string) => checks.add(ErrorCode.UNPAID_LIMIT_REACHED, message, field);
  if (limits.orders !== null && held.orders + 1 > limits.orders) {
    over(
      `You already have ${held.orders} unpaid shop orders, the most one consumer may have; pay or cancel one first.`,
    );
  }
  if (limits.units !== null && held.units + order.units > limits.units) {
    over(
      `Unpaid orders may hold ${limits.units} items in all; you hold ${held.units} and this order adds ${order.units}.`,
    );
  }
  if (limits.value !== null && held.value.plus(order.value).gt(limits.value)) {
    over(
      `Unpaid orders may come to ${toMoneyString(limits.value)} in all; yours come to ${toMoneyString(held.value)} and this order adds ${toMoneyString(order.value)}.`,
    );
  }
  checks.throwIfAny();
}
