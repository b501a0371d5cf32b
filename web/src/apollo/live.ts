import type { ApolloClient } from '@apollo/client';
import type { Subscription } from 'rxjs';
import { renewToken } from '../auth/renewal.ts';
import {
  LiveHeadDocument,
  LiveOrderEventsDocument,
  type LiveOrderEventsSubscription,
} from '../generated/graphql.ts';
import { UNAUTHORIZED, closeCode, type LiveSocket } from './socket.ts';

export type LiveState = 'connecting' | 'live' | 'offline';

// Lists whose rows an event can add, remove or reorder (the rows' own fields update by
// themselves): reloaded when an order is created, changes status or is deleted.
const LIST_QUERIES = new Set(['OrderList', 'Balance', 'Ledger']);
// Staff's queues also move with events that change no status (an inspection filled in).
const QUEUE_QUERIES = new Set(['OrdersAwaitingAction', 'UnderwritingQueue', 'InspectionSchedule']);
const RESUBSCRIBE_MS = 1000;

/**
 * The console's one order-event subscription (`orderStatusChanged`, every order the caller may
 * see). Each event carries its order as it is now (`OrderEvent.order`, with what the pages show
 * of it); Apollo writes it into the normalised cache, so every list and detail showing that
 * order re-renders by itself: no polling, no refetch of the order.
 *
 * No gap: before any page loads (`ready`), the feed reads the newest event of the most recently
 * updated order the caller may see, and subscribes `after` that cursor, so an event between the
 * pages' first load and the subscription's registration is replayed. After a reconnect it
 * resubscribes from the last cursor applied, and ignores an event it already applied.
 */
export class LiveOrders {
  /** Resolves once the starting cursor is known (whatever the head read answered). */
  readonly ready: Promise<void>;
  private cursor: string | undefined;
  private started = false;
  private subscription: Subscription | undefined;
  private stopped = false;
  // Lists an event made stale, and whether a reload round is running (reloadStale).
  private readonly stale = new Set<string>();
  private reloading = false;
  private state: LiveState = 'connecting';
  private readonly listeners = new Set<() => void>();

  constructor(
    private readonly client: ApolloClient,
    private readonly socket: LiveSocket,
  ) {
    socket.client.on('connecting', () => this.setState('connecting'));
    socket.client.on('connected', () => {
      this.setState('live');
      this.resume();
    });
    socket.client.on('closed', (event) => {
      this.setState('offline');
      // Dropped at once, so graphql-ws does not resubscribe it with its first `after`.
      this.drop();
      // The token expired or the session ended: renew (or end the session), then resubscribe.
      if (closeCode(event) === UNAUTHORIZED) {
        renewToken(socket.token).then(
          () => this.resume(),
          () => {},
        );
      }
    });
    this.ready = this.readHead();
  }

  private async readHead(): Promise<void> {
    try {
      const { data } = await this.client.query({
        query: LiveHeadDocument,
        fetchPolicy: 'no-cache',
      });
      this.cursor = data?.orders.edges[0]?.node.events.at(-1)?.cursor ?? undefined;
    } catch {
      // Unreadable (the service is down): the feed starts live, as the pages load.
    }
    this.started = true;
    this.resume();
  }

  /** Subscribes from the last cursor, unless subscribed already. */
  resume(): void {
    if (this.stopped || !this.started || this.subscription) return;
    this.subscription = this.client
      .subscribe({ query: LiveOrderEventsDocument, variables: { after: this.cursor } })
      .subscribe({
        next: ({ data }) => {
          if (data) this.apply(data.orderStatusChanged);
        },
        // A refusal (say, the process shutting down): resubscribe from the cursor shortly.
        error: () => {
          this.drop();
          setTimeout(() => this.resume(), RESUBSCRIBE_MS);
        },
      });
  }

  stop(): void {
    this.stopped = true;
    this.drop();
  }

  getState = (): LiveState => this.state;

  onChange = (listener: () => void): (() => void) => {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  };

  private drop(): void {
    this.subscription?.unsubscribe();
    this.subscription = undefined;
  }

  private setState(state: LiveState): void {
    this.state = state;
    for (const listener of this.listeners) listener();
  }

  private apply(event: LiveOrderEventsSubscription['orderStatusChanged']): void {
    // Cursors compare as strings in cursor order.
    if (this.cursor !== undefined && event.cursor <= this.cursor) return;
    this.cursor = event.cursor;
    const membership = Boolean(event.toStatus) || !event.order;
    for (const name of QUEUE_QUERIES) this.stale.add(name);
    if (membership) for (const name of LIST_QUERIES) this.stale.add(name);
    void this.reloadStale();
  }

  /**
   * Reloads the stale lists, one round at a time: Apollo would answer a reload asked for while
   * the same query is in flight with that earlier request's result, from before this event.
   */
  private async reloadStale(): Promise<void> {
    if (this.reloading) return;
    this.reloading = true;
    while (this.stale.size && !this.stopped) {
      const names = new Set(this.stale);
      this.stale.clear();
      await this.client
        .refetchQueries({
          include: 'active',
          onQueryUpdated: ({ queryName = '' }) => names.has(queryName),
        })
        .catch(() => {});
    }
    this.reloading = false;
  }
}
