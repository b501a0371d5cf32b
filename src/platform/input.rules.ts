import { BusinessError, ErrorCode, userError, type UserError, type FieldPath } from './errors.ts';
import { Decimal, toMoneyString } from './money.ts';

// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u001f\u007f]/;

/** The largest amount a numeric(14, 2) column holds. */
export const MAX_MONEY = new Decimal('999999999999.99');

/**
 * Trims `value` and records INVALID_INPUT at `field` when it is empty, longer than `max`
 * characters (counted as code points) or holds control characters. Returns the trimmed text.
 */
export function checkText(
  value: string,
  max: number,
  label: string,
  field: FieldPath,
  errors: UserError[],
): string {
  const text = value.trim();
  const length = [...text].length;
  if (length === 0) errors.push(userError(ErrorCode.INVALID_INPUT, `${label} is empty.`, field));
  else if (length > max) {
    errors.push(
      userError(ErrorCode.INVALID_INPUT, `${label} is longer than ${max} characters.`, field),
    );
  } else if (CONTROL.test(text)) {
    errors.push(userError(ErrorCode.INVALID_INPUT, `${label} has control characters.`, field));
  }
  return text;
}

/**
 * Everything wrong with one input, collected so the client hears it all at once; `throwIfAny`
 * turns the findings into a BusinessError (the transaction rolls back, nothing is saved).
 */
export class InputChecks {
  readonly errors: UserError[] = [];

  add(code: ErrorCode, message: string, field: FieldPath): void {
    this.errors.push(userError(code, message, field));
  }

  text(value: string, max: number, label: string, field: FieldPath): string {
    return checkText(value, max, label, field, this.errors);
  }

  /** An update input's text field: checked when given, undefined ("leave it") when not. */
  optionalText(value: string | null | undefined, max: number, label: string, field: FieldPath) {
    return value == null ? undefined : this.text(value, max, label, field);
  }

  /** An update input's money field: checked when given, undefined when not. */
  optionalMoney(
    value: Decimal | null | undefined,
    label: string,
    field: FieldPath,
    positive = false,
  ) {
    return value == null ? undefined : this.money(value, label, field, positive);
  }

  /** A price or amount: at least 0 (more than 0 when `positive`) and within numeric(14, 2). */
  money(value: Decimal, label: string, field: FieldPath, positive = false): Decimal {
    if (positive ? value.lte(0) : value.isNeg()) {
      this.add(
        ErrorCode.INVALID_INPUT,
        `${label} must be ${positive ? 'more than' : 'at least'} 0.00, not ${toMoneyString(value)}.`,
        field,
      );
    } else if (value.gt(MAX_MONEY)) {
      this.add(ErrorCode.INVALID_INPUT, `${label} is above ${toMoneyString(MAX_MONEY)}.`, field);
    }
    return value;
  }

  /** An integer from `min` to `max`. */
  int(value: number, min: number, max: number, label: string, field: FieldPath): number {
    if (!Number.isInteger(value) || value < min || value > max) {
      this.add(ErrorCode.INVALID_INPUT, `${label} must be ${min} to ${max}, not ${value}.`, field);
    }
    return value;
  }

  /** A list of 1 to `max` entries. */
  list(values: readonly unknown[], max: number, label: string, field: FieldPath): boolean {
    if (values.length >= 1 && values.length <= max) return true;
    this.add(
      ErrorCode.INVALID_INPUT,
      `${label}: 1 to ${max} are needed, not ${values.length}.`,
      field,
    );
    return false;
  }

  throwIfAny(): void {
    if (this.errors.length > 0) throw new BusinessError(this.errors);
  }
}
