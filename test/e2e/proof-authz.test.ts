import { print, type GraphQLSchema } from 'graphql';
import { createClient } from 'graphql-ws';
import WebSocket from 'ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSchema } from '../../src/schema.ts';
import { ACTORS, ProofFixtures, type Actor } from '../utils/proof-fixtures.ts';
import { startTestApp, type GraphQLResponse, type TestApp } from '../utils/test-app.ts';
import { matrix, type MatrixRow } from './proof-authz.matrix.ts';

/** `Query.order`, `Mutation.payOrder`, ... for every root field the schema has. */
function rootFields(schema: GraphQLSchema): string[] {
  return [schema.getQueryType(), schema.getMutationType(), schema.getSubscriptionType()].flatMap(
    (type) => (type ? Object.keys(type.getFields()).map((name) => `${type.name}.${name}`) : []),
  );
}

/**
 * Runs a subscription over graphql-ws until its first result (or its refusal) and answers it
 * in the shape of an HTTP response; a socket the server closes is reported as an error.
 */
function firstResultOverWs(
  wsUrl: string,
  token: string | undefined,
  query: string,
  variables: Record<string, unknown> | undefined,
  field: string,
): Promise<GraphQLResponse<any>> {
  return new Promise((resolve) => {
    let settled = false;
    const finish = (response: GraphQLResponse<any>) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      // Disposing a socket the server already closed rejects with its close event: nothing to do.
      Promise.resolve(client.dispose()).catch(() => undefined);
      resolve(response);
    };
    const client = createClient({
      url: wsUrl,
      webSocketImpl: WebSocket,
      connectionParams: token ? { authorization: `Bearer ${token}` } : {},
      retryAttempts: 0,
      on: {
        closed: (event) => {
          const code = (event as { code: number }).code;
          finish({
            status: 200,
            errors: [
              {
                message: `socket closed with ${code}`,
                path: [field],
                extensions: { code: `CLOSED_${code}` },
              },
            ],
          });
        },
      },
    });
    const timer = setTimeout(
      () => finish({ status: 0, errors: [{ message: 'no result within 10 s' }] }),
      10_000,
    );
    client.subscribe(
      { query, variables },
      {
        next: (result) => finish({ status: 200, data: result.data, errors: result.errors as any }),
        error: (err) => {
          if (Array.isArray(err)) finish({ status: 200, data: null, errors: err });
        },
        complete: () => finish({ status: 200, data: null }),
      },
    );
  });
}

/** What one response says, in the matrix's words; anything else is spelled out for the diff. */
function outcomeOf(row: MatrixRow, res: GraphQLResponse<any>): string {
  const name = row.field.split('.')[1];
  if (res.status >= 500) return `HTTP ${res.status}: ${JSON.stringify(res.errors)}`;
  const errors = res.errors ?? [];
  const codes = errors.map((e) => e.extensions?.code ?? 'NO_CODE');
  for (const code of ['UNAUTHENTICATED', 'FORBIDDEN']) {
    const refusal = errors.find((e) => e.extensions?.code === code);
    if (refusal) {
      // The refusal is the root field's own, not a nested field's.
      return refusal.path?.join('.') === name ? code : `${code} at ${refusal.path?.join('.')}`;
    }
  }
  if (codes.length > 0) return `ERROR ${codes.join(',')}: ${errors[0].message}`;
  const value = res.data?.[name];
  if (value === null && row.nullIsHidden) return 'NOT_FOUND';
  const payloadCodes: string[] = (value?.errors ?? []).map((e: { code: string }) => e.code);
  if (payloadCodes.includes('NOT_FOUND')) return 'NOT_FOUND';
  const unexpected = payloadCodes.filter((code) => !row.tolerated?.includes(code));
  if (unexpected.length > 0) return `PAYLOAD ${JSON.stringify(value.errors)}`;
  return 'ALLOWED';
}

describe('authorization matrix: every root field × anonymous, owner, other consumer, OPERATOR, ADMIN', () => {
  let t: TestApp;
  let fx: ProofFixtures;

  beforeAll(async () => {
    t = await startTestApp();
    fx = await new ProofFixtures(t).setUp();
  });
  afterAll(() => t?.close());

  it('has exactly one row for every query, mutation and subscription field of the schema', async () => {
    const fields = rootFields(await createSchema());
    const rows = matrix.map((r) => r.field);
    expect(
      fields.filter((f) => !rows.includes(f)),
      'root fields without a row',
    ).toEqual([]);
    expect(
      rows.filter((r) => !fields.includes(r)),
      'rows for fields the schema lacks',
    ).toEqual([]);
    expect(
      rows.filter((r, i) => rows.indexOf(r) !== i),
      'fields with two rows',
    ).toEqual([]);
  });

  it.each(matrix.map((row) => [row.field, row] as const))(
    '%s answers each actor as its row says',
    async (_field, row) => {
      const outcomes = await Promise.all(
        ACTORS.map(async (actor: Actor) => {
          const { document, variables, token: own } = await row.operation(fx, actor);
          const token = own ?? fx.tokens[actor];
          const res =
            row.transport === 'ws'
              ? await firstResultOverWs(
                  t.wsUrl,
                  token,
                  print(document),
                  variables,
                  row.field.split('.')[1],
                )
              : await t.gql(print(document), variables, { token });
          return [actor, outcomeOf(row, res)] as const;
        }),
      );
      expect(Object.fromEntries(outcomes)).toEqual(row.expect);
    },
  );
});
