import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { EntityManager } from '@mikro-orm/postgresql';
import { OrderKind, OrderStatus } from '../../src/platform/orders/order.entity.ts';
import { lockOrder, transition } from '../../src/platform/orders/order-lifecycle.ts';
import { CloseCode } from '../../src/platform/events/subscription-server.ts';
import { eventCursor, START_CURSOR } from '../../src/platform/events/order-event.mapping.ts';
import { orderEventStore } from '../../src/platform/events/order-event.store.ts';
import { CancelOrderDocument, UpdateOrderStateDocument } from '../generated/graphql.ts';
import { deferred } from '../utils/deferred.ts';
import { OrderFactory } from '../utils/factories.ts';
import { eventsAfter, headCursor, LiveSocket, type LiveStream } from '../utils/live-client.ts';
import { concurrently, demo, startTestApp, type TestApp } from '../utils/test-app.ts';

let t: TestApp;
let orders: OrderFactory;
const tokens: Record<string, string> = {};
const sockets: LiveSocket[] = [];
const consumers = [demo.consumer, demo.otherConsumer, demo.thirdConsumer];

function socket(app: TestApp, token: string): LiveSocket {
  const s = new LiveSocket(app.wsUrl, token);
  sockets.push(s);
  return s;
}

beforeAll(async () => {
  t = await startTestApp();
  orders = new OrderFactory(t.app.orm);
  for (const account of [...consumers, demo.operator]) tokens[account.id] = await t.login(account);
});
afterEach(async () => {
  await Promise.all(sockets.splice(0).map((s) => s.dispose()));
});
afterAll(() => t?.close());

/** Moves an order in its own transaction through the real lifecycle code, by the operator. */
async function move(
  app: TestApp,
  orderId: string,
  to: OrderStatus,
  inside?: (em: EntityManager) => Promise<void>,
): Promise<void> {
  await app.app.orm.em.fork().transactional(async (em) => {
    const order = await lockOrder(em, orderId);
    transition(em, order!, to, { actorId: demo.operator.id });
    await em.flush();
    await inside?.(em);
  });
}

/** Asserts a stream got exactly the table's matching events after `after`, in cursor order. */
async function expectExactly(
  stream: LiveStream | LiveStream[],
  after: string,
  where: Parameters<typeof eventsAfter>[2] = {},
): Promise<void> {
  const expected = (await eventsAfter(t.db, after, where)).map((e) => e.cursor);
  const streams = Array.isArray(stream) ? stream : [stream];
  await streams
    .at(-1)!
    .waitForCount(
      expected.length - streams.slice(0, -1).reduce((n, s) => n + s.events.length, 0),
      20_000,
    );
  await new Promise((r) => setTimeout(r, 300)); // anything extra would show up by now
  const got = streams.flatMap((s) => s.events.map((e) => e.cursor));
  expect(got).toEqual(expected);
  expect(new Set(got).size).toBe(got.length);
}

