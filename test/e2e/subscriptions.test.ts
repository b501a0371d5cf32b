import { once } from 'node:events';
import { print } from 'graphql';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { IDLE_READ_MS } from '../../src/platform/events/order-event.hub.ts';
import { OrderStatus } from '../../src/platform/orders/order.entity.ts';
import { lockOrder, transition } from '../../src/platform/orders/order-lifecycle.ts';
import {
  CancelOrderDocument,
  OrderByIdDocument,
  OrderStatusChangedDocument,
  PayOrderDocument,
  UpdateOrderStateDocument,
} from '../generated/graphql.ts';
import { within } from '../utils/deferred.ts';
import { OrderFactory } from '../utils/factories.ts';
import { eventsAfter, headCursor, LiveSocket } from '../utils/live-client.ts';
import { demo, startTestApp, type TestApp } from '../utils/test-app.ts';

let t: TestApp;
let orders: OrderFactory;
const tokens: Record<'consumer' | 'other' | 'operator' | 'admin', string> = {} as never;
const sockets: LiveSocket[] = [];

function socket(token: string | undefined): LiveSocket {
  const s = new LiveSocket(t.wsUrl, token);
  sockets.push(s);
  return s;
}

beforeAll(async () => {
  t = await startTestApp();
  orders = new OrderFactory(t.app.orm);
  [tokens.consumer, tokens.other, tokens.operator, tokens.admin] = await Promise.all([
    t.login(demo.consumer),
    t.login(demo.otherConsumer),
    t.login(demo.operator),
    t.login(demo.admin),
  ]);
});
afterEach(async () => {
  await Promise.all(sockets.splice(0).map((s) => s.dispose()));
});
afterAll(() => t?.close());

const cancel = (orderId: string, token: string) =>
  t.gql(CancelOrderDocument, { orderId }, { token });
/** The operator moves an order by hand (a SALE order's PAID is followed by EFFECTIVE at once). */
async function setStatus(orderId: string, status: 'PAID' | 'EXPIRED'): Promise<void> {
  const res = await t.gql(
    UpdateOrderStateDocument,
    { orderId, status },
    { token: tokens.operator },
  );
  expect(res.data?.updateOrderState.errors).toEqual([]);
}
const cursorsOf = (events: { cursor: string }[]) => events.map((e) => e.cursor);

