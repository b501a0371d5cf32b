import { createClient, type Client } from 'graphql-ws';
import type { GraphQLFormattedError } from 'graphql';
import { print } from 'graphql';
import type pg from 'pg';
import WebSocket from 'ws';
import { eventCursor, START_CURSOR } from '../../src/platform/events/order-event.mapping.ts';
import {
  OrderStatusChangedDocument,
  type OrderStatusChangedSubscription,
  type OrderStatusChangedSubscriptionVariables,
} from '../generated/graphql.ts';
import { deferred, within, type Deferred } from './deferred.ts';

export type LiveEvent = OrderStatusChangedSubscription['orderStatusChanged'];

/** How a socket ended: the close code and reason the server sent. */
export interface SocketClose {
  code: number;
  reason: string;
}

/**
 * One graphql-ws socket with the real client (no retries: tests decide when to come back).
 * `closed` resolves with the code the server closed it with.
 */
export class LiveSocket {
  readonly client: Client;
  readonly closed: Deferred<SocketClose> = deferred<SocketClose>();
  private readonly streams = new Set<LiveStream>();

  constructor(wsUrl: string, token: string | undefined) {
    this.client = createClient({
      url: wsUrl,
      webSocketImpl: WebSocket,
      connectionParams: token ? { authorization: `Bearer ${token}` } : {},
      retryAttempts: 0,
      lazy: true,
      on: {
        closed: (event) => {
          const e = event as { code: number; reason: string };
          this.closed.resolve({ code: e.code, reason: String(e.reason) });
        },
      },
    });
  }

  /** Starts `orderStatusChanged` on this socket; events queue up in the returned stream. */
  subscribe(variables: OrderStatusChangedSubscriptionVariables = {}): LiveStream {
    const stream = new LiveStream();
    this.streams.add(stream);
    stream.unsubscribe = this.client.subscribe<OrderStatusChangedSubscription>(
      { query: print(OrderStatusChangedDocument), variables },
      {
        next: (result) => stream.push(result),
        error: (err) => stream.end(err),
        complete: () => stream.end('complete'),
      },
    );
    return stream;
  }

  /** Closes the socket from the client side. */
  async dispose(): Promise<void> {
    for (const s of this.streams) s.unsubscribe();
    await this.client.dispose();
  }
}

/**
 * A queueing subscription: every event it receives is kept in `events` in arrival order;
 * tests wait for counts or take them one by one. GraphQL errors land in `errors`.
 */
export class LiveStream {
  readonly events: LiveEvent[] = [];
  errors: readonly GraphQLFormattedError[] | undefined;
  /** 'complete', a CloseEvent-like { code, reason } or an Error. */
  readonly ended = deferred<unknown>();
  unsubscribe: () => void = () => undefined;
  private taken = 0;
  private readonly changed = new Set<() => void>();

  push(result: { data?: OrderStatusChangedSubscription | null; errors?: unknown }): void {
    if (result.errors) this.errors = result.errors as GraphQLFormattedError[];
    if (result.data) this.events.push(result.data.orderStatusChanged);
    this.notify();
  }

  end(reason: unknown): void {
    this.ended.resolve(reason);
    this.notify();
  }

  /** The cursor of the last event received (for resuming). */
  get lastCursor(): string | undefined {
    return this.events.at(-1)?.cursor;
  }

  /** Resolves once `n` events in all have arrived; fails after `ms`. */
  async waitForCount(n: number, ms = 10_000): Promise<LiveEvent[]> {
    await this.until(() => this.events.length >= n, ms, `${n} events (have ${this.events.length})`);
    return this.events.slice(0, n);
  }

  /** The next event not taken yet. */
  async take(ms = 10_000): Promise<LiveEvent> {
    await this.until(() => this.events.length > this.taken, ms, 'the next event');
    return this.events[this.taken++];
  }

  /** Resolves once the stream ends (error, completion or socket close). */
  async waitForEnd(ms = 10_000): Promise<unknown> {
    return within(this.ended.promise, ms, 'the subscription to end');
  }

  /** Waits `ms` and returns what arrived meanwhile (to show that nothing more comes). */
  async quietFor(ms: number): Promise<LiveEvent[]> {
    const before = this.events.length;
    await new Promise((r) => setTimeout(r, ms));
    return this.events.slice(before);
  }

  private until(ready: () => boolean, ms: number, what: string): Promise<void> {
    if (ready()) return Promise.resolve();
    const done = deferred<void>();
    const check = () => {
      if (ready()) done.resolve();
      else if (this.ended.settled)
        done.reject(new Error(`stream ended waiting for ${what}: ${describe(this)}`));
    };
    this.changed.add(check);
    return within(done.promise, ms, `${what}; ${describe(this)}`).finally(() =>
      this.changed.delete(check),
    );
  }

  private notify(): void {
    for (const check of [...this.changed]) check();
  }
}

function describe(stream: LiveStream): string {
  return `errors=${JSON.stringify(stream.errors ?? null)} events=${stream.events.length}`;
}

/** The cursor of the table's last event now: subscribe `after` it to get exactly what follows. */
export async function headCursor(db: pg.Pool): Promise<string> {
  const { rows } = await db.query<{ tx_id: string; id: string }>(
    `select tx_id::text as tx_id, id::text as id from order_events order by order_events.tx_id desc, order_events.id desc limit 1`,
  );
  return rows[0] ? eventCursor(rows[0].tx_id, rows[0].id) : START_CURSOR;
}

/** The events after `after` as the table has them, in cursor order, with their cursors. */
export async function eventsAfter(
  db: pg.Pool,
  after: string,
  where: { consumerId?: string; orderId?: string; kinds?: string[] } = {},
): Promise<{ cursor: string; id: string; orderId: string; toStatus: string | null }[]> {
  const { rows } = await db.query<{
    tx_id: string;
    id: string;
    order_id: string;
    to_status: string | null;
    consumer_id: string;
    kind: string;
  }>(
    `select tx_id::text as tx_id, id::text as id, order_id, to_status, consumer_id::text, kind
       from order_events order by order_events.tx_id, order_events.id`,
  );
  return rows
    .map((r) => ({ ...r, cursor: eventCursor(r.tx_id, r.id) }))
    .filter(
      (r) =>
        r.cursor > after &&
        (!where.consumerId || r.consumer_id === where.consumerId) &&
        (!where.orderId || r.order_id === where.orderId) &&
        (!where.kinds || where.kinds.includes(r.kind)),
    )
    .map((r) => ({ cursor: r.cursor, id: r.id, orderId: r.order_id, toStatus: r.to_status }));
}
