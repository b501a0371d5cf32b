import { print } from 'graphql';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  ProofAlterValidatePlaceDocument,
  ProofAnalyzeChipOrderDocument,
  ProofCancelOrderDocument,
  ProofCreateUnderwriteDocument,
  ProofDepositDocument,
  ProofPayOrderDocument,
  ProofPlaceAnPlanOrderDocument,
} from '../generated/graphql.ts';
import { Decimal } from '../../src/platform/money.ts';
import { ProofFixtures } from '../utils/proof-fixtures.ts';
import { connectWs } from '../utils/ws-run.ts';
import { fingerprint } from '../utils/db-fingerprint.ts';
import { ck101Lot } from '../utils/chip-plans.ts';
import { demo, startTestApp, type TestApp } from '../utils/test-app.ts';
import { secondsAgo, seedPlanInput, tomorrow } from './insurance-fixtures.ts';

/** What the malformed-input tests (proof-fuzz) found, pinned down one by one. */
describe('input the property tests found', () => {
  let t: TestApp;
  let token: string;
  let fx: ProofFixtures;
  beforeAll(async () => {
    t = await startTestApp();
    token = await t.login(demo.consumer);
    fx = await new ProofFixtures(t).setUp();
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

  it('refuses text with an unpaired surrogate, which UTF-8 and jsonb cannot hold, and changes nothing', async () => {
    const { underwriteId } = await fx.underwriting();
    const before = await fingerprint(t.db);
    const res = await t.gql(
      ProofAlterValidatePlaceDocument,
      { underwriteId, validatePlace: '\udfffx', validateUpdateTime: secondsAgo(1) },
      { token },
    );
    expect(res.status).toBe(400);
    expect(res.errors?.[0]).toMatchObject({
      message: 'Text must be well-formed Unicode: it has an unpaired surrogate.',
      extensions: { code: 'BAD_USER_INPUT', field: ['validatePlace'] },
    });
    expect(await fingerprint(t.db)).toEqual(before);
    // A surrogate pair (an emoji) is well-formed and welcome.
    const emoji = await t.gql(
      ProofAlterValidatePlaceDocument,
      { underwriteId, validatePlace: '车库 🚗', validateUpdateTime: secondsAgo(1) },
      { token },
    );
    expect(emoji.data?.alterValidatePlace.errors).toEqual([]);
  });

  it('refuses a date-time in the year 0000, which PostgreSQL has not, before anything is saved', async () => {
    const orderId = await fx.paidPlanOrder();
    const before = await fingerprint(t.db);
    const res = await t.gql(
      ProofCreateUnderwriteDocument,
      {
        input: {
          orderId,
          planTime: tomorrow(),
          validatePlace: '北京',
          validateUpdateTime: '0000-01-01T00:00:00Z',
        },
      },
      { token },
    );
    expect(res.status).toBe(400);
    expect(res.errors?.[0].extensions?.code).toBe('BAD_USER_INPUT');
    expect(res.errors?.[0].message).toMatch(/outside the years 0001 to 9999/);
    expect(await fingerprint(t.db)).toEqual(before);
  });

  it('refuses a deposit that would pass the largest balance, and a refund that would, changing nothing', async () => {
    const orderId = await fx.chipOrder();
    const { rows } = await t.db.query(`select balance from bank_accounts where consumer_id = $1`, [
      demo.consumer.id,
    ]);
    const room = new Decimal('999999999999.99').minus(rows[0].balance);
    const admin = fx.tokens.admin;
    const before = await fingerprint(t.db);
    const tooMuch = await t.gql(
      ProofDepositDocument,
      { consumerId: demo.consumer.id, amount: room.plus('0.01').toFixed(2) },
      { token: admin },
    );
    expect(tooMuch.status).toBe(200);
    expect(tooMuch.errors?.[0]).toMatchObject({
      extensions: { code: 'BAD_USER_INPUT', field: 'amount' },
    });
    expect(await fingerprint(t.db)).toEqual(before);
    // Filled to the brim: the chip order's refund has no room, so the cancellation is refused whole.
    const full = await t.gql(
      ProofDepositDocument,
      { consumerId: demo.consumer.id, amount: room.toFixed(2) },
      { token: admin },
    );
    expect(full.data?.deposit).toBeTruthy();
    const brim = await fingerprint(t.db);
    const cancel = await t.gql(ProofCancelOrderDocument, { orderId }, { token });
    expect(cancel.data?.cancelOrder).toMatchObject({
      order: null,
      errors: [{ code: 'INVALID_INPUT' }],
    });
    expect(await fingerprint(t.db)).toEqual(brim);
  });
});
