import { readFileSync, readdirSync, existsSync } from 'node:fs';
import {
  Kind,
  buildSchema,
  getIntrospectionQuery,
  parse,
  print,
  visit,
  type ASTNode,
  type DocumentNode,
  type GraphQLSchema,
  type OperationDefinitionNode,
} from 'graphql';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../src/platform/config.ts';
import {
  checkBeforeValidation,
  checkQueryLimits,
  queryLimits,
} from '../../src/platform/graphql/query-limits.ts';
import { MAX_PAGE_SIZE } from '../../src/platform/pagination.ts';
import { DepositDocument } from '../generated/graphql.ts';
import { demo, startTestApp, type TestApp } from '../utils/test-app.ts';
import { connectWs, type WsConnection } from '../utils/ws-run.ts';

const DEFAULTS = queryLimits(loadConfig({}));

let t: TestApp; // default limits
let tight: TestApp; // small limits, to reach each one with a short query
const sql: string[] = [];
let token: string;
let tightToken: string;

beforeAll(async () => {
  [t, tight] = await Promise.all([
    startTestApp({ onQuery: (s) => sql.push(s) }),
    startTestApp({
      config: {
        maxQueryDepth: 3,
        maxQueryAliases: 2,
        maxQueryDirectives: 2,
        maxQueryTokens: 40,
        maxQueryCost: 30,
        maxBodyBytes: 2048,
      },
      onQuery: (s) => sql.push(s),
    }),
  ]);
  [token, tightToken] = await Promise.all([t.login(demo.consumer), tight.login(demo.consumer)]);
});
afterAll(async () => {
  await t?.close();
  await tight?.close();
});

/** Sends `query` and tells how many SQL statements ran meanwhile (0: no resolver touched data). */
async function measured(app: TestApp, query: string, variables?: Record<string, unknown>) {
  sql.length = 0;
  const res = await app.gql(query, variables, { token: app === t ? token : tightToken });
  return { ...res, statements: sql.length };
}

function operationsIn(document: DocumentNode): OperationDefinitionNode[] {
  return document.definitions.filter(
    (d): d is OperationDefinitionNode => d.kind === Kind.OPERATION_DEFINITION,
  );
}

/** The variables the operation passes as some field's `first`, through the fragments it spreads. */
function pageVariables(document: DocumentNode, operation: OperationDefinitionNode): string[] {
  const names = new Set<string>();
  const seen = new Set<string>();
  const walk = (node: ASTNode) =>
    visit(node, {
      Argument(arg) {
        if (arg.name.value === 'first' && arg.value.kind === Kind.VARIABLE) {
          names.add(arg.value.name.value);
        }
      },
      FragmentSpread(spread) {
        const name = spread.name.value;
        const fragment = document.definitions.find(
          (d) => d.kind === Kind.FRAGMENT_DEFINITION && d.name.value === name,
        );
        if (fragment && !seen.has(name)) {
          seen.add(name);
          walk(fragment);
        }
      },
    });
  walk(operation);
  return [...names];
}

function emittedSchema(): GraphQLSchema {
  return buildSchema(readFileSync('schema.graphql', 'utf8'));
}

const DEEP_ORDERS = (inner: string) => `query ${inner.startsWith('$') ? '($inner: Int)' : ''} {
  me { orders(first: 100) { edges { node { events { actor {
    orders(first: ${inner}) { edges { node { id } } }
  } } } } } }
}`;

