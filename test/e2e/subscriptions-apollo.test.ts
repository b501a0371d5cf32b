import { ApolloClient, HttpLink, InMemoryCache, gql, split } from '@apollo/client';
import type { TypedDocumentNode } from '@apollo/client';
import { GraphQLWsLink } from '@apollo/client/link/subscriptions';
import { getMainDefinition } from '@apollo/client/utilities';
import { createClient } from 'graphql-ws';
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { UpdateOrderStateDocument } from '../generated/graphql.ts';
import { deferred, within } from '../utils/deferred.ts';
import { OrderFactory } from '../utils/factories.ts';
import { demo, startTestApp, type TestApp } from '../utils/test-app.ts';

// What a web UI's own documents would say: the order through the `Order` interface, with the
// cursor of its last event so the live part starts exactly where the page left off.
interface LiveOrderData {
  order: { __typename: string; id: string; status: string; events: { cursor: string }[] } | null;
}
const LIVE_ORDER: TypedDocumentNode<LiveOrderData, { id: string }> = gql`
  query LiveOrder($id: ID!) {
    order(id: $id) {
      id
      status
      events {
        cursor
      }
    }
  }
`;
interface ChangesData {
  orderStatusChanged: { id: string; cursor: string; orderId: string; toStatus: string | null };
}
const ORDER_CHANGES: TypedDocumentNode<ChangesData, { orderId: string; after?: string }> = gql`
  subscription LiveOrderChanges($orderId: ID!, $after: String) {
    orderStatusChanged(orderId: $orderId, after: $after) {
      id
      cursor
      orderId
      toStatus
    }
  }
`;

let t: TestApp;
beforeAll(async () => {
  t = await startTestApp();
});
afterAll(() => t?.close());

/** The implementations of each interface, as the project publishes them (`npm run codegen`). */
const { possibleTypes } = JSON.parse(readFileSync('possible-types.json', 'utf8')) as {
  possibleTypes: Record<string, string[]>;
};

/** What a web page sets up: the cache, HTTP for queries, graphql-ws for subscriptions. */
function apolloClient(token: string) {
  const httpRequests: string[] = [];
  const wsClient = createClient({
    url: t.wsUrl,
    webSocketImpl: WebSocket,
    connectionParams: { authorization: `Bearer ${token}` },
  });
  const client = new ApolloClient({
    cache: new InMemoryCache({ possibleTypes }),
    link: split(
      ({ query }) => {
        const main = getMainDefinition(query);
        return main.kind === 'OperationDefinition' && main.operation === 'subscription';
      },
      new GraphQLWsLink(wsClient),
      new HttpLink({
        uri: t.url,
        headers: { authorization: `Bearer ${token}` },
        fetch: (input, init) => {
          httpRequests.push(String(init?.body ?? ''));
          return fetch(input, init);
        },
      }),
    ),
  });
  return {
    client,
    httpRequests,
    async stop() {
      client.stop();
      await wsClient.dispose();
    },
  };
}

describe('@apollo/client as a web UI uses it', () => {
  it("updates the cached order's status from a subscription event, without refetching", async () => {
    const token = await t.login(demo.consumer);
    const operator = await t.login(demo.operator);
    const order = await new OrderFactory(t.app.orm).create(demo.consumer.id);

    const { client, httpRequests, stop } = apolloClient(token);
    try {
      // The page: watches the order, and keeps it live from its last event's cursor.
      const statuses: string[] = [];
      const changed = new Map<string, ReturnType<typeof deferred<void>>>();
      const watched = client.watchQuery({ query: LIVE_ORDER, variables: { id: order.id } });
      const seen = watched.subscribe({
        next: ({ data }) => {
          const status = (data as LiveOrderData | undefined)?.order?.status;
          if (!status || statuses.at(-1) === status) return;
          statuses.push(status);
          changed.get(status)?.resolve();
        },
      });
      const waitForStatus = (status: string) => {
        if (statuses.includes(status)) return Promise.resolve();
        const d = deferred<void>();
        changed.set(status, d);
        return within(d.promise, 10_000, `the page to show ${status} (saw ${statuses})`);
      };
      await waitForStatus('PENDING_PAYMENT');
      const first = client.readQuery({ query: LIVE_ORDER, variables: { id: order.id } })!.order!;
      watched.subscribeToMore({
        document: ORDER_CHANGES,
        variables: { orderId: order.id, after: first.events.at(-1)!.cursor },
        updateQuery: (_unsafe, { complete, previousData, subscriptionData }) => {
          const event = subscriptionData.data.orderStatusChanged;
          if (!complete || !previousData.order || !event.toStatus) return;
          return {
            order: {
              ...previousData.order,
              status: event.toStatus,
              events: [...previousData.order.events, { cursor: event.cursor }],
            },
          };
        },
      });
      const requestsBefore = httpRequests.length;

      // Someone else (the operator, elsewhere) moves the order on: an offline payment (a SALE
      // order becomes EFFECTIVE with it), later its expiry.
      for (const status of ['PAID', 'EXPIRED'] as const) {
        const res = await t.gql(
          UpdateOrderStateDocument,
          { orderId: order.id, status },
          { token: operator },
        );
        expect(res.data?.updateOrderState.errors).toEqual([]);
        await waitForStatus(status === 'PAID' ? 'EFFECTIVE' : status);
      }

      // What the page showed, in lifecycle order (PAID may be folded into EFFECTIVE).
      const lifecycle = ['PENDING_PAYMENT', 'PAID', 'EFFECTIVE', 'EXPIRED'];
      const steps = statuses.map((s) => lifecycle.indexOf(s));
      expect(statuses[0]).toBe('PENDING_PAYMENT');
      expect(statuses.slice(-2)).toEqual(['EFFECTIVE', 'EXPIRED']);
      expect(steps).toEqual([...steps].sort());
      // The normalized cache entry itself changed, under the order's concrete type.
      const key = client.cache.identify({ __typename: first.__typename, id: order.id })!;
      expect(key).toBe(`${first.__typename}:${order.id}`);
      expect((client.cache.extract() as Record<string, unknown>)[key]).toMatchObject({
        status: 'EXPIRED',
      });
      expect(httpRequests.length).toBe(requestsBefore);
      seen.unsubscribe();
    } finally {
      await stop();
    }
  });
});