describe('orderStatusChanged: who sees what', () => {
  it("gives a consumer only their own orders' events, and staff everyone's", async () => {
    const after = await headCursor(t.db);
    const mine = socket(tokens.consumer).subscribe({ after });
    const theirs = socket(tokens.other).subscribe({ after });
    const operator = socket(tokens.operator).subscribe({ after });
    const admin = socket(tokens.admin).subscribe({ after });

    const a = await orders.create(demo.consumer.id);
    const b = await orders.create(demo.otherConsumer.id);
    expect((await cancel(a.id, tokens.consumer)).data?.cancelOrder.errors).toEqual([]);
    expect((await cancel(b.id, tokens.other)).data?.cancelOrder.errors).toEqual([]);

    const own = await mine.waitForCount(2);
    expect(own.map((e) => [e.orderId, e.type, e.toStatus])).toEqual([
      [a.id, 'ORDER_CREATED', 'PENDING_PAYMENT'],
      [a.id, 'STATUS_CHANGED', 'CANCELLED'],
    ]);
    expect(own[1]).toMatchObject({
      kind: 'SALE',
      fromStatus: 'PENDING_PAYMENT',
      actor: { id: demo.consumer.id },
    });
    const other = await theirs.waitForCount(2);
    expect(other.map((e) => e.orderId)).toEqual([b.id, b.id]);
    for (const staff of [operator, admin]) {
      const all = await staff.waitForCount(4);
      expect(all.map((e) => e.cursor)).toEqual(
        (await eventsAfter(t.db, after)).map((e) => e.cursor),
      );
    }
    // Nothing else trickles in: a consumer never sees the other's two events.
    expect(await mine.quietFor(300)).toEqual([]);
    expect(mine.events).toHaveLength(2);
  });

  it('narrows to one order, or to some kinds', async () => {
    const after = await headCursor(t.db);
    const a = await orders.create(demo.consumer.id);
    const b = await orders.create(demo.consumer.id);
    const chip = await orders.create(demo.consumer.id, { kind: 'CHIP' as never });
    const onlyA = socket(tokens.consumer).subscribe({ orderId: a.id, after });
    const onlyChip = socket(tokens.operator).subscribe({ kinds: ['CHIP'], after });
    const saleAndShop = socket(tokens.operator).subscribe({ kinds: ['SALE', 'SHOP'], after });
    await cancel(b.id, tokens.consumer);
    await cancel(a.id, tokens.consumer);

    expect((await onlyA.waitForCount(2)).map((e) => [e.orderId, e.toStatus])).toEqual([
      [a.id, 'PENDING_PAYMENT'],
      [a.id, 'CANCELLED'],
    ]);
    expect((await onlyChip.waitForCount(1)).map((e) => e.orderId)).toEqual([chip.id]);
    expect((await saleAndShop.waitForCount(4)).map((e) => e.orderId)).toEqual([
      a.id,
      b.id,
      b.id,
      a.id,
    ]);
    expect([...(await onlyA.quietFor(200)), ...(await onlyChip.quietFor(0))]).toEqual([]);
  });

  it("refuses another consumer's order with FORBIDDEN, and staff may watch it", async () => {
    const theirs = await orders.create(demo.otherConsumer.id);
    const refused = socket(tokens.consumer).subscribe({ orderId: theirs.id });
    await refused.waitForEnd();
    expect(refused.errors?.map((e) => e.extensions?.code)).toEqual(['FORBIDDEN']);
    expect(refused.events).toEqual([]);

    const after = await headCursor(t.db);
    const staff = socket(tokens.operator).subscribe({ orderId: theirs.id, after });
    await cancel(theirs.id, tokens.other);
    expect((await staff.waitForCount(1))[0]).toMatchObject({
      orderId: theirs.id,
      toStatus: 'CANCELLED',
    });
  });

  it('refuses a cursor it did not hand out, an unknown order and an empty kinds list with BAD_USER_INPUT', async () => {
    const cases = [
      { after: 'not-a-cursor' },
      { after: 'f'.repeat(32) },
      { orderId: 'nope' },
      { orderId: '00000000-0000-4000-8000-000000000000' },
      { kinds: [] },
    ];
    for (const variables of cases) {
      const s = socket(tokens.consumer).subscribe(variables as never);
      await s.waitForEnd();
      expect(
        s.errors?.map((e) => e.extensions?.code),
        JSON.stringify(variables),
      ).toEqual(['BAD_USER_INPUT']);
    }
  });

  it('refuses the subscription over HTTP with BAD_USER_INPUT, pointing at graphql-ws', async () => {
    const res = await t.gql(
      'subscription { orderStatusChanged { id } }',
      {},
      {
        token: tokens.consumer,
      },
    );
    expect(res.errors?.map((e) => e.extensions?.code)).toEqual(['BAD_USER_INPUT']);
    expect(res.errors?.[0].message).toMatch(/graphql-ws/);
  });

  it('refuses the subscription at once, saying why, for a missing, malformed or forged token', async () => {
    const cases: [string | undefined, RegExp][] = [
      [undefined, /must be logged in/],
      ['garbage', /token is not valid/],
      [`${tokens.consumer}x`, /token is not valid/],
    ];
    for (const [token, message] of cases) {
      const s = socket(token);
      const stream = s.subscribe({});
      expect(await stream.waitForEnd(3000)).toBe('complete');
      expect(stream.errors).toEqual([
        expect.objectContaining({
          message: expect.stringMatching(message),
          extensions: expect.objectContaining({ code: 'UNAUTHENTICATED' }),
        }),
      ]);
      // The server acknowledged the socket and did not close it: the client closed it (1000).
      expect((await s.closed.promise).code).toBe(1000);
    }
  });
});

