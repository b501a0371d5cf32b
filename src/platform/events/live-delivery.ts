import {
  createSourceEventStream,
  execute,
  type ExecutionArgs,
  type ExecutionResult,
} from 'graphql';

export interface DeliveryStats {
  /** Events being resolved for a subscriber right now, and waiting to be. */
  running: number;
  waiting: number;
  /** The most ever resolved at once (at most SUBSCRIPTION_DELIVERY_CONCURRENCY). */
  peak: number;
  delivered: number;
}

/**
 * At most `concurrency` subscription events resolve at once on this process, the rest wait in
 * arrival order: one event fanned out to thousands of subscribers then holds a few of the
 * pool's connections, not all of them. A waiting delivery starts on a later turn of the event
 * loop, so requests are served between deliveries.
 */
export class DeliveryGate {
  private running = 0;
  private peak = 0;
  private delivered = 0;
  private readonly waiting: (() => void)[] = [];

  constructor(private readonly concurrency: number) {}

  async run<T>(work: () => Promise<T>): Promise<T> {
    if (this.running < this.concurrency) this.running++;
    else await new Promise<void>((start) => this.waiting.push(start));
    this.peak = Math.max(this.peak, this.running);
    try {
      return await work();
    } finally {
      this.delivered++;
      // Its slot goes to the next in line, which keeps `running` as it is.
      const next = this.waiting.shift();
      if (next) setImmediate(next);
      else this.running--;
    }
  }

  stats(): DeliveryStats {
    const { running, peak, delivered } = this;
    return { running, waiting: this.waiting.length, peak, delivered };
  }

  /**
   * graphql-ws's `subscribe`: graphql-js's own, except that each event's execution goes
   * through the gate. An iterator by hand, not an async generator: `return()` (the client
   * completes, the socket closes) must reach the source at once even while it awaits an event.
   */
  subscribe = async (
    args: ExecutionArgs,
  ): Promise<AsyncIterableIterator<ExecutionResult> | ExecutionResult> => {
    const source = await createSourceEventStream(args);
    if (!(Symbol.asyncIterator in source)) return source;
    const events = source[Symbol.asyncIterator]();
    const done = { value: undefined, done: true } as const;
    const iterator: AsyncIterableIterator<ExecutionResult> = {
      next: async () => {
        const step = await events.next();
        if (step.done) return done;
        const value = await this.run(async () => execute({ ...args, rootValue: step.value }));
        return { value, done: false };
      },
      return: async () => (events.return ? (await events.return(), done) : done),
      throw: async (err: unknown) => (events.throw ? (await events.throw(err), done) : done),
      [Symbol.asyncIterator]: () => iterator,
    };
    return iterator;
  };
}
