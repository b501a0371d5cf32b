import pg from 'pg';
import type { Logger } from 'pino';
import { graphQLError } from '../errors.ts';
import type { OrderEvent } from '../orders/order.types.ts';
import { readTogether } from './delivery-scope.ts';
import { LiveQuotas, type QuotaLimits, type SubscriptionClaim } from './live-quotas.ts';
import { LiveSubscription } from './live-subscription.ts';
import { toOrderEvent } from './order-event.mapping.ts';
import { orderEventStore, type EventFilter } from './order-event.store.ts';

export interface HubOptions {
  databaseUrl: string;
  log: Logger;
  /** Events one subscription may hold unsent (Config.subscriptionQueueLimit). */
  queueLimit: number;
  /** Close code for a subscription whose queue overflowed. */
  overflowCode: number;
  /** Milliseconds between safety reads when no notification comes (Config.liveSafetyPollMs). */
  safetyPollMs: number;
  statementTimeoutMs?: number;
  /** Room for subscriptions per socket and per consumer (./live-quotas.ts). */
  quotas: QuotaLimits;
  /** Rows per read of the table. */
  batchSize?: number;
}

export interface HubStats {
  /** Live and replaying subscriptions on this process. */
  subscriptions: number;
  replaying: number;
  /** Cursor of the last settled event this hub has handed out. */
  position: string;
  listening: boolean;
  /** Committed events wait behind an older writing transaction still running (docs/live-status.md). */
  pending: boolean;
  reads: number;
  notifications: number;
  reconnects: number;
}

const CHANNEL = 'order_events';
const PENDING_RETRY_MIN_MS = 5;
const PENDING_RETRY_MAX_MS = 200;
const RECONNECT_MIN_MS = 50;
const RECONNECT_MAX_MS = 5000;
/**
 * With no subscription on this process a read only keeps the cursor current for the next one,
 * so reads are spaced this far apart: under a stream of writes the hub no longer sends one
 * statement per commit that nobody here is waiting for. A notification after a quiet spell is
 * still read at once.
 */
export const IDLE_READ_MS = 50;

/**
 * One per server process: delivers the order_events outbox to this process's subscriptions.
 *
 * A dedicated connection LISTENs on `order_events` (the insert trigger's NOTIFY only wakes it;
 * it carries nothing). On a notification, on a periodic safety tick and after reconnecting,
 * the hub reads the settled rows past its cursor in batches and hands each one, in cursor
 * order, to the live subscriptions whose filter it passes (indexed by order, by consumer, and
 * a list of staff subscriptions to everything). A dropped connection or a lost notification
 * loses nothing: the next read starts from the cursor. Other processes on the same database
 * run their own hub for their own clients.
 */
export class OrderEventHub {
  private client?: pg.Client;
  private readonly pool: pg.Pool;
  private cursor = '';
  private readonly byOrder = new Map<string, Set<LiveSubscription>>();
  private readonly byConsumer = new Map<string, Set<LiveSubscription>>();
  private readonly everyone = new Set<LiveSubscription>();
  private readonly all = new Set<LiveSubscription>();
  private readonly quotas: LiveQuotas;
  private readonly claims = new Map<LiveSubscription, SubscriptionClaim>();
  private reading?: Promise<void>;
  private dirty = false;
  private lastReadAt = 0;
  private idleTimer?: NodeJS.Timeout;
  private pendingTimer?: NodeJS.Timeout;
  private pendingDelay = PENDING_RETRY_MIN_MS;
  private pending = false;
  private safetyTimer?: NodeJS.Timeout;
  private reconnectTimer?: NodeJS.Timeout;
  private reconnectDelay = RECONNECT_MIN_MS;
  private stopped = false;
  private accepting = true;
  private readonly batchSize: number;
  private readonly counters = { reads: 0, notifications: 0, reconnects: 0 };

  constructor(private readonly options: HubOptions) {
    this.batchSize = options.batchSize ?? 500;
    this.quotas = new LiveQuotas(options.quotas);
    this.pool = new pg.Pool({
      connectionString: options.databaseUrl,
      max: 3,
      application_name: 'orderly-live-replay',
      statement_timeout: options.statementTimeoutMs ?? 5000,
    });
    this.pool.on('error', (err) => options.log.warn({ err }, 'live replay connection lost'));
  }

  /** Connects, starts listening and takes the current end of the table as its cursor. */
  async start(): Promise<void> {
    const client = await this.connect();
    this.cursor = await orderEventStore.settledHead(client);
    this.safetyTimer = setInterval(() => this.requestRead(), this.options.safetyPollMs);
    this.safetyTimer.unref();
  }

  /** The cursor up to which every settled event has been handed out. */
  get position(): string {
    return this.cursor;
  }

  stats(): HubStats {
    let replaying = 0;
    for (const s of this.all) if (s.replaying) replaying++;
    return {
      subscriptions: this.all.size,
      replaying,
      position: this.cursor,
      listening: this.client !== undefined,
      pending: this.pending,
      ...this.counters,
    };
  }