describe('commit order against cursor order', () => {
  it('holds back an event whose transaction committed first until an older one still open commits', async () => {
    const [a, b] = [await orders.create(demo.consumer.id), await orders.create(demo.consumer.id)];
    const after = await headCursor(t.db);
    const staff = socket(t, tokens[demo.operator.id]).subscribe({ after });
    const aWrote = deferred();
    const mayCommitA = deferred();
    // A takes its xid and its event id first, B second; B commits first, A last.
    const txA = move(t, a.id, OrderStatus.PAID, async () => {
      aWrote.resolve();
      await mayCommitA.promise;
    });
    await aWrote.promise;
    await move(t, b.id, OrderStatus.PAID);
    // B is committed and its NOTIFY went out, yet nothing may be delivered while A is open: a
    // reader that went past B's row now would never come back for A's.
    expect(await staff.quietFor(300)).toEqual([]);
    mayCommitA.resolve();
    await txA;
    const [first, second] = await staff.waitForCount(2);
    expect([first.orderId, second.orderId]).toEqual([a.id, b.id]);
    expect(Number(first.id)).toBeLessThan(Number(second.id));
    await expectExactly(staff, after);
  });

  it('delivers in transaction order when event ids were taken in the other order', async () => {
    const [a, b] = [await orders.create(demo.consumer.id), await orders.create(demo.consumer.id)];
    const after = await headCursor(t.db);
    const staff = socket(t, tokens[demo.operator.id]).subscribe({ after });
    const aHasXid = deferred();
    const bWrote = deferred();
    // A gets its xid first (the row lock), B inserts its event first (the smaller id).
    const txA = t.app.orm.em.fork().transactional(async (em) => {
      const order = await lockOrder(em, a.id);
      aHasXid.resolve();
      await bWrote.promise;
      transition(em, order!, OrderStatus.PAID, { actorId: demo.operator.id });
      await em.flush();
    });
    await aHasXid.promise;
    await move(t, b.id, OrderStatus.PAID, async () => bWrote.resolve());
    await txA;
    const [first, second] = await staff.waitForCount(2);
    expect([first.orderId, second.orderId]).toEqual([a.id, b.id]);
    expect(Number(first.id)).toBeGreaterThan(Number(second.id));
    expect(first.cursor < second.cursor).toBe(true);
    await expectExactly(staff, after);
  });

  it("keeps one order's events in the order they happened when the later writer got its xid first", async () => {
    const order = await orders.create(demo.consumer.id);
    const after = await headCursor(t.db);
    const stream = socket(t, tokens[demo.consumer.id]).subscribe({ orderId: order.id, after });
    const secondHasXid = deferred();
    const firstHolds = deferred();
    const mayLock = deferred();
    // The second transaction takes an xid first (as payOrder does with its idempotency key),
    // then the first locks the order and moves it to PAID, and only then does the second ask
    // for the lock: it waits, and moves the order on to EFFECTIVE once the first commits.
    const second = t.app.orm.em.fork().transactional(async (em) => {
      await em.execute('select pg_current_xact_id()');
      secondHasXid.resolve();
      await mayLock.promise;
      const locked = await lockOrder(em, order.id);
      transition(em, locked!, OrderStatus.EFFECTIVE, { actorId: demo.operator.id });
      await em.flush();
    });
    await secondHasXid.promise;
    const first = move(t, order.id, OrderStatus.PAID, async () => {
      firstHolds.resolve();
      await new Promise((r) => setTimeout(r, 100));
    });
    await firstHolds.promise;
    mayLock.resolve();
    await Promise.all([first, second]);
    const { rows } = await t.db.query<{ to_status: string; xid: string }>(
      `select to_status, tx_id::text as xid from order_events where order_id = $1 order by id`,
      [order.id],
    );
    expect(rows.map((r) => r.to_status)).toEqual(['PENDING_PAYMENT', 'PAID', 'EFFECTIVE']);
    // The EFFECTIVE row was raised to the PAID row's position (same tx_id, later id).
    expect(rows[2].xid).toBe(rows[1].xid);
    const events = await stream.waitForCount(2);
    expect(events.map((e) => [e.fromStatus, e.toStatus])).toEqual([
      ['PENDING_PAYMENT', 'PAID'],
      ['PAID', 'EFFECTIVE'],
    ]);
  });
});

describe('reading the outbox', () => {
  it('goes in numeric xid order where xids gain a digit (999 before 1000)', async () => {
    const made = await concurrently(3, () => orders.create(demo.thirdConsumer.id));
    // Hand-made positions far below any real xid, so they are the table's first rows (the
    // follow-order trigger, which would raise them to their orders' positions, is off for it).
    const ids: string[] = [];
    const client = await t.db.connect();
    try {
      await client.query('begin');
      await client.query('alter table order_events disable trigger order_events_follow_order');
      for (const [i, txId] of ['100', '9', '10'].entries()) {
        const { rows } = await client.query<{ id: string }>(
          `insert into order_events (tx_id, order_id, kind, consumer_id, type)
           values ($1::xid8, $2, 'SALE', $3, 'NOTE_CHANGED') returning id::text`,
          [txId, made[i].id, demo.thirdConsumer.id],
        );
        ids.push(rows[0].id);
      }
      await client.query('alter table order_events enable trigger order_events_follow_order');
      await client.query('commit');
    } finally {
      client.release();
    }
    const expected = [
      eventCursor('9', ids[1]),
      eventCursor('10', ids[2]),
      eventCursor('100', ids[0]),
    ];
    const settled = await orderEventStore.readSettled(t.db, START_CURSOR, 3);
    expect(settled.rows.map((r) => eventCursor(r.tx_id, r.id))).toEqual(expected);
    const range = await orderEventStore.readRange(
      t.db,
      START_CURSOR,
      expected[2],
      { consumerId: demo.thirdConsumer.id, orderId: null, kinds: [OrderKind.SALE] },
      10,
    );
    expect(range.map((r) => eventCursor(r.tx_id, r.id))).toEqual(expected);
  });
});

