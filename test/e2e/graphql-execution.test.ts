import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ProofInspectionScheduleDocument, ShopProductsDocument } from '../generated/graphql.ts';
import { demo, startTestApp, type TestApp } from '../utils/test-app.ts';

// Reads run compiled by graphql-jit (src/platform/graphql/jit-executor.ts); these are the
// places it used to differ from graphql-js. perf-statements.test.ts reads every kind's fields.

let t: TestApp;
let operator: string;

beforeAll(async () => {
  t = await startTestApp();
  operator = await t.login(demo.operator);
});
afterAll(() => t?.close());

const schedule = (from: string, to = '2026-01-10T00:00:00Z') =>
  t.gql(ProofInspectionScheduleDocument, { from, to }, { token: operator });

describe('a compiled read', () => {
  it("refuses a malformed DateTime variable with the scalar's own message, every time", async () => {
    for (let i = 0; i < 2; i++) {
      const res = await schedule('2026-02-30T00:00:00Z');
      expect(res.data).toBeUndefined();
      expect(res.errors).toHaveLength(1);
      expect(res.errors![0].message).toContain('"2026-02-30T00:00:00Z" is not a valid date-time.');
      expect(res.errors![0].extensions?.code).toBe('BAD_USER_INPUT');
    }
  });

  it('answers the same read again from its compiled form', async () => {
    const first = await schedule('2026-01-01T00:00:00Z');
    const again = await schedule('2026-01-01T00:00:00Z');
    expect(first.errors).toBeUndefined();
    expect(first.data!.inspectionSchedule.totalCount).toBe(0);
    expect(again).toEqual(first);
  });

  it("keeps a resolver's refusal as graphql-js gives it: message, path, location and code", async () => {
    const res = await schedule('2026-01-01T00:00:00Z', '2026-03-01T00:00:00Z');
    expect(res.data).toBeNull();
    expect(res.errors).toEqual([
      {
        message: 'to must be after from, by at most 31 days.',
        locations: [{ line: 2, column: 3 }],
        path: ['inspectionSchedule'],
        extensions: { code: 'BAD_USER_INPUT', field: 'to' },
      },
    ]);
  });

  it('takes the default of a variable the request leaves out (`$includeInactive: Boolean! = false`)', async () => {
    const shops = await t.gql(`{ shops { id } }`);
    const id: string = shops.data.shops[0].id;
    const res = await t.gql(ShopProductsDocument, { id });
    expect(res.errors).toBeUndefined();
    expect(res.data!.shop!.products.length).toBeGreaterThan(0);
  });

  it("runs an object literal inside a fragment as graphql-js does: a variable left out leaves the input field's default", async () => {
    const token = await t.login(demo.consumer);
    const suggest = (objective: string) => `
      query Suggest${objective.startsWith('$') ? '($objective: ChipSuggestObjective)' : ''} { ...Suggest }
      fragment Suggest on Query {
        suggestChipPlans(count: 1, input: { chipName: "CK101", quantity: 10, maxLots: 1, objective: ${objective} }) {
          objective
          plans { score }
        }
      }`;
    // graphql-jit would pass null for the missing $objective (graphql-jit#91) and fail the
    // non-null field; graphql-js leaves it out, so the default CHEAPEST applies.
    const leftOut = await t.gql(suggest('$objective'), {}, { token });
    const explicit = await t.gql(suggest('CHEAPEST'), {}, { token });
    expect(leftOut.errors).toBeUndefined();
    expect(leftOut.data.suggestChipPlans.objective).toBe('CHEAPEST');
    expect(leftOut.data.suggestChipPlans.plans.length).toBe(1);
    expect(leftOut.data).toEqual(explicit.data);
  });
});
