import { Decimal, toMoneyString, ZERO } from '../platform/money.ts';

/** Limits on what one order may hold; past them the input is INVALID_INPUT. */
export const ORDER_LIMITS = {
  plansPerOrder: 20,
  itemsPerOrder: 100,
  driversPerOrder: 10,
  /** Service ratios are fractions of the summary, 0 to 1, with at most four places. */
  maxServiceRatio: new Decimal(1),
  serviceRatioPlaces: 4,
} as const;

/**
 * The service ratio as an exact Decimal, read from the Float's shortest string form (0.05 is
 * "0.05", not 0.05000000000000000277); undefined when it is not a finite number in [0, 1]
 * with at most four decimal places.
 */
export function parseServiceRatio(ratio: number): Decimal | undefined {
  if (!Number.isFinite(ratio)) return undefined;
  const value = new Decimal(String(ratio));
  if (value.isNeg() || value.gt(ORDER_LIMITS.maxServiceRatio)) return undefined;
  if (value.decimalPlaces() > ORDER_LIMITS.serviceRatioPlaces) return undefined;
  return value;
}

/**
 * The contract's payment of a plan order: summary * (1 + serviceRatio), rounded half-up to
 * cents, less the promotion's price when there is one.
 */
export function planPayment(summary: Decimal, serviceRatio: Decimal, promotion?: Decimal): Decimal {
  const gross = summary.times(serviceRatio.plus(1)).toDecimalPlaces(2, Decimal.ROUND_HALF_UP);
  return gross.minus(promotion ?? ZERO);
}

/** "6000.00 × (1 + 0.05) − 500.00": how the server got a plan order's payment, for messages. */
export function planPaymentFormula(
  summary: Decimal,
  serviceRatio: Decimal,
  promotion?: Decimal,
): string {
  const base = `${toMoneyString(summary)} × (1 + ${serviceRatio.toString()})`;
  return promotion ? `${base} − ${toMoneyString(promotion)}` : base;
}

/** One year after `from` (a 29 February start stops on 1 March). */
export function oneYearAfter(from: Date): Date {
  const stop = new Date(from);
  stop.setUTCFullYear(stop.getUTCFullYear() + 1);
  return stop;
}