describe('many concurrent writers', () => {
  it('gives every subscriber each of its events exactly once, in cursor order', async () => {
    const writers = 20;
    // Per writer: three SALE orders taken to PAID by the operator (EFFECTIVE follows in the same
    // transaction) and then to EXPIRED, and one cancelled by its owner: 10 transitions, the
    // four chains at once.
    const plan = await concurrently(writers, async (w) => {
      const owner = consumers[w % consumers.length];
      const made = await Promise.all(
        [0, 1, 2, 3].map(() => orders.create(owner.id, { payment: '10.00' })),
      );
      return { owner, chains: made.slice(0, 3).map((o) => o.id), cancel: made[3].id };
    });
    const pairs = await concurrently(5, async () => [
      (await orders.create(demo.consumer.id)).id,
      (await orders.create(demo.otherConsumer.id)).id,
    ]);
    const after = await headCursor(t.db);
    const everyone = socket(t, tokens[demo.operator.id]).subscribe({ after });
    const sales = socket(t, tokens[demo.operator.id]).subscribe({ after, kinds: ['SALE'] });
    const own = consumers.map((c) => socket(t, tokens[c.id]).subscribe({ after }));
    const oneOrder = socket(t, tokens[plan[0].owner.id]).subscribe({
      after,
      orderId: plan[0].chains[0],
    });
    const interrupted = socket(t, tokens[demo.operator.id]);
    const beforeDrop = interrupted.subscribe({ after });
    const resumedLater = deferred<LiveStream>();

    const operator = tokens[demo.operator.id];
    const step = async (orderId: string, status: 'PAID' | 'EXPIRED') => {
      const res = await t.gql(UpdateOrderStateDocument, { orderId, status }, { token: operator });
      expect(res.data?.updateOrderState.errors).toEqual([]);
    };
    const load = concurrently(writers, async (w) => {
      const { owner, chains, cancel } = plan[w];
      await Promise.all([
        ...chains.map(async (id) => {
          await step(id, 'PAID');
          await step(id, 'EXPIRED');
        }),
        t
          .gql(CancelOrderDocument, { orderId: cancel }, { token: tokens[owner.id] })
          .then((res) => expect(res.data?.cancelOrder.errors).toEqual([])),
      ]);
    });
    // Meanwhile: pairs of transactions that commit in the opposite order of their ids.
    const crossed = concurrently(pairs.length, async (i) => {
      const [a, b] = pairs[i];
      const aWrote = deferred();
      const bDone = deferred();
      const txA = move(t, a, OrderStatus.PAID, async () => {
        aWrote.resolve();
        await bDone.promise;
      });
      await aWrote.promise;
      await move(t, b, OrderStatus.PAID);
      bDone.resolve();
      await txA;
    });
    // And one subscriber drops mid-stream and comes back with its last cursor.
    void beforeDrop.waitForCount(40, 20_000).then(async () => {
      await interrupted.dispose();
      const resumed = socket(t, operator).subscribe({ after: beforeDrop.lastCursor });
      resumedLater.resolve(resumed);
    });
    await Promise.all([load, crossed]);

    const total = (await eventsAfter(t.db, after)).length;
    expect(total).toBeGreaterThanOrEqual(writers * 10 + pairs.length * 2);
    await expectExactly(everyone, after);
    await expectExactly(sales, after, { kinds: ['SALE'] });
    for (const [i, c] of consumers.entries()) {
      await expectExactly(own[i], after, { consumerId: c.id });
    }
    await expectExactly(oneOrder, after, { orderId: plan[0].chains[0] });
    await expectExactly([beforeDrop, await resumedLater.promise], after);
  }, 60_000);
});

describe('a subscriber that falls behind', () => {
  it('has its socket closed with 1013 and resumes from its last cursor without losing one', async () => {
    const small = await startTestApp({ config: { subscriptionQueueLimit: 3 } });
    try {
      const factory = new OrderFactory(small.app.orm);
      const made = await concurrently(12, () => factory.create(demo.consumer.id));
      const token = await small.login(demo.operator);
      const after = await headCursor(small.db);
      const slow = new LiveSocket(small.wsUrl, token);
      sockets.push(slow);
      const stream = slow.subscribe({ after });
      await stream.quietFor(100); // subscribed and live
      // Twelve events in one transaction reach the hub in one read: more than 3 can queue.
      await small.app.orm.em.fork().transactional(async (em) => {
        for (const order of made) {
          transition(em, (await lockOrder(em, order.id))!, OrderStatus.PAID, {
            actorId: demo.operator.id,
          });
        }
        await em.flush();
      });
      const closed = await slow.closed.promise;
      expect(closed.code).toBe(CloseCode.TryAgainLater);
      expect(closed.reason).toMatch(/last cursor/);
      expect(stream.events.length).toBeLessThan(12);
      await new Promise((r) => setTimeout(r, 50));
      expect(small.app.subscriptions.stats().subscriptions).toBe(0);

      const again = new LiveSocket(small.wsUrl, token);
      sockets.push(again);
      const resumed = again.subscribe({ after: stream.lastCursor ?? after });
      const rest = await resumed.waitForCount(12 - stream.events.length);
      const all = [...stream.events, ...rest].map((e) => e.cursor);
      expect(all).toEqual((await eventsAfter(small.db, after)).map((e) => e.cursor));
      expect(await resumed.quietFor(200)).toEqual([]);
    } finally {
      await small.close();
    }
  });
});