describe('orderStatusChanged: cursors', () => {
  it('replays the events after a cursor, then goes live with no gap and no repeat', async () => {
    const order = await orders.create(demo.consumer.id);
    const start = await headCursor(t.db);
    await setStatus(order.id, 'PAID');
    const history = await eventsAfter(t.db, start, { orderId: order.id });
    expect(history.map((e) => e.toStatus)).toContain('PAID');
    const stream = socket(tokens.consumer).subscribe({ orderId: order.id, after: start });
    expect(cursorsOf(await stream.waitForCount(history.length))).toEqual(cursorsOf(history));

    await setStatus(order.id, 'EXPIRED');
    const all = await eventsAfter(t.db, start, { orderId: order.id });
    expect(all.at(-1)?.toStatus).toBe('EXPIRED');
    const delivered = await stream.waitForCount(all.length);
    expect(cursorsOf(delivered)).toEqual(cursorsOf(all));
    // Cursors compare as plain strings in delivery order.
    expect([...cursorsOf(delivered)].sort()).toEqual(cursorsOf(delivered));
    expect(await stream.quietFor(200)).toEqual([]);
  });

  it('resumes after a disconnect with exactly the events it missed', async () => {
    const order = await orders.create(demo.consumer.id);
    const other = await orders.create(demo.consumer.id);
    const start = await headCursor(t.db);
    const first = socket(tokens.consumer);
    const stream = first.subscribe({ after: start });
    await setStatus(order.id, 'PAID');
    await stream.waitForCount(
      (await eventsAfter(t.db, start, { consumerId: demo.consumer.id })).length,
    );
    const seen = stream.lastCursor!;
    await first.dispose();

    // While nobody listens: two orders move.
    await setStatus(order.id, 'EXPIRED');
    await cancel(other.id, tokens.consumer);
    const missed = await eventsAfter(t.db, seen, { consumerId: demo.consumer.id });
    expect(missed.map((e) => [e.orderId, e.toStatus])).toEqual(
      expect.arrayContaining([
        [order.id, 'EXPIRED'],
        [other.id, 'CANCELLED'],
      ]),
    );

    const resumed = socket(tokens.consumer).subscribe({ after: seen });
    expect(cursorsOf(await resumed.waitForCount(missed.length))).toEqual(cursorsOf(missed));
    expect(await resumed.quietFor(200)).toEqual([]);
    expect(stream.events.filter((e) => e.cursor > seen)).toEqual([]);
  });

  it('lists the same events with the same cursors in Order.events', async () => {
    await orders.create(demo.consumer.id);
    const after = await headCursor(t.db);
    const order = await orders.create(demo.consumer.id);
    const stream = socket(tokens.consumer).subscribe({ kinds: ['SALE'], after });
    const pay = await t.gql(
      PayOrderDocument,
      { orderId: order.id, payType: 'BALANCE', key: `live-${order.id}` },
      { token: tokens.consumer },
    );
    expect(pay.errors).toBeUndefined();
    expect(pay.data?.payOrder.errors).toEqual([]);
    const res = await t.gql(OrderByIdDocument, { id: order.id }, { token: tokens.consumer });
    expect(res.errors).toBeUndefined();
    const listed = res.data!.order!.events;
    expect(listed.slice(0, 2).map((e) => e.toStatus)).toEqual(['PENDING_PAYMENT', 'PAID']);
    const delivered = await stream.waitForCount(listed.length);
    expect(delivered.map((e) => [e.id, e.cursor, e.type, e.toStatus])).toEqual(
      listed.map((e) => [e.id, e.cursor, e.type, e.toStatus]),
    );

    // Many orders at once load their events in one batch, each order's in cursor order.
    const list = await t.gql<{
      orders: { edges: { node: { id: string; events: { cursor: string }[] } }[] };
    }>(`{ orders(first: 10) { edges { node { id events { cursor } } } } }`, undefined, {
      token: tokens.consumer,
    });
    expect(list.errors).toBeUndefined();
    const nodes = list.data!.orders.edges.map((e) => e.node);
    expect(nodes.length).toBeGreaterThan(1);
    for (const node of nodes) {
      const cursors = node.events.map((e) => e.cursor);
      expect(cursors.length).toBeGreaterThan(0);
      expect([...cursors].sort()).toEqual(cursors);
    }
    expect(nodes.find((n) => n.id === order.id)!.events.map((e) => e.cursor)).toEqual(
      listed.map((e) => e.cursor),
    );
  });

  it('publishes nothing for a change whose transaction rolls back; the next commit follows with no gap', async () => {
    const order = await orders.create(demo.consumer.id);
    const start = await headCursor(t.db);
    const mine = socket(tokens.consumer).subscribe({ orderId: order.id, after: start });
    const staff = socket(tokens.operator).subscribe({ after: start });
    await mine.quietFor(100);

    // The real lifecycle code writes the event row (and queues its NOTIFY), then the
    // transaction fails: the row, the status change and the notification all go.
    const failure = new Error('fails after the event was appended');
    const attempt = t.app.orm.em.fork().transactional(async (em) => {
      const locked = await lockOrder(em, order.id);
      transition(em, locked!, OrderStatus.CANCELLED, {
        actorId: demo.operator.id,
        data: { attempt: 'rolled back' },
      });
      await em.flush();
      const written = await em.execute<{ n: number }[]>(
        `select count(*)::int as n from order_events where order_id = ? and to_status = 'CANCELLED'`,
        [order.id],
      );
      expect(written[0].n).toBe(1);
      throw failure;
    });
    await expect(attempt).rejects.toBe(failure);
    expect(await eventsAfter(t.db, start)).toEqual([]);

    // Then a change that commits, through the API.
    expect((await cancel(order.id, tokens.consumer)).data?.cancelOrder.errors).toEqual([]);
    const committed = await eventsAfter(t.db, start);
    expect(committed.map((e) => [e.orderId, e.toStatus])).toEqual([[order.id, 'CANCELLED']]);

    for (const stream of [mine, staff]) {
      const [event] = await stream.waitForCount(1);
      expect(event).toMatchObject({ orderId: order.id, toStatus: 'CANCELLED', data: null });
      expect(event.actor).toEqual({ id: demo.consumer.id });
      expect(await stream.quietFor(300)).toEqual([]);
      // Exactly the table's rows after the cursor: nothing of the rolled-back attempt, no gap.
      expect(cursorsOf(stream.events)).toEqual(cursorsOf(committed));
    }
  });
});

