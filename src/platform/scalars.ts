import { GraphQLScalarType, Kind, type ValueNode } from 'graphql';
import { Decimal, hasAtMostTwoPlaces, toMoneyString } from './money';
import { badInput } from './errors';

function parseDecimal(raw: unknown): Decimal {
  if (typeof raw !== 'string' && typeof raw !== 'number') {
    throw badInput('Decimal must be a string or a number, e.g. "60005.00".');
  }
  const text = String(raw).trim();
  // Only plain decimal notation: no exponents, hex, NaN or Infinity slipping through decimal.js.
  if (!/^-?\d{1,12}(\.\d+)?$/.test(text)) {
    throw badInput(`"${text.slice(0, 40)}" is not a decimal amount (at most 12 integer digits).`);
  }
  const value = new Decimal(text);
  if (!hasAtMostTwoPlaces(value)) {
    throw badInput(`"${text}" has more than two decimal places.`);
  }
  return value;
}

export const DecimalScalar = new GraphQLScalarType<Decimal, string>({
  name: 'Decimal',
  description:
    'Money in CNY, serialized as a decimal string with exactly two places ("60005.00"). Input accepts a string or a number; a value with more than two decimal places, NaN or Infinity is rejected as BAD_USER_INPUT.',
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

function parseDate(raw: unknown): Date {
  if (typeof raw !== 'string') throw badInput('DateTime must be an ISO-8601 string.');
  // Require a date, a time and a zone so "2026-11-21" is not silently read as UTC midnight.
  if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:?\d{2})$/.test(raw)) {
    throw badInput(`"${raw.slice(0, 40)}" is not an ISO-8601 date-time with a zone.`);
  }
  const date = new Date(raw);
  if (Number.isNaN(date.getTime()))
    throw badInput(`"${raw.slice(0, 40)}" is not a valid date-time.`);
  // PostgreSQL has no year 0, and a year past 9999 would not read back in through this scalar.
  const year = date.getUTCFullYear();
  if (year < 1 || year > 9999) {
    throw badInput(`"${raw.slice(0, 40)}" is outside the years 0001 to 9999 (UTC).`);
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
