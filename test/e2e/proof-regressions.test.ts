import { print } from 'graphql';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  ProofAnalyzeChipOrderDocument,
  ProofPayOrderDocument,
  ProofPlaceAnPlanOrderDocument,
} from '../generated/graphql';
import { connectWs } from '../utils/ws-run';
import { fingerprint } from '../utils/db-fingerprint';
import { ck101Lot } from '../utils/chip-plans';
import { demo, startTestApp, type TestApp } from '../utils/test-app';
import { seedPlanInput } from './insurance-fixtures';

/** What the malformed-input tests (proof-fuzz) found, pinned down one by one. */
describe('input the property tests found', () => {
  let t: TestApp;
  let token: string;
  beforeAll(async () => {
    t = await startTestApp();
    token = await t.login(demo.consumer);
  });
  afterAll(() => t?.close());

  it('refuses a NUL character in a variable with BAD_USER_INPUT naming it, and changes nothing', async () => {
    const before = await fingerprint(t.db);
    const plan = ck101Lot(1000);
    plan.lots[0].plantNames = [...plan.lots[0].plantNames.slice(0, 2), 'Reed\u0000'];
    const analysis = await t.gql(ProofAnalyzeChipOrderDocument, { input: plan }, { token });
    expect(analysis.status).toBe(400);
    expect(analysis.errors).toEqual([
      expect.objectContaining({
        message: 'Text may not contain the NUL character (U+0000).',
        extensions: expect.objectContaining({
          code: 'BAD_USER_INPUT',
          field: ['input', 'lots', '0', 'plantNames', '2'],
        }),
      }),
    ]);
    // An idempotency key with NUL used to reach PostgreSQL as a protocol violation: HTTP 503.
    const payment = await t.gql(
      ProofPayOrderDocument,
      { orderId: crypto.randomUUID(), payType: 'BALANCE', idempotencyKey: 'k\u0000' },
      { token },
    );
    expect(payment.status).toBe(400);
    expect(payment.errors?.[0].extensions?.code).toBe('BAD_USER_INPUT');
    expect(await fingerprint(t.db)).toEqual(before);
  });

  it('refuses a NUL character in a string literal, over HTTP and graphql-ws alike', async () => {
    const query = `{ chip(name: "CK\\u0000101") { name } }`;
    const http = await t.gql(query, {}, { token });
    expect(http.status).toBe(400);
    expect(http.errors?.[0].extensions?.code).toBe('BAD_USER_INPUT');
    const ws = await connectWs(t.wsUrl, token);
    try {
      const result = await ws.run(print(ProofAnalyzeChipOrderDocument), {
        input: { ...ck101Lot(1000), lots: [{ ...ck101Lot(1000).lots[0], chipName: '\u0000' }] },
      });
      expect(result.errors?.[0].extensions?.code).toBe('BAD_USER_INPUT');
    } finally {
      await ws.close();
    }
  });

  it('answers BAD_USER_INPUT, not an internal error, when more than 50 variables are wrong', async () => {
    const input = seedPlanInput();
    // planId null: a coercion error per plan, 60 of them.
    const plans = Array.from({ length: 60 }, () => ({
      planId: null as unknown as string,
      items: [],
    }));
    const res = await t.gql(
      ProofPlaceAnPlanOrderDocument,
      { input: { ...input, plans } },
      { token },
    );
    expect(res.status).toBe(400);
    const codes = new Set(res.errors?.map((e) => e.extensions?.code));
    expect([...codes]).toEqual(['BAD_USER_INPUT']);
    expect(res.errors?.at(-1)?.message).toMatch(/Too many errors processing variables/);
  });
});
