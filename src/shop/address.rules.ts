import { ErrorCode, type FieldPath } from '../platform/errors.ts';
import type { InputChecks } from '../platform/input.rules.ts';
import type { AddressInput } from './shop.input.ts';

/** Limits of the address fields; the table's CHECK constraints say the same. */
export const ADDRESS_LIMITS = { recipient: 50, address: 200 } as const;

/** Digits, spaces, dashes and parentheses inside, an optional leading "+": 13800138000, +86 138-0013-8000, 010-62345678. */
export const TEL_PATTERN = /^\+?[0-9][0-9 ()-]{3,22}[0-9]$/;
const TEL_DIGITS = { min: 5, max: 15 } as const;

export interface CheckedAddress {
  recipient: string;
  address: string;
  telNum: string;
}

/**
 * Checks an addressInfo: recipient and address non-empty and of sane length, and a
 * telephone number that looks like one. Returns the trimmed address; records INVALID_INPUT
 * in `checks` with `field` = `path` plus the field's name.
 */
export function checkAddress(
  input: AddressInput,
  path: FieldPath,
  checks: InputChecks,
): CheckedAddress {
  const recipient = checks.text(input.recipient, ADDRESS_LIMITS.recipient, 'The recipient', [
    ...path,
    'recipient',
  ]);
  const address = checks.text(input.address, ADDRESS_LIMITS.address, 'The address', [
    ...path,
    'address',
  ]);
  const telNum = input.telNum.trim();
  const digits = telNum.replace(/\D/g, '').length;
  if (!TEL_PATTERN.test(telNum) || digits < TEL_DIGITS.min || digits > TEL_DIGITS.max) {
    checks.add(
      ErrorCode.INVALID_INPUT,
      `"${telNum.slice(0, 30)}" does not look like a telephone number: use ${TEL_DIGITS.min} to ${TEL_DIGITS.max} digits, with spaces, dashes or a leading + if you like.`,
      [...path, 'telNum'],
    );
  }
  return { recipient, address, telNum };
}