describe('query limits: the defaults leave room for real clients', () => {
  it('lets every operation in test/graphql and the docs through the default limits', () => {
    const schema = emittedSchema();
    const sources = readdirSync('test/graphql').map((f) => `test/graphql/${f}`);
    const docs = existsSync('docs') ? readdirSync('docs').map((f) => `docs/${f}`) : [];
    sources.push('README.md', ...docs.filter((f) => f.endsWith('.md')));
    let checked = 0;
    const atLargestPage: string[] = [];
    for (const path of sources) {
      const text = readFileSync(path, 'utf8');
      const blocks = path.endsWith('.graphql')
        ? [text]
        : [...text.matchAll(/```graphql\n([\s\S]*?)```/g)].map((m) => m[1]);
      for (const block of blocks) {
        // As the server parses: over the token limit, parse throws.
        const document = parse(block, { maxTokens: DEFAULTS.maxTokens });
        expect(checkBeforeValidation(document, DEFAULTS)?.message, path).toBeUndefined();
        for (const operation of operationsIn(document)) {
          // Every page a variable sizes at its largest, so a client may page as far as `first` allows.
          const variables = Object.fromEntries(
            pageVariables(document, operation).map((name) => [name, MAX_PAGE_SIZE]),
          );
          const refusal = checkQueryLimits(schema, document, operation, variables, DEFAULTS);
          expect(refusal?.message, `${path}: ${operation.name?.value}`).toBeUndefined();
          checked += 1;
          if (Object.keys(variables).length > 0) atLargestPage.push(operation.name?.value ?? path);
        }
      }
    }
    expect(checked).toBeGreaterThan(5);
    // The costliest documents are among them: the perf page, and each business's order list.
    expect(atLargestPage).toEqual(
      expect.arrayContaining(['PerfOrderList', 'ChipOrderPage', 'ShopOrderList', 'MyOrders']),
    );
  });

  it('weighs the fragments of each order kind as alternatives, not as a sum', () => {
    const schema = emittedSchema();
    const cost = (selection: string) => {
      const document = parse(`{ orders(first: 50) { edges { node { ${selection} } } } }`);
      const refusal = checkQueryLimits(
        schema,
        document,
        operationsIn(document)[0],
        {},
        {
          ...DEFAULTS,
          maxCost: 1,
        },
      );
      return refusal?.extensions.measured;
    };
    const chip = `... on ChipOrder { lots { operations { plant { name } } } }`;
    const shop = `... on ShopOrder { lines { name count } }`;
    expect(cost(chip)).toBe(10602);
    expect(cost(shop)).toBe(1102);
    // An order is one kind: the chip order's schedule is the costliest it can be.
    expect(cost(`${chip} ${shop}`)).toBe(10602);
    expect(cost(`id ${chip} ${shop}`)).toBe(10652);
  });

  it("lets a client's 4-level nested list of chip orders through: orders(first: 50) … lots { operations { plant { name } } }", () => {
    // The contract has ChipOrder even before the chip module is in this schema.
    const emitted = emittedSchema();
    const schema = emitted.getType('ChipOrder')
      ? emitted
      : buildSchema(readFileSync('contract/schema.graphql', 'utf8'));
    const document = parse(`{
      orders(first: 50) { totalCount pageInfo { hasNextPage endCursor } edges { cursor node {
        id orderNo status payment
        ... on ChipOrder { lots { lot chipName quantity operations { step start end plant { name } } } }
      } } }
    }`);
    expect(checkQueryLimits(schema, document, operationsIn(document)[0], {}, DEFAULTS)).toBe(
      undefined,
    );
  });

  it('answers a wide query of pages over HTTP', async () => {
    const res = await measured(
      t,
      `{ me { name orders(first: 100) { totalCount edges { cursor } pageInfo { hasNextPage } }
              transactions(first: 100) { nodes { id amount balanceAfter reason occurredAt }
                                         pageInfo { hasNextPage endCursor } } } }`,
    );
    expect(res.errors, JSON.stringify(res.errors)).toBeUndefined();
    expect(res.data.me.transactions.nodes[0].reason).toMatch(/Opening deposit/);
  });

  it('lets GraphiQL introspect the schema outside production', async () => {
    const query = getIntrospectionQuery({
      descriptions: true,
      specifiedByUrl: true,
      directiveIsRepeatable: true,
      schemaDescription: true,
      inputValueDeprecation: true,
      oneOf: true,
    });
    const res = await t.gql(query);
    expect(res.errors).toBeUndefined();
    expect(res.data.__schema.queryType.name).toBe('Query');
  });
});

