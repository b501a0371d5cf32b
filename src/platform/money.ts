import { Decimal } from 'decimal.js';
import { Type, type Platform, type EntityProperty } from '@mikro-orm/core';

/** Money is decimal.js end to end: exact, two places at rest, never a float. */
export { Decimal };
export type Money = Decimal;

export const ZERO = new Decimal(0);

export function money(value: Decimal.Value): Decimal {
  return new Decimal(value);
}

/** Two places, rounded half-up: how amounts are stored and shown. */
export function toMoneyString(value: Decimal): string {
  return value.toFixed(2, Decimal.ROUND_HALF_UP);
}

export function sum(values: Iterable<Decimal>): Decimal {
  let total = ZERO;
  for (const v of values) total = total.plus(v);
  return total;
}

/** MikroORM mapping of a `numeric(14, 2)` column to a Decimal. */
export class MoneyType extends Type<Decimal | null | undefined, string | null | undefined> {
  override convertToDatabaseValue(
    value: Decimal | string | null | undefined,
  ): string | null | undefined {
    if (value === null || value === undefined) return value;
    return toMoneyString(new Decimal(value));
  }

  override convertToJSValue(
    value: Decimal | string | null | undefined,
  ): Decimal | null | undefined {
    if (value === null || value === undefined) return value;
    return new Decimal(value);
  }

  override compareAsType(): string {
    return 'string';
  }

  override getColumnType(_prop: EntityProperty, _platform: Platform): string {
    return 'numeric(14,2)';
  }
}
