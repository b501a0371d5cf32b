import fc from 'fast-check';
import {
  getNamedType,
  isEnumType,
  isInputObjectType,
  isListType,
  isNonNullType,
  isScalarType,
  type GraphQLArgument,
  type GraphQLInputType,
} from 'graphql';

/**
 * fast-check arbitraries for hostile input, driven by the schema: whatever argument a mutation
 * declares, `valueOf(type)` makes values of that type that are odd (unicode, lengths, edges of
 * ranges), malformed (wrong scalars, nested garbage) or, for ids, real ones from `idPool`, so
 * the calls also get past "not found" into the rules.
 */

const INT_MIN = -2147483648;
const INT_MAX = 2147483647;

/** Strings people do not type: control characters, NUL, lone surrogates, RTL, emoji, huge. */
export const oddString: fc.Arbitrary<string> = fc.oneof(
  fc.string({ maxLength: 40 }),
  fc.string({ unit: 'binary', maxLength: 40 }),
  fc.string({ unit: 'grapheme', maxLength: 20 }),
  fc.constantFrom(
    '',
    ' ',
    '\u0000',
    'a\u0000b',
    '\uD800',
    '\uDFFFx',
    '\u202Eevil',
    '\uFEFF',
    '👨‍👩‍👧‍👦',
    'Ａ１２',
    "'; drop table orders; --",
    '%_\\',
    '\t\n\r',
    'null',
    '0',
    '-1',
    '1e309',
    'https://photos.example.com/\u0000.jpg',
    'http://[::1]:99999/x',
    'javascript:alert(1)',
  ),
  fc
    .tuple(fc.constantFrom('a', '中', '😀', ' ', '\u0301'), fc.integer({ min: 200, max: 20_000 }))
    .map(([c, n]) => c.repeat(n)),
);

/** Ids: real ones, random UUIDs, and everything an id must not be. */
export function idArbitrary(idPool: string[]): fc.Arbitrary<string> {
  return fc.oneof(
    // Read at generation time: the pool grows as the tests make objects.
    {
      weight: 3,
      arbitrary: fc.nat().map((i) => (idPool.length ? idPool[i % idPool.length] : '1')),
    },
    { weight: 1, arbitrary: fc.uuid() },
    {
      weight: 2,
      arbitrary: fc.constantFrom(
        '0',
        '-1',
        '1',
        '1.5',
        ' 1',
        '99999999999999999999',
        '9223372036854775808',
        '00000000-0000-0000-0000-000000000000',
        'FFFFFFFF-FFFF-FFFF-FFFF-FFFFFFFFFFFF',
      ),
    },
    { weight: 1, arbitrary: oddString },
  );
}

const oddInt = fc.oneof(
  fc.integer({ min: INT_MIN, max: INT_MAX }),
  fc.integer({ min: -5, max: 5 }),
  fc.constantFrom(0, -1, 1, INT_MAX, INT_MIN, 1_000_000_000),
);

const oddFloat = fc.oneof(
  fc.double({ noNaN: true, noDefaultInfinity: true }),
  fc.constantFrom(0, -0, 0.1, 1e-7, 0.00005, 1.5, -1, 1e308, 5e-324, 0.99999),
);

const oddDecimal = fc.oneof(
  fc.integer({ min: -1_000_000, max: 1_000_000 }).map((cents) => (cents / 100).toFixed(2)),
  fc.constantFrom(
    '0',
    '0.00',
    '-0.01',
    '0.001',
    '1e3',
    '1e308',
    'NaN',
    'Infinity',
    '',
    ' 1 ',
    '１２',
    '999999999999.99',
    '9999999999999',
    '0x10',
  ),
  fc.constantFrom(1.5, 1e21, -0, 0.1 + 0.2, 12),
);

const oddDateTime = fc.oneof(
  fc
    .integer({ min: -400 * 24 * 3600, max: 400 * 24 * 3600 })
    .map((s) => new Date(Date.now() + s * 1000).toISOString()),
  fc.date({ noInvalidDate: true }).map((d) => d.toISOString()),
  fc.constantFrom(
    '0000-01-01T00:00:00Z',
    '0001-01-01T00:00:00.000Z',
    '9999-12-31T23:59:59.999Z',
    '2026-02-30T00:00:00Z',
    '2026-13-45T25:61:00Z',
    '2026-11-22',
    '2026-11-22T08:00:00+14:00',
    'yesterday',
    '',
  ),
  fc.constantFrom(0, 1_700_000_000_000),
);

/** Whatever JSON a caller may send where something else was expected. */
const garbage: fc.Arbitrary<unknown> = fc.oneof(
  fc.constantFrom(null, true, [], {}, [[]], { a: { b: [1, '2', null] } }, '{"x":1}'),
  fc.jsonValue({ maxDepth: 3 }),
);