  /**
   * A new subscription. Without `after` it starts at the hub's cursor (events from now on);
   * with `after` it first replays the table from there, then joins the live fan-out exactly
   * where the replay stopped. Throws RATE_LIMITED (a GraphQLError) when the claim does not fit
   * its socket's or its owner's room, a plain Error when the hub is shutting down.
   */
  subscribe(filter: EventFilter, after: string | null, claim: SubscriptionClaim): LiveSubscription {
    if (!this.accepting) throw new Error('the live hub is shutting down');
    const refusal = this.quotas.take(claim);
    if (refusal) throw refusal;
    const subscription = new LiveSubscription(
      filter,
      after ?? this.cursor,
      this.options.queueLimit,
      claim.connection,
      this.options.overflowCode,
      (s) => this.remove(s),
    );
    this.all.add(subscription);
    this.claims.set(subscription, claim);
    if (after === null) {
      this.addLive(subscription);
    } else {
      subscription.replaying = true;
      this.replay(subscription).catch((err) => {
        this.options.log.warn({ err }, 'live replay failed');
        subscription.fail(
          graphQLError('SERVICE_UNAVAILABLE', 'Replaying failed; resubscribe with your cursor.'),
        );
      });
    }
    return subscription;
  }

  /** Wakes the reader: a notification, the safety tick, a reconnect or a pending retry. */
  requestRead(): void {
    if (this.stopped || !this.client) return;
    if (this.reading) {
      this.dirty = true;
      return;
    }
    const wait = this.all.size === 0 ? this.lastReadAt + IDLE_READ_MS - Date.now() : 0;
    if (wait > 0) {
      this.idleTimer ??= setTimeout(() => {
        this.idleTimer = undefined;
        this.requestRead();
      }, wait).unref();
      return;
    }
    clearTimeout(this.idleTimer);
    this.idleTimer = undefined;
    this.reading = this.readLoop().finally(() => {
      this.reading = undefined;
      // Left with a read still owed (an idle hub does not loop): requestRead spaces it out.
      if (this.dirty) this.requestRead();
    });
  }

  /**
   * Shutdown, first half: refuses new subscriptions, reads what has committed until nothing is
   * pending, then waits for every queue to be written out, for at most `timeoutMs` in all.
   */
  async drain(timeoutMs: number): Promise<void> {
    this.accepting = false;
    const deadline = Date.now() + timeoutMs;
    // Rows held back by a long transaction elsewhere are not worth the whole budget.
    const readDeadline = Math.min(deadline, Date.now() + Math.max(100, timeoutMs / 5));
    const stopping = graphQLError('SERVICE_UNAVAILABLE', 'The server is shutting down; reconnect.');
    for (const s of this.all) if (s.replaying) s.fail(stopping);
    // With nobody to deliver to there is nothing to read.
    while (this.all.size > 0 && Date.now() < readDeadline) {
      this.requestRead();
      await this.reading;
      if (this.pending) await sleep(PENDING_RETRY_MIN_MS);
      if (!(this.pending || this.dirty) || !this.client) break;
    }
    while (Date.now() < deadline && [...this.all].some((s) => !s.drained)) await sleep(5);
  }

  /** Shutdown, second half: stops reading and closes the hub's connections. */
  async close(): Promise<void> {
    this.accepting = false;
    this.stopped = true;
    clearInterval(this.safetyTimer);
    clearTimeout(this.pendingTimer);
    clearTimeout(this.reconnectTimer);
    clearTimeout(this.idleTimer);
    await this.reading?.catch(() => undefined);
    for (const s of [...this.all]) void s.return();
    const client = this.client;
    this.client = undefined;
    await client?.end().catch(() => undefined);
    await this.pool.end().catch(() => undefined);
  }

  private async connect(): Promise<pg.Client> {
    const client = new pg.Client({
      connectionString: this.options.databaseUrl,
      application_name: 'orderly-live-hub',
      statement_timeout: this.options.statementTimeoutMs ?? 5000,
    });
    const lost = (err?: Error) => this.lost(client, err);
    client.on('error', lost);
    client.on('end', () => lost());
    client.on('notification', () => {
      this.counters.notifications++;
      this.requestRead();
    });
    try {
      await client.connect();
      await client.query(`listen ${CHANNEL}`);
    } catch (err) {
      client.removeAllListeners();
      await client.end().catch(() => undefined);
      throw err;
    }
    this.client = client;
    this.reconnectDelay = RECONNECT_MIN_MS;
    return client;
  }

  private lost(client: pg.Client, err?: Error): void {
    if (this.client !== client) return;
    this.client = undefined;
    client.removeAllListeners();
    client.on('error', () => undefined);
    client.end().catch(() => undefined);
    if (this.stopped) return;
    this.options.log.warn({ err }, 'live listener connection lost; reconnecting');
    this.scheduleReconnect();
  }

