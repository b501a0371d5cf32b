import { readFileSync } from 'node:fs';
import { buildSchema, parse, type ExecutionResult, type OperationDefinitionNode } from 'graphql';
import { createClient, type Client } from 'graphql-ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { operationCost } from '../../src/platform/graphql/query-limits.ts';
import { UpdateOrderStateDocument } from '../generated/graphql.ts';
import { OrderFactory } from '../utils/factories.ts';
import { headCursor } from '../utils/live-client.ts';
import { demo, startTestApp, type TestApp } from '../utils/test-app.ts';

// Issue 20 point 2: subscriptions amplified without limit (20,000 on one socket; one event
// resolving `actor { orders(first: 100) }` for thousands of them starved everyone else of the
// pool). Now they are capped per socket and per consumer, their cost per event is held under
// MAX_QUERY_COST, and deliveries resolve a few at a time. Issue 19 point 6: the event's `order`
// is loaded once for all its subscribers.

let t: TestApp;
const sql: string[] = [];
beforeAll(async () => {
  t = await startTestApp({
    onQuery: (s) => sql.push(s),
    // Statements of one event are compared: no periodic socket re-check in between.
    config: { socketAuthCheckMs: 600_000 },
  });
});
afterAll(() => t?.close());

const sockets: Client[] = [];
afterAll(async () => {
  await Promise.all(sockets.map((s) => s.dispose()));
});

function socket(token: string): Client {
  const client = createClient({
    url: t.wsUrl,
    webSocketImpl: WebSocket,
    connectionParams: { authorization: `Bearer ${token}` },
    retryAttempts: 0,
  });
  sockets.push(client);
  return client;
}

/** A subscription's results as they come; `dispose` completes it. */
function subscribe(client: Client, query: string, variables: Record<string, unknown> = {}) {
  const results: ExecutionResult[] = [];
  let ended = false;
  const dispose = client.subscribe(
    { query, variables },
    {
      next: (result) => void results.push(result as ExecutionResult),
      error: () => (ended = true),
      complete: () => (ended = true),
    },
  );
  return {
    results,
    dispose,
    get ended() {
      return ended;
    },
  };
}
type Subscription = ReturnType<typeof subscribe>;