// The order itself on every event: Apollo Client writes it into its normalized cache, so a page
// needs no updateQuery, and a new order is there without a refetch. The page reads the status
// through a fragment on the `Order` interface, which matches only with possibleTypes.
interface CachedOrderData {
  order: { __typename: string; id: string; status?: string } | null;
}
const CACHED_ORDER: TypedDocumentNode<CachedOrderData, { id: string }> = gql`
  query CachedOrder($id: ID!) {
    order(id: $id) {
      id
      ...OrderStatus
    }
  }
  fragment OrderStatus on Order {
    status
  }
`;
interface MyEventsData {
  orderStatusChanged: { cursor: string; order: { id: string; orderNo: string } | null };
}
const MY_ORDER_EVENTS: TypedDocumentNode<MyEventsData, Record<string, never>> = gql`
  subscription MyOrderEvents {
    orderStatusChanged {
      cursor
      order {
        id
        orderNo
        ...OrderStatus
      }
    }
  }
  fragment OrderStatus on Order {
    status
  }
`;

/** Polls until `ready` holds, failing after `ms` with `what`. */
async function until(ready: () => boolean, what: string, ms = 10_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!ready()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

describe('@apollo/client with the order on each event', () => {
  it('updates a cached order and adds a new one from the events alone: no updateQuery, no refetch', async () => {
    const token = await t.login(demo.consumer);
    const operator = await t.login(demo.operator);
    const factory = new OrderFactory(t.app.orm);
    const order = await factory.create(demo.consumer.id);
    const { client, httpRequests, stop } = apolloClient(token);
    try {
      const statuses: string[] = [];
      const watched = client
        .watchQuery({ query: CACHED_ORDER, variables: { id: order.id } })
        .subscribe({
          next: ({ data }) => {
            const status = (data as CachedOrderData | undefined)?.order?.status;
            if (status && statuses.at(-1) !== status) statuses.push(status);
          },
        });
      await until(() => statuses.includes('PENDING_PAYMENT'), 'the page to show the order');

      // Subscribed with nothing to write the events anywhere: the cache does it.
      const events: MyEventsData['orderStatusChanged'][] = [];
      const subscribersBefore = t.app.subscriptions.stats().subscriptions;
      const live = client.subscribe({ query: MY_ORDER_EVENTS }).subscribe({
        next: ({ data }) => data && events.push(data.orderStatusChanged),
      });
      await until(
        () => t.app.subscriptions.stats().subscriptions > subscribersBefore,
        'the subscription to start',
      );
      const requestsBefore = httpRequests.length;

      const paid = await t.gql(
        UpdateOrderStateDocument,
        { orderId: order.id, status: 'PAID' },
        { token: operator },
      );
      expect(paid.data?.updateOrderState.errors).toEqual([]);
      // A SALE order becomes EFFECTIVE with its payment.
      await until(() => statuses.at(-1) === 'EFFECTIVE', `EFFECTIVE (saw ${statuses})`);

      // An order made elsewhere arrives whole with its creation event.
      const fresh = await factory.create(demo.consumer.id);
      await until(() => events.some((e) => e.order?.id === fresh.id), 'the new order');
      const cache = client.cache.extract() as Record<string, Record<string, unknown>>;
      expect(cache[`SaleOrder:${fresh.id}`]).toMatchObject({
        __typename: 'SaleOrder',
        id: fresh.id,
        orderNo: fresh.orderNo,
        status: 'PENDING_PAYMENT',
      });
      expect(cache[`SaleOrder:${order.id}`]).toMatchObject({ status: 'EFFECTIVE' });
      expect(httpRequests.length).toBe(requestsBefore);
      live.unsubscribe();
      watched.unsubscribe();
    } finally {
      await stop();
    }
  });
});