  private scheduleReconnect(): void {
    if (this.stopped || this.reconnectTimer) return;
    this.reconnectTimer = setTimeout(async () => {
      this.reconnectTimer = undefined;
      try {
        await this.connect();
        this.counters.reconnects++;
        if (this.stopped) {
          await this.client?.end().catch(() => undefined);
          return;
        }
        // Whatever committed while it was away is in the table past the cursor.
        this.requestRead();
      } catch (err) {
        this.options.log.warn({ err }, 'live listener reconnect failed');
        this.reconnectDelay = Math.min(this.reconnectDelay * 2, RECONNECT_MAX_MS);
        this.scheduleReconnect();
      }
    }, this.reconnectDelay);
    this.reconnectTimer.unref();
  }

  private async readLoop(): Promise<void> {
    do {
      this.dirty = false;
      const client = this.client;
      if (!client || this.stopped) return;
      this.lastReadAt = Date.now();
      let batch;
      try {
        batch = await orderEventStore.readSettled(client, this.cursor, this.batchSize);
      } catch (err) {
        // The connection's error/end handlers reconnect; the next read resumes from the cursor.
        this.options.log.warn({ err }, 'live read failed');
        return;
      }
      this.counters.reads++;
      const events = batch.rows.map(toOrderEvent);
      readTogether(events);
      this.fanOut(events);
      if (batch.rows.length === this.batchSize) this.dirty = true;
      this.setPending(batch.pending);
    } while (this.dirty && !this.stopped && this.all.size > 0);
  }

  /** Committed rows wait behind an older transaction still running: look again shortly. */
  private setPending(pending: boolean): void {
    this.pending = pending;
    if (!pending) {
      this.pendingDelay = PENDING_RETRY_MIN_MS;
      return;
    }
    if (this.pendingTimer) return;
    this.pendingTimer = setTimeout(() => {
      this.pendingTimer = undefined;
      this.requestRead();
    }, this.pendingDelay);
    this.pendingTimer.unref();
    this.pendingDelay = Math.min(this.pendingDelay * 2, PENDING_RETRY_MAX_MS);
  }

  /** Hands settled events, in cursor order, to every live subscription that wants them. */
  private fanOut(events: OrderEvent[]): void {
    for (const event of events) {
      const byOrder = this.byOrder.get(event.orderId);
      if (byOrder) for (const s of byOrder) s.offer(event);
      const byConsumer = this.byConsumer.get(event.consumerId);
      if (byConsumer) for (const s of byConsumer) s.offer(event);
      for (const s of this.everyone) s.offer(event);
      this.cursor = event.cursor;
    }
  }

  /**
   * History from the subscription's cursor up to the hub's, page by page as the client takes
   * it. Rows up to the hub's cursor are settled, so each range read is complete. When the
   * replay has reached the hub's cursor it joins the live fan-out in the same synchronous step,
   * so no batch can slip between the two.
   */
  private async replay(subscription: LiveSubscription): Promise<void> {
    const pageSize = Math.max(1, Math.min(200, this.options.queueLimit));
    let from = subscription.position;
    while (!subscription.closed && !this.stopped) {
      const to = this.cursor;
      if (from >= to) {
        subscription.position = from;
        subscription.replaying = false;
        this.addLive(subscription);
        return;
      }
      await subscription.waitForRoom(pageSize);
      if (subscription.closed) return;
      const rows = await orderEventStore.readRange(
        this.pool,
        from,
        to,
        subscription.filter,
        pageSize,
      );
      const events = rows.map(toOrderEvent);
      readTogether(events);
      for (const event of events) subscription.replay(event);
      // A full page may have more behind it in the same range; a short one finished the range.
      from = events.length === pageSize ? events[events.length - 1].cursor : to;
    }
  }

  private addLive(subscription: LiveSubscription): void {
    if (subscription.closed) return;
    const { orderId, consumerId } = subscription.filter;
    if (orderId !== null) addTo(this.byOrder, orderId, subscription);
    else if (consumerId !== null) addTo(this.byConsumer, consumerId, subscription);
    else this.everyone.add(subscription);
  }

  private remove(subscription: LiveSubscription): void {
    this.all.delete(subscription);
    const claim = this.claims.get(subscription);
    this.claims.delete(subscription);
    if (claim) this.quotas.give(claim);
    const { orderId, consumerId } = subscription.filter;
    if (orderId !== null) removeFrom(this.byOrder, orderId, subscription);
    else if (consumerId !== null) removeFrom(this.byConsumer, consumerId, subscription);
    else this.everyone.delete(subscription);
  }
}

function addTo<K, V>(map: Map<K, Set<V>>, key: K, value: V): void {
  let set = map.get(key);
  if (!set) map.set(key, (set = new Set()));
  set.add(value);
}

function removeFrom<K, V>(map: Map<K, Set<V>>, key: K, value: V): void {
  const set = map.get(key);
  if (!set) return;
  set.delete(value);
  if (set.size === 0) map.delete(key);
}

function sleep(ms: number): Promise<void> {
  return new Promise((done) => setTimeout(done, ms));
}
