import { BusinessError, ErrorCode, userError, type UserError, type FieldPath } from './errors.ts';
import { Decimal, toMoneyString } from './money.ts';

// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u001f\u007f]/;

/** The largest amount a numeric(14, 2) column holds. */
export const MAX_MONEY = new Decimal('999999999999.99');

/**
 * The one collector of what is wrong with an input (every domain's rules write into it), so
 * the client hears everything at once; `throwIfAny` turns the findings into a BusinessError
 * (the transaction rolls back, nothing is saved). The helpers record INVALID_INPUT at `field`.
 */
export class InputChecks {
  readonly errors: UserError[] = [];

  add(code: ErrorCode, message: string, field: FieldPath): void {
    this.errors.push(userError(code, message, field));
  }

  /** Findings made elsewhere (a quotation's refusal, another check's list). */
  push(...errors: UserError[]): void {
    this.errors.push(...errors);
  }

  get any(): boolean {
    return this.errors.length > 0;
  }

  /** True when something other than `code` was found (prices cannot be judged on a bad order). */
  anyBut(code: ErrorCode): boolean {
    return this.errors.some((e) => e.code !== code);
  }

  /**
   * Trims `value` and records INVALID_INPUT when it is empty, longer than `max` characters
   * (counted as code points) or holds control characters. Returns the trimmed text.
   */
  text(value: string, max: number, label: string, field: FieldPath): string {
    const text = value.trim();
    const length = [...text].length;
    if (length === 0) this.add(ErrorCode.INVALID_INPUT, `${label} is empty.`, field);
    else if (length > max) {
      this.add(ErrorCode.INVALID_INPUT, `${label} is longer than ${max} characters.`, field);
    } else if (CONTROL.test(text)) {
      this.add(ErrorCode.INVALID_INPUT, `${label} has control characters.`, field);
    }
    return text;
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
    if (this.any) throw new BusinessError(this.errors);
  }
}