async function until(ready: () => boolean, what: string, ms = 15_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!ready()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

/** Resolves once `n` subscriptions are live on the server, or `subs` have all ended. */
const live = (n: number) =>
  until(() => t.app.subscriptions.stats().subscriptions === n, `${n} live subscriptions`);

const LIGHT = `subscription { orderStatusChanged { cursor } }`;
// The amplifier: every event resolves a page of the actor's orders.
const HEAVY = `subscription {
  orderStatusChanged {
    cursor
    actor { orders(first: 100) { edges { node { id status payment events { id type } } } } }
  }
}`;
/** What the server estimates one event costs to resolve for a subscription (query-limits.ts). */
function costOf(query: string): number {
  const operation = parse(query).definitions[0] as OperationDefinitionNode;
  return operationCost(
    buildSchema(readFileSync('schema.graphql', 'utf8')),
    operation,
    new Map(),
    {},
  );
}

const refusal = (sub: Subscription) => sub.results[0]?.errors?.[0];

describe('room for subscriptions', () => {
  it('refuses a 21st subscription on one socket with RATE_LIMITED, and takes it once one completes', async () => {
    const token = await t.login(demo.consumer);
    const ws = socket(token);
    const subs = Array.from({ length: 20 }, () => subscribe(ws, LIGHT));
    await live(20);
    const extra = subscribe(ws, LIGHT);
    await until(() => extra.ended, 'the refusal');
    expect(refusal(extra)).toMatchObject({
      message: 'This socket has 20 subscriptions open, the most it may; complete one first.',
      extensions: { code: 'RATE_LIMITED', limit: 'subscriptionsPerSocket', maximum: 20 },
    });
    // Another socket of the same consumer still has room.
    const elsewhere = subscribe(socket(token), LIGHT);
    await live(21);
    subs[0].dispose();
    elsewhere.dispose();
    await live(19);
    subs[0] = subscribe(ws, LIGHT);
    await live(20);
    for (const s of subs) s.dispose();
    await live(0);
  });
});

describe('room for subscriptions per consumer, and their cost per event', () => {
  const heavy: Subscription[] = [];

  it("refuses a consumer's 51st subscription, over any socket; another consumer is not affected", async () => {
    const [token, other] = await Promise.all([t.login(demo.consumer), t.login(demo.otherConsumer)]);
    const ws = [socket(token), socket(token), socket(token)];
    const subs = Array.from({ length: 50 }, (_, i) => subscribe(ws[i % 3], LIGHT));
    await live(50);
    const extra = subscribe(socket(token), LIGHT);
    await until(() => extra.ended, 'the refusal');
    expect(refusal(extra)).toMatchObject({
      message: 'You have 50 subscriptions open, the most one consumer may; complete one first.',
      extensions: { code: 'RATE_LIMITED', limit: 'subscriptionsPerConsumer', maximum: 50 },
    });
    const theirs = subscribe(socket(other), LIGHT);
    await live(51);
    for (const s of [...subs, theirs]) s.dispose();
    await live(0);
  });

  it('refuses the subscription that would take the cost of one event past MAX_QUERY_COST', async () => {
    const token = await t.login(demo.consumer);
    const cost = costOf(HEAVY);
    expect(cost).toBe(2505);
    const fits = Math.floor(120_000 / cost); // 47
    const ws = [socket(token), socket(token), socket(token)];
    for (let i = 0; i < fits; i++) heavy.push(subscribe(ws[i % 3], HEAVY));
    await live(fits);
    const extra = subscribe(ws[0], HEAVY);
    await until(() => extra.ended, 'the refusal');
    expect(refusal(extra)).toMatchObject({
      extensions: {
        code: 'RATE_LIMITED',
        limit: 'subscriptionCost',
        maximum: 120_000,
        measured: (fits + 1) * cost,
      },
    });
    // A cheap one still fits.
    const light = subscribe(ws[0], LIGHT);
    await live(fits + 1);
    light.dispose();
    await live(fits);
  });

  it('keeps serving other users while events fan out to all of those subscriptions, a few at a time', async () => {
    // The heavy subscriptions above (47, each resolving a page of up to 100 orders with their
    // events for every event) stay open; their consumer gets 40 orders, then 10 more in a row.
    const [other] = await Promise.all([t.login(demo.otherConsumer)]);
    const factory = new OrderFactory(t.app.orm);
    for (let i = 0; i < 40; i++) await factory.create(demo.consumer.id);
    await until(() => heavy.every((s) => s.results.length === 40), 'the first 40 events', 30_000);
    const before = heavy.map((s) => s.results.length);

    let storm = true;
    const creating = (async () => {
      for (let i = 0; i < 10; i++) await factory.create(demo.consumer.id);
      await until(
        () => heavy.every((s, i) => s.results.length === before[i] + 10),
        'every event at every subscription',
        60_000,
      );
    })().finally(() => (storm = false));
    const times: number[] = [];
    while (storm) {
      const started = performance.now();
      const res = await t.gql(
        `{ me { id orders(first: 5) { edges { node { id } } } } }`,
        {},
        {
          token: other,
        },
      );
      expect(res.status).toBe(200);
      expect(res.errors).toBeUndefined();
      times.push(performance.now() - started);
    }
    await creating;
    // Every delivery arrived whole.
    for (const s of heavy) {
      const last = s.results.at(-1)!;
      expect(last.errors).toBeUndefined();
      expect(
        (last.data as any).orderStatusChanged.actor.orders.edges.length,
      ).toBeGreaterThanOrEqual(50);
    }
    // At most SUBSCRIPTION_DELIVERY_CONCURRENCY (4) resolved at once, so most of the pool of 20
    // stayed with requests; before, each of thousands of deliveries took a connection at once.
    const { deliveries } = t.app.subscriptions.stats();
    expect(deliveries.peak).toBeLessThanOrEqual(4);
    expect(deliveries.delivered).toBeGreaterThanOrEqual(47 * 50);
    times.sort((a, b) => a - b);
    expect(times.length).toBeGreaterThan(3);
    expect(times[Math.floor(times.length / 2)]).toBeLessThan(500);
    expect(times.at(-1)).toBeLessThan(5000);
    for (const s of heavy) s.dispose();
    await live(0);
  }, 90_000);
});

describe('the order on each event', () => {
  const WATCH = `subscription ($orderId: ID) {
    orderStatusChanged(orderId: $orderId) {
      cursor
      toStatus
      order { id status consumer { id balance } }
      actor { id }
    }
  }`;

  /** Pays a new order with `n` owner and `n` operator subscribers on it: what they got, and the SQL run. */
  async function payWatched(owners: number, operators: number) {
    const [owner, operator] = await Promise.all([t.login(demo.consumer), t.login(demo.operator)]);
    const order = await new OrderFactory(t.app.orm).create(demo.consumer.id);
    // A subscription without `after` starts at the hub's cursor, which lags the table by a read
    // (longer while any transaction on the cluster writes): until the hub has passed the order's
    // creation, that event would still come to the new subscribers as a third one.
    const created = await headCursor(t.db);
    await until(
      () => t.app.subscriptions.stats().position >= created,
      "the hub to pass the order's creation",
    );
    const watch = (token: string) => subscribe(socket(token), WATCH, { orderId: order.id });
    const subs = {
      owners: Array.from({ length: owners }, () => watch(owner)),
      staff: Array.from({ length: operators }, () => watch(operator)),
    };
    const all = [...subs.owners, ...subs.staff];
    await live(all.length);
    sql.length = 0;
    const paid = await t.gql(
      UpdateOrderStateDocument,
      { orderId: order.id, status: 'PAID' },
      { token: operator },
    );
    expect(paid.data?.updateOrderState.errors).toEqual([]);
    // A SALE order's payment makes it EFFECTIVE in the same transaction: two events each.
    await until(() => all.every((s) => s.results.length === 2), 'the events').catch(
      async (err: Error) => {
        // Say why next time: what each subscriber got, the hub's state, and the writing
        // transactions that hold delivery back, cluster-wide.
        const { rows } = await t.db.query(
          `select datname, backend_xid::text as xid, state, now() - xact_start as age,
                  left(query, 120) as query
             from pg_stat_activity where backend_xid is not null order by xact_start limit 5`,
        );
        const got = all.map((s) =>
          s.results.map(
            (r) => (r.data as any)?.orderStatusChanged?.toStatus ?? r.errors?.[0]?.message,
          ),
        );
        throw new Error(
          `${err.message}: got ${JSON.stringify(got)}; hub ${JSON.stringify(t.app.subscriptions.stats())}; writers ${JSON.stringify(rows)}`,
        );
      },
    );
    const statements = [...sql];
    for (const s of all) s.dispose();
    await live(0);
    return { order, ...subs, statements };
  }

  it('is loaded once for all subscribers of an event, and each sees only what it may', async () => {
    // The payment's own statements plus the deliveries': with one subscriber, then with ten.
    const one = await payWatched(1, 0);
    const ten = await payWatched(5, 5);
    // Deliveries may start before the payment's answer is written: compared as sets of statements.
    expect(ten.statements.sort()).toEqual(one.statements.sort());

    for (const s of ten.owners) {
      expect(s.results.map((r) => r.errors)).toEqual([undefined, undefined]);
      expect((s.results[1].data as any).orderStatusChanged.order).toEqual({
        id: ten.order.id,
        status: 'EFFECTIVE',
        consumer: { id: demo.consumer.id, balance: expect.any(String) },
      });
    }
    // An operator sees the order, not the consumer's balance (only the consumer and ADMIN do).
    for (const s of ten.staff) {
      expect(s.results[1].errors?.[0]).toMatchObject({
        path: ['orderStatusChanged', 'order', 'consumer', 'balance'],
        extensions: { code: 'FORBIDDEN' },
      });
    }
    // Two rounds of sockets, subscriptions and deliveries, each wait bounded by `until`: on a
    // loaded 2-core machine they took longer than the default 30 s together (a time-out, not a
    // wrong answer), so this test gets the sum of its waits.
  }, 90_000);
});
