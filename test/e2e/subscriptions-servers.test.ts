import { print } from 'graphql';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { TypedDocumentNode } from '@graphql-typed-document-node/core';
import { OrderStatus } from '../../src/platform/orders/order.entity';
import { lockOrder, transition } from '../../src/platform/orders/order-lifecycle';
import { CloseCode } from '../../src/platform/events/subscription-server';
import { CancelOrderDocument, LoginDocument, UpdateOrderStateDocument } from '../generated/graphql';
import { spawnServer, waitUntilServing, type ChildServer } from '../utils/child-server';
import { OrderFactory } from '../utils/factories';
import { eventsAfter, headCursor, LiveSocket } from '../utils/live-client';
import { concurrently, demo, startTestApp, type TestApp } from '../utils/test-app';

/** A GraphQL request to any server, not just the in-process one. */
async function gqlAt<T, V>(
  url: string,
  doc: TypedDocumentNode<T, V>,
  variables: V,
  token?: string,
): Promise<{ data?: T; errors?: unknown[] }> {
  const res = await fetch(url, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      ...(token ? { authorization: `Bearer ${token}` } : {}),
    },
    body: JSON.stringify({ query: print(doc), variables }),
  });
  return (await res.json()) as { data?: T; errors?: unknown[] };
}

async function loginAt(url: string, account: { id: string; password: string }): Promise<string> {
  const res = await gqlAt(url, LoginDocument, {
    consumerId: account.id,
    password: account.password,
  });
  return res.data!.login.token!;
}

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
    b = await spawnServer({ DATABASE_URL: t.databaseUrl });
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

  it('on SIGTERM closes its sockets with 1001, and the client resumes on the other process', async () => {
    const orders = new OrderFactory(t.app.orm);
    const made = await concurrently(4, () => orders.create(demo.consumer.id));
    const after = await headCursor(t.db);
    const operator = await t.login(demo.operator);
    const onB = new LiveSocket(b.url.replace('http', 'ws'), await loginAt(b.url, demo.consumer));
    sockets.push(onB);
    const stream = onB.subscribe({ after });
    for (const order of made.slice(0, 2)) {
      await t.gql(
        UpdateOrderStateDocument,
        { orderId: order.id, status: 'PAID' },
        { token: operator },
      );
    }
    await stream.waitForCount(
      (await eventsAfter(t.db, after, { consumerId: demo.consumer.id })).length,
    );

    b.process.kill('SIGTERM');
    expect((await onB.closed.promise).code).toBe(CloseCode.GoingAway);
    expect(await b.exited).toBe(0);
    for (const order of made.slice(2)) {
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
    const rest = await resumed.waitForCount(expected.length - stream.events.length);
    const all = [...stream.events, ...rest].map((e) => e.cursor);
    expect(all).toEqual(expected.map((e) => e.cursor));
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
