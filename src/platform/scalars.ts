import { GraphQLScalarType, Kind, type ValueNode } from 'graphql';
import { Decimal, toMoneyString } from './money.ts';
import { badInput } from './errors.ts';

function parseDecimal(raw: unknown): Decimal {
  if (typeof raw !== 'string' && typeof raw !== 'number') {
    throw badInput('Decimal must be a string or a number, e.g. "60005.00".');
  }
  const text = String(raw).trim();
  // Only plain decimal notation: no exponents, hex, NaN or Infinity slipping through decimal.js.
  const parts = /^-?\d{1,12}(?:\.(\d+))?$/.exec(text);
  if (!parts) {
    throw badInput(`"${text.slice(0, 40)}" is not a decimal amount (at most 12 integer digits).`);
  }
  // Counted in what the caller wrote, so "1.500" is refused like "1.501": a third place is
  // a precision money does not have, whatever its digit.
  if ((parts[1]?.length ?? 0) > 2) {
    throw badInput(`"${text}" has more than two decimal places.`);
  }
  return new Decimal(text);
}

export const DecimalScalar = new GraphQLScalarType<Decimal, string>({
  name: 'Decimal',
  description:
    'Money in CNY, serialized as a decimal string with exactly two places ("60005.00"). Input accepts a string or a number; a value with more than two decimal places, counted as written ("1.5" and "1.50" are accepted, "1.500" is refused like "1.501"), NaN or Infinity is rejected as BAD_USER_INPUT.',
  serialize(value) {
    if (value instanceof Decimal) return toMoneyString(value);
    if (typeof value === 'string' || typeof value === 'number')
      return toMoneyString(new Decimal(value));
    throw new TypeError('Decimal cannot serialize this value');
  },
  parseValue: parseDecimal,
  parseLiteral(ast: ValueNode) {
    if (ast.kind === Kind.STRING || ast.kind === Kind.INT || ast.kind === Kind.FLOAT) {
      return parseDecimal(ast.value);
    }
    throw badInput('Decimal must be a string or a number literal.');
  },
});

const DATE_TIME =
  /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2})(\.\d{1,9})?)?(Z|[+-](\d{2}):?(\d{2}))$/;

function daysInMonth(year: number, month: number): number {
  const leap = (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
  return [31, leap ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][month - 1];
}

function parseDate(raw: unknown): Date {
  if (typeof raw !== 'string') throw badInput('DateTime must be an ISO-8601 string.');
  const shown = raw.slice(0, 40);
  // Require a date, a time and a zone so "2026-11-21" is not silently read as UTC midnight.
  const parts = DATE_TIME.exec(raw);
  if (!parts) throw badInput(`"${shown}" is not an ISO-8601 date-time with a zone.`);
  // Seconds and the offset are optional groups (undefined when absent, which Number makes NaN):
  // an absent part counts as 0.
  const [year, month, day, hour, minute, second] = parts.slice(1, 7).map((p) => Number(p ?? 0));
  const [offsetHours, offsetMinutes] = parts.slice(9, 11).map((p) => Number(p ?? 0));
  // JavaScript's Date rolls impossible parts over (30 February is 2 March, 24:00 the next
  // day): every part must be in range, so the instant is the one the caller wrote.
  if (
    month < 1 ||
    month > 12 ||
    day < 1 ||
    day > daysInMonth(year, month) ||
    hour > 23 ||
    minute > 59 ||
    second > 59 ||
    offsetHours > 23 ||
    offsetMinutes > 59
  ) {
    throw badInput(`"${shown}" is not a valid date-time.`);
  }
  const date = new Date(raw);
  if (Number.isNaN(date.getTime())) throw badInput(`"${shown}" is not a valid date-time.`);
  // PostgreSQL has no year 0, and a year past 9999 would not read back in through this scalar.
  const utcYear = date.getUTCFullYear();
  if (utcYear < 1 || utcYear > 9999) {
    throw badInput(`"${shown}" is outside the years 0001 to 9999 (UTC).`);
  }
  return date;
}

export const DateTimeScalar = new GraphQLScalarType<Date, string>({
  name: 'DateTime',
  description:
    'ISO-8601 date-time, serialized in UTC with milliseconds ("2026-11-21T08:00:00.000Z").',
  serialize(value) {
    const date = value instanceof Date ? value : new Date(value as string);
    if (Number.isNaN(date.getTime())) throw new TypeError('DateTime cannot serialize this value');
    return date.toISOString();
  },
  parseValue: parseDate,
  parseLiteral(ast) {
    if (ast.kind !== Kind.STRING) throw badInput('DateTime must be a string.');
    return parseDate(ast.value);
  },
});

function literalToJson(ast: ValueNode, variables?: Record<string, unknown> | null): unknown {
  switch (ast.kind) {
    case Kind.STRING:
    case Kind.BOOLEAN:
      return ast.value;
    case Kind.INT:
    case Kind.FLOAT:
      return Number(ast.value);
    case Kind.OBJECT:
      return Object.fromEntries(
        ast.fields.map((f) => [f.name.value, literalToJson(f.value, variables)]),
      );
    case Kind.LIST:
      return ast.values.map((v) => literalToJson(v, variables));
    case Kind.NULL:
      return null;
    case Kind.VARIABLE:
      return variables ? variables[ast.name.value] : undefined;
    default:
      throw badInput('Unsupported JSON literal.');
  }
}

export const JSONScalar = new GraphQLScalarType<unknown, unknown>({
  name: 'JSON',
  description: 'Any JSON value.',
  serialize: (value) => value,
  parseValue: (value) => value,
  parseLiteral: literalToJson,
});