describe('orderStatusChanged: a lost notification', () => {
  let q: TestApp;
  beforeAll(async () => {
    // The safety read ten minutes away: within a test only NOTIFY or a reconnect wakes the hub.
    q = await startTestApp({ config: { liveSafetyPollMs: 600_000 } });
  });
  afterAll(() => q?.close());

  it('delivers a commit whose NOTIFY never came once the listening connection is back', async () => {
    const live = new LiveSocket(q.wsUrl, await q.login(demo.operator));
    sockets.push(live);
    const stream = live.subscribe({ after: await headCursor(q.db) });
    const order = await new OrderFactory(q.app.orm).create(demo.consumer.id);
    expect((await stream.waitForCount(1))[0]).toMatchObject({ orderId: order.id });
    const seen = stream.lastCursor!;

    // A commit that notifies nobody: the insert trigger's NOTIFY is off for it.
    await q.db.query(`alter table order_events disable trigger order_events_notify`);
    try {
      const res = await q.gql(
        CancelOrderDocument,
        { orderId: order.id },
        { token: await q.login(demo.consumer) },
      );
      expect(res.data?.cancelOrder.errors).toEqual([]);
    } finally {
      await q.db.query(`alter table order_events enable trigger order_events_notify`);
    }
    const missed = await eventsAfter(q.db, seen);
    expect(missed.map((e) => e.toStatus)).toEqual(['CANCELLED']);
    // Committed, but nothing has woken the hub: the client has not got it.
    expect(await stream.quietFor(700)).toEqual([]);

    // The listener drops; the hub reconnects and reads the table from its cursor.
    const reconnects = q.app.subscriptions.stats().reconnects;
    const killed = await q.db.query(
      `select pg_terminate_backend(pid) from pg_stat_activity
        where application_name = 'orderly-live-hub' and datname = current_database()`,
    );
    expect(killed.rowCount).toBe(1);
    await stream.waitForCount(2);
    expect(cursorsOf(stream.events.slice(1))).toEqual(cursorsOf(missed));
    expect(q.app.subscriptions.stats().reconnects).toBe(reconnects + 1);
    expect(await stream.quietFor(200)).toEqual([]);
  });
});

