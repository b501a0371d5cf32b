import Decimal from 'decimal.js';

// The service's formulas (docs/insurance.md), in exact decimals: the form shows what
// the service will check, and the service answers PRICE_MISMATCH with its own figures if not.

export function sum(prices: readonly string[]): string {
  return prices.reduce((total, p) => total.plus(p), new Decimal(0)).toFixed(2);
}

/** round½↑(summary × (1 + serviceRatio)) − promotion price. */
export function planPayment(summary: string, serviceRatio: string, promotion?: string): string {
  const ratio = /^\d+(\.\d+)?$/.test(serviceRatio.trim()) ? serviceRatio.trim() : '0';
  return new Decimal(summary)
    .times(new Decimal(1).plus(ratio))
    .toDecimalPlaces(2, Decimal.ROUND_HALF_UP)
    .minus(promotion ?? 0)
    .toFixed(2);
}

export function times(amount: string, count: number): string {
  return new Decimal(amount).times(count).toFixed(2);
}