export interface ValueOptions {
  idPool: string[];
  /** Chance (0..1) of a wrong-type value anywhere: coercion errors, not deep calls. */
  garbageRate?: number;
}

function wrapGarbage<T>(arb: fc.Arbitrary<T>, rate: number): fc.Arbitrary<unknown> {
  if (rate <= 0) return arb;
  const weight = Math.max(1, Math.round(rate * 100));
  return fc.oneof(
    { weight: 100 - weight, arbitrary: arb as fc.Arbitrary<unknown> },
    { weight, arbitrary: garbage },
  );
}

/** Values of one GraphQL input type, mostly well-typed but odd. */
export function valueOf(type: GraphQLInputType, options: ValueOptions): fc.Arbitrary<unknown> {
  const rate = options.garbageRate ?? 0.05;
  if (isNonNullType(type)) return valueOf(type.ofType, options);
  if (isListType(type)) {
    const item = valueOf(type.ofType, options);
    return wrapGarbage(
      fc.oneof(
        { weight: 5, arbitrary: fc.array(item, { maxLength: 4 }) },
        { weight: 1, arbitrary: fc.constant([]) },
        { weight: 1, arbitrary: fc.array(item, { minLength: 20, maxLength: 60 }) },
      ),
      rate,
    );
  }
  if (isInputObjectType(type)) {
    const fields = type.getFields();
    const model: Record<string, fc.Arbitrary<unknown>> = {};
    for (const [name, field] of Object.entries(fields)) {
      const value = valueOf(field.type, options);
      model[name] = isNonNullType(field.type)
        ? value
        : fc.oneof(fc.constant(undefined), fc.constant(null), value);
    }
    return wrapGarbage(fc.record(model), rate);
  }
  if (isEnumType(type)) {
    const names = type.getValues().map((v) => v.name);
    return fc.oneof(
      { weight: 9, arbitrary: fc.constantFrom(...names) },
      { weight: 1, arbitrary: fc.constantFrom('NOT_A_VALUE', names[0].toLowerCase()) },
    );
  }
  if (isScalarType(type)) {
    const scalar: Record<string, fc.Arbitrary<unknown>> = {
      String: oddString,
      ID: idArbitrary(options.idPool),
      Int: oddInt,
      Float: oddFloat,
      Boolean: fc.boolean(),
      Decimal: oddDecimal,
      DateTime: oddDateTime,
      JSON: garbage,
    };
    const arb = scalar[type.name];
    if (!arb) throw new Error(`no arbitrary for scalar ${type.name}`);
    return wrapGarbage(arb, rate);
  }
  throw new Error(`no arbitrary for ${String(getNamedType(type))}`);
}

/** Variables for a field's arguments (a nullable argument is sometimes left out). */
export function argumentsOf(
  args: readonly GraphQLArgument[],
  options: ValueOptions,
): fc.Arbitrary<Record<string, unknown>> {
  const model: Record<string, fc.Arbitrary<unknown>> = {};
  for (const arg of args) {
    const value = valueOf(arg.type, options);
    model[arg.name] = isNonNullType(arg.type) ? value : fc.oneof(fc.constant(undefined), value);
  }
  return fc.record(model);
}

/** The GraphQL input type found by following `path` (field names, list indexes) from `type`. */
export function typeAt(
  type: GraphQLInputType,
  path: (string | number)[],
): GraphQLInputType | undefined {
  let current: GraphQLInputType = type;
  for (const step of path) {
    while (isNonNullType(current)) current = current.ofType;
    if (typeof step === 'number') {
      if (!isListType(current)) return undefined;
      current = current.ofType;
    } else {
      if (!isInputObjectType(current)) return undefined;
      const field = current.getFields()[step];
      if (!field) return undefined;
      current = field.type;
    }
  }
  return current;
}

/** Every path into a JSON value: the whole, each object field and list item, down to the leaves. */
export function nodePaths(value: unknown, prefix: (string | number)[] = []): (string | number)[][] {
  if (Array.isArray(value)) {
    if (value.length === 0) return [prefix];
    return [prefix, ...value.flatMap((v, i) => nodePaths(v, [...prefix, i]))];
  }
  if (value && typeof value === 'object') {
    const entries = Object.entries(value);
    if (entries.length === 0) return [prefix];
    return [prefix, ...entries.flatMap(([k, v]) => nodePaths(v, [...prefix, k]))];
  }
  return [prefix];
}

/** A copy of `value` with the thing at `path` replaced. */
export function replaceAt(value: unknown, path: (string | number)[], next: unknown): unknown {
  if (path.length === 0) return next;
  const [head, ...rest] = path;
  const copy: any = Array.isArray(value) ? [...value] : { ...(value as object) };
  copy[head] = replaceAt(copy[head], rest, next);
  return copy;
}