describe('the live hub with nobody subscribed', () => {
  let h: TestApp;
  beforeAll(async () => {
    // No safety reads within the test: every read it counts answers a notification.
    h = await startTestApp({ config: { liveSafetyPollMs: 600_000 } });
  });
  afterAll(() => h?.close());

  const hub = () => h.app.subscriptions.stats();
  /** Until the hub's cursor has passed `cursor`. */
  const passed = (cursor: string) =>
    expect.poll(() => hub().position >= cursor, { interval: 10, timeout: 5000 }).toBe(true);

  it('reads the table at most once per IDLE_READ_MS under a stream of commits, and keeps its cursor current', async () => {
    const factory = new OrderFactory(h.app.orm);
    const made = await Promise.all(
      Array.from({ length: 30 }, () => factory.create(demo.consumer.id)),
    );
    await passed(await headCursor(h.db));
    expect(hub().subscriptions).toBe(0);
    const before = hub();
    const started = Date.now();
    // Thirty commits one after another, each notifying the hub.
    for (const { id } of made) {
      await h.app.orm.em.fork().transactional(async (em) => {
        const order = await lockOrder(em, id);
        transition(em, order!, OrderStatus.CANCELLED, { actorId: demo.operator.id });
        await em.flush();
      });
    }
    const head = await headCursor(h.db);
    await passed(head);
    const elapsed = Date.now() - started;
    const after = hub();
    expect(after.notifications - before.notifications).toBe(30);
    // One read at once, then one per IDLE_READ_MS at most (it used to be one per commit).
    expect(after.reads - before.reads).toBeGreaterThanOrEqual(1);
    expect(after.reads - before.reads).toBeLessThanOrEqual(Math.floor(elapsed / IDLE_READ_MS) + 2);

    // The next subscriber, opened once the hub is current, gets what follows and nothing older.
    const order = await factory.create(demo.consumer.id);
    const created = await headCursor(h.db);
    await passed(created);
    const live = new LiveSocket(h.wsUrl, await h.login(demo.consumer));
    sockets.push(live);
    const stream = live.subscribe();
    await expect.poll(() => hub().subscriptions, { interval: 10 }).toBe(1);
    const res = await h.gql(
      CancelOrderDocument,
      { orderId: order.id },
      { token: await h.login(demo.consumer) },
    );
    expect(res.data?.cancelOrder.errors).toEqual([]);
    const [event] = await stream.waitForCount(1);
    expect(event).toMatchObject({ orderId: order.id, toStatus: 'CANCELLED' });
    expect(await stream.quietFor(200)).toEqual([]);
  });
});

