import type { ApolloCache, ApolloClient, Reference } from '@apollo/client';
import type { Client } from 'graphql-ws';
import type { Subscription } from 'rxjs';
// The published possible types (codegen's fragment-matcher output at the repository's root).
import generated from '../../../possible-types.json';
import {
  LiveOrderEventsDocument,
  LiveOrderKeyFragmentDoc,
  OrderEventFieldsFragmentDoc,
  type OrderEventFieldsFragment,
} from '../generated/graphql.ts';
import { STATUS } from '../shared/status.ts';

export type LiveState = 'connecting' | 'live' | 'offline';

// Queries that show more of an order than an event carries (its underwrite, dates, lines):
// refetched when an event touches the order they show. Lists are not: the cache write is all
// they need.
const REFETCHED_ON_EVENT = new Set(['OrderDetail']);
// Queries an order's creation or a money movement can change.
const LIST_QUERIES = new Set(['OrderList', 'Balance', 'Ledger']);

/**
 * The console's one order-event subscription (`orderStatusChanged`, every order the caller may
 * see). Each event is written into Apollo's normalised cache on the order's own entry (found
 * through `Order`'s possible types), so every list and detail showing that order re-renders by
 * itself; no polling. After a reconnect it resubscribes from the last cursor it applied, and it
 * ignores an event it already applied (graphql-ws also resubscribes with the first variables).
 */
export class LiveOrders {
  private cursor: string | undefined;
  private subscription: Subscription | undefined;
  private stopped = false;
  private state: LiveState = 'connecting';
  private readonly listeners = new Set<() => void>();

  constructor(
    private readonly client: ApolloClient,
    socket: Client,
  ) {
    socket.on('connecting', () => this.setState('connecting'));
    socket.on('connected', (_socket, _payload, wasRetry) => {
      this.setState('live');
      if (wasRetry) this.start();
    });
    socket.on('closed', () => this.setState('offline'));
  }

  start(): void {
    if (this.stopped) return;
    this.subscription?.unsubscribe();
    this.subscription = this.client
      .subscribe({ query: LiveOrderEventsDocument, variables: { after: this.cursor } })
      .subscribe({
        next: ({ data }) => {
          if (data) this.apply(data.orderStatusChanged);
        },
        // A refusal (say, the process shutting down): resubscribe from the cursor shortly.
        error: () => setTimeout(() => this.start(), 1000),
      });
  }

  stop(): void {
    this.stopped = true;
    this.subscription?.unsubscribe();
  }

  getState = (): LiveState => this.state;

  onChange = (listener: () => void): (() => void) => {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  };

  private setState(state: LiveState): void {
    this.state = state;
    for (const listener of this.listeners) listener();
  }

  private apply(event: OrderEventFieldsFragment): void {
    // Cursors compare as strings in cursor order.
    if (this.cursor !== undefined && event.cursor <= this.cursor) return;
    this.cursor = event.cursor;
    let known = false;
    void this.client.refetchQueries({
      updateCache: (cache) => {
        known = writeEvent(cache, event);
      },
      onQueryUpdated: (query) => REFETCHED_ON_EVENT.has(query.queryName ?? ''),
    });
    // An order this page has not seen yet, or money that moved: the lists showing them reload.
    if (known && !event.toStatus) return;
    void this.client.refetchQueries({
      include: 'active',
      onQueryUpdated: (query) => LIST_QUERIES.has(query.queryName ?? ''),
    });
  }
}

/** The cache id of the order, under whichever `Order` type it was cached as. */
function cachedOrderId(cache: ApolloCache, orderId: string): string | undefined {
  return generated.possibleTypes.Order.map((typename) =>
    cache.identify({ __typename: typename, id: orderId }),
  ).find(
    (id) =>
      id !== undefined && cache.readFragment({ id, fragment: LiveOrderKeyFragmentDoc }) !== null,
  );
}

/** Writes the event onto its cached order (status, label, events); false if it is not cached. */
function writeEvent(cache: ApolloCache, event: OrderEventFieldsFragment): boolean {
  const id = cachedOrderId(cache, event.orderId);
  if (!id) return false;
  const ref = cache.writeFragment({
    fragment: OrderEventFieldsFragmentDoc,
    fragmentName: 'OrderEventFields',
    data: event,
  });
  const status = event.toStatus;
  cache.modify({
    id,
    fields: {
      ...(status && {
        status: () => status,
        statusCode: () => STATUS[status].code,
        statusLabel: () => STATUS[status].label,
      }),
      updatedAt: () => event.occurredAt,
      events: (existing: readonly Reference[] = [], { readField }) =>
        !ref || existing.some((e) => readField('id', e) === event.id)
          ? existing
          : [...existing, ref],
    },
  });
  return true;
}
