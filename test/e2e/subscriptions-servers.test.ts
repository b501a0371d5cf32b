import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { OrderStatus } from '../../src/platform/orders/order.entity.ts';
import { lockOrder, transition } from '../../src/platform/orders/order-lifecycle.ts';
import { CloseCode } from '../../src/platform/events/subscription-server.ts';
import { CancelOrderDocument, UpdateOrderStateDocument } from '../generated/graphql.ts';
import {
  gqlAt,
  loginAt,
  spawnServer,
  waitUntilServing,
  type ChildServer,
} from '../utils/child-server.ts';
import { OrderFactory } from '../utils/factories.ts';
import { eventsAfter, headCursor, LiveSocket } from '../utils/live-client.ts';
import {
  concurrently,
  demo,
  startTestApp,
  UNPAID_LIMITS_OFF_ENV,
  type TestApp,
} from '../utils/test-app.ts';

const sockets: LiveSocket[] = [];
afterEach(async () => {
  await Promise.all(sockets.splice(0).map((s) => s.dispose()));
});

/**
 * Two server processes on one database: the in-process test app (A) and `npm start`'s entry
 * point run as a real child process (B) with DATABASE_URL pointing at A's test database.
 */
describe('two server processes on one database', () => {
  let t: TestApp;
  let b: ChildServer;
  beforeAll(async () => {
    t = await startTestApp();
    // B reads the table only when notified (its safety read is ten minutes away), so the SIGTERM
    // test knows which events it has not read yet.
    b = await spawnServer({
      DATABASE_URL: t.databaseUrl,
      LIVE_SAFETY_POLL_MS: '600000',
      ...UNPAID_LIMITS_OFF_ENV,
    });
    await waitUntilServing(b);
  }, 60_000);
  afterAll(async () => {
    b?.process.kill('SIGKILL');
    await t?.close();
  });

  it('delivers a change made on one process to subscribers of the other, with the same cursors', async () => {
    const orders = new OrderFactory(t.app.orm);
    const mine = await orders.create(demo.consumer.id);
    const theirs = await orders.create(demo.otherConsumer.id);
    const after = await headCursor(t.db);
    const wsB = b.url.replace('http', 'ws');
    const consumerOnB = new LiveSocket(wsB, await loginAt(b.url, demo.consumer));
    const operatorOnA = new LiveSocket(t.wsUrl, await t.login(demo.operator));
    sockets.push(consumerOnB, operatorOnA);
    const onB = consumerOnB.subscribe({ after });
    const onA = operatorOnA.subscribe({ after });

    // A mutation on A, one on B.
    const operatorA = await t.login(demo.operator);
    const onAResult = await t.gql(
      UpdateOrderStateDocument,
      { orderId: mine.id, status: 'PAID' },
      { token: operatorA },
    );
    expect(onAResult.data?.updateOrderState.errors).toEqual([]);
    const onBResult = await gqlAt(
      b.url,
      CancelOrderDocument,
      { orderId: theirs.id },
      await loginAt(b.url, demo.otherConsumer),
    );
    expect(onBResult.data?.cancelOrder.errors).toEqual([]);

    // B's consumer sees their order's events, A's operator everything: the table's rows.
    const mineAfter = await eventsAfter(t.db, after, { consumerId: demo.consumer.id });
    const allAfter = await eventsAfter(t.db, after);
    expect(mineAfter.map((e) => [e.orderId, e.toStatus])).toContainEqual([mine.id, 'PAID']);
    expect(allAfter.map((e) => [e.orderId, e.toStatus])).toContainEqual([theirs.id, 'CANCELLED']);
    const seenOnB = await onB.waitForCount(mineAfter.length);
    const seenOnA = await onA.waitForCount(allAfter.length);
    expect(seenOnB.map((e) => e.cursor)).toEqual(mineAfter.map((e) => e.cursor));
    expect(seenOnA.map((e) => e.cursor)).toEqual(allAfter.map((e) => e.cursor));
    expect(await onB.quietFor(200)).toEqual([]);
    // Each process reports its own subscriptions and cursor.
    const stats = (await (await fetch(b.url.replace('/graphql', '/healthz/live'))).json()) as {
      subscriptions: number;
      position: string;
      listening: boolean;
    };
    expect(stats).toMatchObject({ subscriptions: 1, listening: true });
    expect(stats.position >= seenOnA.at(-1)!.cursor).toBe(true);
  });

  it('on SIGTERM writes out a burst committed just before, closes with 1001, and the client resumes on the other process', async () => {
    const orders = new OrderFactory(t.app.orm);
    const made = await concurrently(24, () => orders.create(demo.consumer.id));
    const after = await headCursor(t.db);
    const onB = new LiveSocket(b.url.replace('http', 'ws'), await loginAt(b.url, demo.consumer));
    sockets.push(onB);
    const stream = onB.subscribe({ after });
    // Live on B (past its replay) before the burst.
    const liveUrl = b.url.replace('/graphql', '/healthz/live');
    for (let tries = 0; ; tries++) {
      const stats = (await (await fetch(liveUrl)).json()) as {
        subscriptions: number;
        replaying: number;
      };
      if (stats.subscriptions === 1 && stats.replaying === 0) break;
      if (tries > 100)
        throw new Error(`B never had the subscription live: ${JSON.stringify(stats)}`);
      await new Promise((r) => setTimeout(r, 20));
    }

    // A burst of 20 transitions, each in its own transaction, all committed, then SIGTERM at
    // once. The first ten notify as usual (B may be reading or writing them when the signal
    // comes); the last ten notify nobody, so B has surely not read them: only its shutdown read
    // can deliver them.
    const cancelAll = (some: typeof made) =>
      Promise.all(
        some.map(({ id }) =>
          t.app.orm.em.fork().transactional(async (em) => {
            const order = await lockOrder(em, id);
            transition(em, order!, OrderStatus.CANCELLED, { actorId: demo.operator.id });
            await em.flush();
          }),
        ),
      );
    await cancelAll(made.slice(0, 10));
    await t.db.query(`alter table order_events disable trigger order_events_notify`);
    try {
      await cancelAll(made.slice(10, 20));
    } finally {
      await t.db.query(`alter table order_events enable trigger order_events_notify`);
    }
    b.process.kill('SIGTERM');
    const committed = await eventsAfter(t.db, after, { consumerId: demo.consumer.id });
    expect(committed).toHaveLength(20);
    const closed = await onB.closed.promise;
    // Every committed event came before the close frame.
    const beforeClose = stream.events.map((e) => e.cursor);
    expect(closed.code).toBe(CloseCode.GoingAway);
    expect(beforeClose).toEqual(committed.map((e) => e.cursor));
    expect(await b.exited).toBe(0);

    // While B is gone: more transitions, picked up on A from the last cursor.
    const operator = await t.login(demo.operator);
    for (const order of made.slice(20)) {
      await t.gql(
        UpdateOrderStateDocument,
        { orderId: order.id, status: 'PAID' },
        { token: operator },
      );
    }
    const onA = new LiveSocket(t.wsUrl, await t.login(demo.consumer));
    sockets.push(onA);
    const resumed = onA.subscribe({ after: stream.lastCursor });
    const expected = await eventsAfter(t.db, after, { consumerId: demo.consumer.id });
    const rest = await resumed.waitForCount(expected.length - beforeClose.length);
    expect([...beforeClose, ...rest.map((e) => e.cursor)]).toEqual(expected.map((e) => e.cursor));
    expect(expected.filter((e) => e.toStatus === 'PAID')).toHaveLength(4);
    expect(await resumed.quietFor(200)).toEqual([]);
  });
});

describe('graceful shutdown', () => {
  it('writes out the events already committed, then closes with 1001', async () => {
    const t = await startTestApp();
    try {
      const orders = new OrderFactory(t.app.orm);
      const made = await concurrently(25, () => orders.create(demo.consumer.id));
      const after = await headCursor(t.db);
      const socket = new LiveSocket(t.wsUrl, await t.login(demo.operator));
      sockets.push(socket);
      const stream = socket.subscribe({ after });
      await stream.quietFor(100);
      // 25 events commit at once and the server is told to stop right away.
      await t.app.orm.em.fork().transactional(async (em) => {
        for (const order of made) {
          transition(em, (await lockOrder(em, order.id))!, OrderStatus.PAID, {
            actorId: demo.operator.id,
          });
        }
        await em.flush();
      });
      const closing = t.app.close();
      const closed = await socket.closed.promise;
      expect(closed.code).toBe(CloseCode.GoingAway);
      expect(stream.events.map((e) => e.cursor)).toEqual(
        (await eventsAfter(t.db, after)).map((e) => e.cursor),
      );
      expect(stream.events).toHaveLength(25);
      await closing;
      expect(t.app.subscriptions.stats().subscriptions).toBe(0);
    } finally {
      await t.close();
    }
  });
});