describe('keep-alive', () => {
  const KEEPALIVE_MS = 300;
  let k: TestApp;
  let token: string;
  beforeAll(async () => {
    k = await startTestApp({ config: { subscriptionKeepAliveMs: KEEPALIVE_MS } });
    token = await k.login(demo.operator);
  });
  afterAll(() => k?.close());

  /**
   * A raw graphql-transport-ws socket, acknowledged, with one live subscription; `pings` holds
   * when each ping arrived. With `autoPong` false it never answers them.
   */
  async function rawSubscriber(autoPong: boolean): Promise<{ ws: WebSocket; pings: number[] }> {
    const ws = new WebSocket(k.wsUrl, 'graphql-transport-ws', { autoPong });
    const pings: number[] = [];
    ws.on('ping', () => pings.push(Date.now()));
    await once(ws, 'open');
    ws.send(
      JSON.stringify({ type: 'connection_init', payload: { authorization: `Bearer ${token}` } }),
    );
    const [ack] = (await once(ws, 'message')) as [Buffer];
    expect(JSON.parse(String(ack))).toEqual({ type: 'connection_ack' });
    ws.send(
      JSON.stringify({
        id: '1',
        type: 'subscribe',
        payload: { query: print(OrderStatusChangedDocument), variables: {} },
      }),
    );
    return { ws, pings };
  }

  async function untilSubscriptions(n: number): Promise<void> {
    const deadline = Date.now() + 5000;
    while (k.app.subscriptions.stats().subscriptions !== n) {
      if (Date.now() > deadline) throw new Error(`expected ${n} subscriptions on the server`);
      await new Promise((r) => setTimeout(r, 20));
    }
  }

  it('pings every SUBSCRIPTION_KEEPALIVE_MS and keeps a socket that answers', async () => {
    const opened = Date.now();
    const { ws, pings } = await rawSubscriber(true);
    try {
      await within(
        new Promise<void>((done) => ws.on('ping', () => pings.length >= 3 && done())),
        KEEPALIVE_MS * 3 + 4000,
        `three pings (got ${pings.length})`,
      );
      // The first within the interval, then one per interval (plus slack for a busy machine;
      // the default would be 12 s).
      expect(pings[0] - opened).toBeLessThan(KEEPALIVE_MS + 1000);
      for (let i = 1; i < pings.length; i++) {
        expect(pings[i] - pings[i - 1]).toBeLessThan(KEEPALIVE_MS + 1000);
      }
      // Not more often than the interval: counted over the whole span, since one stalled
      // event loop can bunch two receptions together without the server sending them so.
      const span = pings[pings.length - 1] - opened;
      expect(pings.length).toBeLessThanOrEqual(Math.floor(span / KEEPALIVE_MS) + 1);
      expect(ws.readyState).toBe(WebSocket.OPEN);
      expect(k.app.subscriptions.stats().subscriptions).toBe(1);
    } finally {
      ws.close();
      await untilSubscriptions(0);
    }
  });

  it('drops a socket that stops answering pings, and its subscription with it', async () => {
    const { ws: answering } = await rawSubscriber(true);
    const start = Date.now();
    const { ws: silent, pings } = await rawSubscriber(false);
    await untilSubscriptions(2);
    try {
      const [code] = (await within(
        once(silent, 'close'),
        KEEPALIVE_MS * 2 + 2000,
        'the silent socket to be dropped',
      )) as [number];
      // Terminated without a close frame: pinged after one interval, then one interval with no
      // pong.
      expect(code).toBe(1006);
      expect(pings.length).toBeGreaterThanOrEqual(1);
      expect(Date.now() - start).toBeGreaterThanOrEqual(2 * KEEPALIVE_MS - 20);
      await untilSubscriptions(1);
      // The socket that answers was pinged just the same and stays.
      expect(answering.readyState).toBe(WebSocket.OPEN);
    } finally {
      answering.close();
      silent.terminate();
      await untilSubscriptions(0);
    }
  });
});
