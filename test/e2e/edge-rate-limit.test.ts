import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/platform/config.ts';
import { DepositDocument } from '../generated/graphql.ts';
import { OrderFactory } from '../utils/factories.ts';
import { concurrently, demo, startTestApp, type TestApp } from '../utils/test-app.ts';
import { connectWs } from '../utils/ws-run.ts';
import { ledgerCount } from '../utils/ledger.ts';

const DEFAULTS = loadConfig({});
const CANCEL = `mutation ($id: ID!) { cancelOrder(orderId: $id) { errors { code } } }`;

let t: TestApp; // the default budget: 60 mutations, refilled at 60 per 10 s
let tight: TestApp; // 3 mutations per minute
let burst: TestApp; // the default burst of 60, refilled so slowly that a busy machine cannot blur it
beforeAll(async () => {
  [t, tight, burst] = await Promise.all([
    startTestApp({
      config: {
        mutationRateLimit: DEFAULTS.mutationRateLimit,
        mutationRateWindowSeconds: DEFAULTS.mutationRateWindowSeconds,
      },
    }),
    startTestApp({ config: { mutationRateLimit: 3, mutationRateWindowSeconds: 60 } }),
    startTestApp({
      config: { mutationRateLimit: DEFAULTS.mutationRateLimit, mutationRateWindowSeconds: 3600 },
    }),
  ]);
});
afterAll(async () => {
  await t?.close();
  await tight?.close();
  await burst?.close();
});

describe('the per-consumer mutation budget (defaults)', () => {
  it('is 60 mutations at once, refilled at 60 per 10 s', () => {
    expect([DEFAULTS.mutationRateLimit, DEFAULTS.mutationRateWindowSeconds]).toEqual([60, 10]);
  });

  it('lets 20 concurrent payments by one consumer through', async () => {
    const payer = demo.consumer;
    const factory = new OrderFactory(t.app.orm);
    const orders = await concurrently(20, () => factory.create(payer.id, { payment: '10.00' }));
    const token = await t.login(payer);
    const results = await concurrently(20, (i) =>
      t.gql(
        `mutation ($id: ID!, $key: String!) {
           payOrder(orderId: $id, payType: BALANCE, idempotencyKey: $key) {
             transaction { id } errors { code } } }`,
        { id: orders[i].id, key: `burst-${i}` },
        { token },
      ),
    );
    expect(results.map((r) => r.errors)).toEqual(Array(20).fill(undefined));
    expect(results.every((r) => r.data.payOrder.transaction)).toBe(true);
  });

  it('refuses mutations past a burst of 60 with RATE_LIMITED, 429 and Retry-After, and changes nothing', async () => {
    const admin = await burst.login(demo.admin);
    const results = await concurrently(70, () =>
      burst.gql(CANCEL, { id: randomUUID() }, { token: admin }),
    );
    const served = results.filter((r) => r.data?.cancelOrder.errors[0].code === 'NOT_FOUND');
    const refused = results.filter((r) => r.errors?.[0].extensions?.code === 'RATE_LIMITED');
    expect(served.length).toBe(60);
    expect(refused.length).toBe(10);

    const before = await ledgerCount(burst);
    const res = await fetch(burst.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${admin}` },
      body: JSON.stringify({
        query: `mutation { deposit(consumerId: "${demo.otherConsumer.id}", amount: "5.00") { id } }`,
      }),
    });
    expect(res.status).toBe(429);
    const retryAfter = Number(res.headers.get('retry-after'));
    expect(retryAfter).toBeGreaterThan(0);
    expect(await res.json()).toEqual({
      errors: [
        {
          message: `Too many mutations; try again in ${retryAfter} s.`,
          extensions: { code: 'RATE_LIMITED', retryAfterSeconds: retryAfter },
        },
      ],
    });
    expect(await ledgerCount(burst)).toBe(before);

    // Queries are not counted; another consumer has a budget of their own.
    const me = await burst.gql(`{ me { id } }`, {}, { token: admin });
    expect(me.data.me.id).toBe(demo.admin.id);
    const other = await burst.login(demo.otherConsumer);
    const theirs = await burst.gql(CANCEL, { id: randomUUID() }, { token: other });
    expect(theirs.errors).toBeUndefined();
  });

  it('gives tokens back at 60 per 10 s by default', async () => {
    const admin = await t.login(demo.admin);
    await concurrently(70, () => t.gql(CANCEL, { id: randomUUID() }, { token: admin }));
    // One token comes back every 1/6 s: after a second and a half some mutations go through.
    await new Promise((r) => setTimeout(r, 1500));
    const before = await ledgerCount(t);
    const later = await t.gql(
      DepositDocument,
      { consumerId: demo.otherConsumer.id, amount: '5.00' },
      { token: admin },
    );
    expect(later.errors).toBeUndefined();
    expect(await ledgerCount(t)).toBe(before + 1);
  });
});

describe('the per-consumer mutation budget (configured: 3 a minute)', () => {
  it('spends one token per mutation field, aliases included', async () => {
    const token = await tight.login(demo.consumer);
    const three = await tight.gql(
      `mutation ($id: ID!) {
         a: cancelOrder(orderId: $id) { errors { code } }
         b: cancelOrder(orderId: $id) { errors { code } }
         c: deleteOrder(orderId: $id) { errors { code } } }`,
      { id: randomUUID() },
      { token },
    );
    expect(three.errors).toBeUndefined();
    const fourth = await tight.gql(CANCEL, { id: randomUUID() }, { token });
    expect(fourth.errors?.[0].extensions).toEqual({
      code: 'RATE_LIMITED',
      retryAfterSeconds: 20,
    });
  });

  it('spends the same budget over graphql-ws as over HTTP', async () => {
    const token = await tight.login(demo.otherConsumer);
    for (let i = 0; i < 2; i++) {
      expect((await tight.gql(CANCEL, { id: randomUUID() }, { token })).errors).toBeUndefined();
    }
    const ws = await connectWs(tight.wsUrl, token);
    try {
      const third = await ws.run(CANCEL, { id: randomUUID() });
      expect(third.data.cancelOrder.errors[0].code).toBe('NOT_FOUND');
      const fourth = await ws.run(CANCEL, { id: randomUUID() });
      expect(fourth.errors?.[0].extensions?.code).toBe('RATE_LIMITED');
    } finally {
      await ws.close();
    }
  });

  it('does not count logins, which are limited per consumer id and address on their own', async () => {
    const logins = await concurrently(6, () => tight.login(demo.thirdConsumer));
    expect(logins.every(Boolean)).toBe(true);
  });

  it('is off with MUTATION_RATE_LIMIT=0', () => {
    expect(loadConfig({ MUTATION_RATE_LIMIT: '0' }).mutationRateLimit).toBe(0);
    expect(loadConfig({ MUTATION_RATE_WINDOW_SECONDS: '30' }).mutationRateWindowSeconds).toBe(30);
  });
});