describe('query limits: over one, QUERY_TOO_COMPLEX before any resolver runs', () => {
  it('refuses a query nested 13 levels deep (the default limit is 12)', async () => {
    const res = await measured(
      t,
      `{ me { orders { edges { node { consumer { orders { edges { node { consumer {
           orders { edges { node { id } } } } } } } } } } } } }`,
    );
    expect(res.status).toBe(400);
    expect(res.data).toBeUndefined();
    expect(res.errors).toEqual([
      expect.objectContaining({
        extensions: { code: 'QUERY_TOO_COMPLEX', limit: 'depth', measured: 13, maximum: 12 },
      }),
    ]);
    expect(res.statements).toBe(0);
  });

  it('refuses 100 orders × 10 events × 100 orders of each actor by estimated cost', async () => {
    const res = await measured(t, DEEP_ORDERS('100'));
    expect(res.errors?.[0].extensions).toMatchObject({
      code: 'QUERY_TOO_COMPLEX',
      limit: 'cost',
      maximum: 120_000,
    });
    expect(res.errors?.[0].extensions?.measured).toBeGreaterThan(200_000);
    expect(res.statements).toBe(0);
  });

  it('weighs a list by the `first` given in a variable, each time the same query comes', async () => {
    // The guard remembers what passed, per query and variables: never a pass for other variables.
    for (let round = 0; round < 2; round++) {
      const small = await measured(t, DEEP_ORDERS('$inner'), { inner: 2 });
      expect(small.errors).toBeUndefined();
      const big = await measured(t, DEEP_ORDERS('$inner'), { inner: 100 });
      expect(big.errors?.[0].extensions?.code).toBe('QUERY_TOO_COMPLEX');
      expect(big.statements).toBe(0);
    }
  });

  it('refuses `first` over 100 as BAD_USER_INPUT before any resolver runs', async () => {
    const res = await measured(t, `{ me { orders(first: 101) { totalCount } } }`);
    expect(res.status).toBe(400);
    expect(res.errors).toEqual([
      expect.objectContaining({
        message: 'first must be between 1 and 100.',
        extensions: { code: 'BAD_USER_INPUT', field: 'first' },
      }),
    ]);
    expect(res.statements).toBe(0);
  });

  it.each([
    ['depth', `{ me { orders { edges { cursor } } } }`, { measured: 4, maximum: 3 }],
    ['aliases', `{ a: me { id } b: me { id } c: me { id } }`, { measured: 3, maximum: 2 }],
    [
      'directives',
      `{ me { id @include(if: true) name @include(if: true) role @skip(if: false) } }`,
      { measured: 3, maximum: 2 },
    ],
    ['cost', `{ orders(first: 50) { edges { cursor } } }`, { measured: 52, maximum: 30 }],
  ])('refuses a query over the configured %s limit', async (limit, query, figures) => {
    const res = await measured(tight, query);
    expect(res.status).toBe(400);
    expect(res.errors).toEqual([
      expect.objectContaining({
        extensions: expect.objectContaining({ code: 'QUERY_TOO_COMPLEX', limit, ...figures }),
      }),
    ]);
    expect(res.statements).toBe(0);
  });

  it('counts a fragment once for each place it is spread', async () => {
    const res = await measured(
      tight,
      `query { ...Twice ...Twice2 } fragment Twice on Query { x: me { id } }
       fragment Twice2 on Query { ...Twice }`,
    );
    // Spread twice, the fragment's one alias counts twice: still within 2.
    expect(res.errors).toBeUndefined();
    const three = await measured(
      tight,
      `query { ...One y: me { id } ...Two } fragment One on Query { x: me { id } }
       fragment Two on Query { ...One }`,
    );
    expect(three.errors?.[0].extensions).toMatchObject({ limit: 'aliases', measured: 3 });
  });

  it('refuses a document over the configured token limit', async () => {
    const fields = Array.from({ length: 50 }, () => 'id').join(' ');
    const res = await measured(tight, `{ me { ${fields} } }`);
    expect(res.status).toBe(400);
    expect(res.errors).toEqual([
      {
        message: 'The query has more than 40 tokens.',
        extensions: { code: 'QUERY_TOO_COMPLEX', limit: 'tokens', maximum: 40 },
      },
    ]);
    expect(res.statements).toBe(0);
  });

  it('answers a body over MAX_BODY_BYTES with a GraphQL error, not an HTML page', async () => {
    const res = await fetch(tight.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query: `{ me { id } }`, variables: { pad: 'x'.repeat(4096) } }),
    });
    expect(res.status).toBe(413);
    expect(res.headers.get('content-type')).toMatch(/^application\/json/);
    expect(await res.json()).toEqual({
      errors: [
        {
          message: 'The request body is larger than 2048 bytes.',
          extensions: { code: 'QUERY_TOO_COMPLEX', limit: 'bodyBytes', maximum: 2048 },
        },
      ],
    });
  });

  it('answers a body that is not JSON with BAD_USER_INPUT, as JSON', async () => {
    const res = await fetch(t.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{ "query": "{ me { id } }"',
    });
    expect(res.status).toBe(400);
    expect(await res.json()).toEqual({
      errors: [
        { message: 'The request body is not valid JSON.', extensions: { code: 'BAD_USER_INPUT' } },
      ],
    });
  });

  it('refuses an array of operations (no batching) and runs none of them', async () => {
    const admin = await t.login(demo.admin);
    const { rows: before } = await t.db.query(`select count(*)::int as n from bank_transactions`);
    const deposit = {
      query: print(DepositDocument),
      variables: { consumerId: demo.otherConsumer.id, amount: '1.00' },
    };
    const res = await fetch(t.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${admin}` },
      body: JSON.stringify([deposit, deposit]),
    });
    expect(res.status).toBe(400);
    expect(await res.text()).toMatch(/batching/i);
    const { rows: after } = await t.db.query(`select count(*)::int as n from bank_transactions`);
    expect(after[0].n).toBe(before[0].n);
  });
});

describe('query limits over graphql-ws', () => {
  let ws: WsConnection;
  beforeAll(async () => {
    ws = await connectWs(tight.wsUrl, tightToken);
  });
  afterAll(() => ws?.close());

  it('answers a query within the limits', async () => {
    expect(await ws.run(`{ me { id } }`)).toEqual({ data: { me: { id: demo.consumer.id } } });
  });

  it('refuses a query over the depth limit with QUERY_TOO_COMPLEX, before any resolver', async () => {
    sql.length = 0;
    const res = await ws.run(`{ me { orders { edges { cursor } } } }`);
    expect(res.errors).toEqual([
      expect.objectContaining({
        extensions: { code: 'QUERY_TOO_COMPLEX', limit: 'depth', measured: 4, maximum: 3 },
      }),
    ]);
    expect(sql).toEqual([]);
  });

  it('refuses a document over the token limit with QUERY_TOO_COMPLEX', async () => {
    const res = await ws.run(`{ me { ${Array.from({ length: 50 }, () => 'id').join(' ')} } }`);
    expect(res.errors?.[0].extensions).toEqual({
      code: 'QUERY_TOO_COMPLEX',
      limit: 'tokens',
      maximum: 40,
    });
  });

  it('refuses `first` over 100 and an unparsable document with BAD_USER_INPUT', async () => {
    const page = await ws.run(`{ me { orders(first: 500) { totalCount } } }`);
    expect(page.errors?.[0].extensions?.code).toBe('BAD_USER_INPUT');
    const broken = await ws.run(`{ me { id `);
    expect(broken.errors?.[0].extensions?.code).toBe('BAD_USER_INPUT');
  });
});

describe('limits from the environment', () => {
  it('reads every limit from its variable', () => {
    const config = loadConfig({
      MAX_QUERY_DEPTH: '8',
      MAX_QUERY_ALIASES: '5',
      MAX_QUERY_DIRECTIVES: '6',
      MAX_QUERY_TOKENS: '900',
      MAX_QUERY_LENGTH: '9000',
      MAX_QUERY_COST: '1234',
      MAX_QUERY_FIELDS: '700',
      MAX_QUERY_OVERLAPS: '70',
      MAX_VARIABLE_DEPTH: '7',
      MAX_VARIABLE_VALUES: '7000',
      MAX_BODY_BYTES: '4096',
      LARGE_OPERATION_VALUES: '300',
      LARGE_OPERATION_QUEUE: '2',
    });
    expect(queryLimits(config)).toEqual({
      maxDepth: 8,
      maxAliases: 5,
      maxDirectives: 6,
      maxLength: 9000,
      maxTokens: 900,
      maxCost: 1234,
      maxFields: 700,
      maxOverlaps: 70,
      maxVariableDepth: 7,
      maxVariableValues: 7000,
    });
    expect(config).toMatchObject({
      maxBodyBytes: 4096,
      largeOperationValues: 300,
      largeOperationQueue: 2,
    });
  });

  it('documents its defaults: depth 12, aliases 30, directives 20, length 100000, tokens 2000, cost 120000, fields 2000, overlaps 1000, variables 10 deep and 50000 values', () => {
    expect(DEFAULTS).toEqual({
      maxDepth: 12,
      maxAliases: 30,
      maxDirectives: 20,
      maxLength: 100_000,
      maxTokens: 2000,
      maxCost: 120_000,
      maxFields: 2000,
      maxOverlaps: 1000,
      maxVariableDepth: 10,
      maxVariableValues: 50_000,
    });
    expect(loadConfig({})).toMatchObject({
      maxBodyBytes: 1_048_576,
      largeOperationValues: 1000,
      largeOperationQueue: 4,
    });
  });

  it('refuses a limit that is not a positive integer at start-up', () => {
    expect(() => loadConfig({ MAX_QUERY_DEPTH: '0' })).toThrow(ConfigError);
    expect(() => loadConfig({ MAX_QUERY_COST: 'lots' })).toThrow(/MAX_QUERY_COST/);
  });
});
