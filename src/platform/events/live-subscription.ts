import type { OrderKind } from '../orders/order.entity.ts';
import type { OrderEvent } from '../orders/order.types.ts';
import type { EventFilter } from './order-event.store.ts';

/** How a subscription reaches the socket that carries it. */
export interface LiveConnection {
  /** Closes the whole socket (every subscription on it) with a CloseCode. */
  close(code: number, reason: string): void;
}

/** Called once when a subscription ends, however it ends. */
type OnEnd = (subscription: LiveSubscription) => void;

/** Why a subscription closed its socket on its own: its queue was full. */
export const OVERFLOW_REASON = 'Subscriber queue overflow: resubscribe with your last cursor';

/**
 * One client's subscription: a filter, the cursor it has been served up to, and a bounded
 * queue of events waiting to be sent. graphql-ws pulls with `next()` and only pulls again
 * once the previous event is written to the socket, so a slow client shows up here as a
 * growing queue. When the hub would push past `limit`, the subscription ends and its socket
 * closes with `overflowCode` (1013): nothing is dropped silently, the client resumes with
 * the cursor of the last event it received.
 */
export class LiveSubscription implements AsyncIterableIterator<OrderEvent> {
  /**
   * Every matching event up to this cursor has been queued (or was before the client's
   * `after`); the hub only hands this subscription events beyond it.
   */
  position: string;
  /** True while history is being replayed from the table; the hub skips it meanwhile. */
  replaying = false;
  private readonly kinds: ReadonlySet<OrderKind> | null;
  private readonly queue: OrderEvent[] = [];
  private head = 0;
  private waiter?: (result: IteratorResult<OrderEvent>) => void;
  private failWaiter?: (err: unknown) => void;
  private roomWaiter?: () => void;
  private failure?: unknown;
  private ended = false;

  constructor(
    readonly filter: EventFilter,
    start: string,
    private readonly limit: number,
    private readonly connection: LiveConnection,
    private readonly overflowCode: number,
    private readonly onEnd: OnEnd,
  ) {
    this.position = start;
    this.kinds = filter.kinds ? new Set(filter.kinds) : null;
  }

  get closed(): boolean {
    return this.ended;
  }

  /** Events queued and not yet taken by graphql-ws. */
  get queued(): number {
    return this.queue.length - this.head;
  }

  /** True when everything queued has been written to the socket (or the subscription ended). */
  get drained(): boolean {
    return this.ended || (this.queued === 0 && this.waiter !== undefined);
  }

  /** True when the event is beyond this subscription's cursor and passes its filter. */
  wants(event: OrderEvent): boolean {
    if (event.cursor <= this.position) return false;
    const f = this.filter;
    if (f.consumerId !== null && event.consumerId !== f.consumerId) return false;
    if (f.orderId !== null && event.orderId !== f.orderId) return false;
    return this.kinds === null || this.kinds.has(event.kind);
  }

  /**
   * The hub's live push (synchronous, in cursor order). Past the queue limit the
   * subscription ends and the socket closes; the event stays in the table for the resume.
   */
  offer(event: OrderEvent): void {
    if (this.ended || !this.wants(event)) return;
    if (this.queued >= this.limit) {
      this.finish();
      this.connection.close(this.overflowCode, OVERFLOW_REASON);
      return;
    }
    this.push(event);
  }

  /** A replayed event; the replay waits for room first (`waitForRoom`), so it never overflows. */
  replay(event: OrderEvent): void {
    if (!this.ended && this.wants(event)) this.push(event);
  }

  /** Resolves once `n` more events fit in the queue (or the subscription ended). */
  async waitForRoom(n: number): Promise<void> {
    while (!this.ended && this.queued + n > this.limit) {
      await new Promise<void>((done) => (this.roomWaiter = done));
    }
  }

  /** Ends the subscription with an error graphql-ws reports to the client. */
  fail(err: unknown): void {
    if (this.ended) return;
    this.failure = err;
    const fail = this.failWaiter;
    this.finish();
    fail?.(err);
  }

  next(): Promise<IteratorResult<OrderEvent>> {
    if (this.queued > 0) {
      const value = this.queue[this.head];
      this.queue[this.head++] = undefined as unknown as OrderEvent;
      if (this.head > 1024 && this.head * 2 > this.queue.length) {
        this.queue.splice(0, this.head);
        this.head = 0;
      }
      const room = this.roomWaiter;
      this.roomWaiter = undefined;
      room?.();
      return Promise.resolve({ value, done: false });
    }
    if (this.failure !== undefined) return Promise.reject(this.failure);
    if (this.ended) return Promise.resolve({ value: undefined, done: true });
    return new Promise((resolve, reject) => {
      this.waiter = resolve;
      this.failWaiter = reject;
    });
  }

  /** graphql-ws calls this when the client completes or the socket closes. */
  return(): Promise<IteratorResult<OrderEvent>> {
    this.finish();
    return Promise.resolve({ value: undefined, done: true });
  }

  throw(err?: unknown): Promise<IteratorResult<OrderEvent>> {
    this.finish();
    return Promise.reject(err);
  }

  [Symbol.asyncIterator](): this {
    return this;
  }

  private push(event: OrderEvent): void {
    this.position = event.cursor;
    const waiter = this.waiter;
    if (waiter) {
      this.waiter = undefined;
      this.failWaiter = undefined;
      waiter({ value: event, done: false });
    } else {
      this.queue.push(event);
    }
  }

  private finish(): void {
    if (this.ended) return;
    this.ended = true;
    this.queue.length = 0;
    this.head = 0;
    const waiter = this.waiter;
    this.waiter = undefined;
    this.failWaiter = undefined;
    this.roomWaiter?.();
    this.roomWaiter = undefined;
    this.onEnd(this);
    if (this.failure === undefined) waiter?.({ value: undefined, done: true });
  }
}
