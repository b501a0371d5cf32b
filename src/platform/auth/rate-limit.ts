/**
 * Counts events per key in a fixed window, in this process's memory. Used for failed logins:
 * seed 000's consumer ids are 8-digit numbers, so guessing must be slowed per id and per address.
 */
export class RateLimiter {
  private readonly hits = new Map<string, { count: number; resetAt: number }>();
  /** Attempts started but not yet known to have failed or not, each settling when it ends. */
  private readonly pending = new Map<string, Set<Promise<void>>>();

  constructor(
    private readonly max: number,
    private readonly windowMs: number,
  ) {}

  /** Seconds until `key` may try again, or 0 when it is under the limit. */
  retryAfter(key: string, now = Date.now()): number {
    const entry = this.hits.get(key);
    if (!entry || entry.resetAt <= now) return 0;
    return entry.count >= this.max ? Math.ceil((entry.resetAt - now) / 1000) : 0;
  }

  record(key: string, now = Date.now()): void {
    const entry = this.hits.get(key);
    if (!entry || entry.resetAt <= now) {
      this.hits.set(key, { count: 1, resetAt: now + this.windowMs });
      if (this.hits.size > 100_000) this.sweep(now);
    } else {
      entry.count += 1;
    }
  }

  reset(key: string): void {
    this.hits.delete(key);
  }

  /**
   * While the attempts in flight for `key` could, by failing, take it to the limit: a promise
   * that settles when one of them ends (then check again). Otherwise undefined: one more
   * attempt may start. This keeps parallel attempts from all passing a check made before any
   * of them failed, without refusing a right password that merely arrives alongside others.
   */
  crowded(key: string, now = Date.now()): Promise<void> | undefined {
    const inFlight = this.pending.get(key);
    if (!inFlight?.size) return undefined;
    const entry = this.hits.get(key);
    const failures = entry && entry.resetAt > now ? entry.count : 0;
    return failures + inFlight.size >= this.max ? Promise.race(inFlight) : undefined;
  }

  /** Marks an attempt for `key` as in flight; call the result exactly once when it ends. */
  begin(key: string): (failed: boolean) => void {
    let end!: () => void;
    const attempt = new Promise<void>((resolve) => (end = resolve));
    const inFlight = this.pending.get(key) ?? new Set<Promise<void>>();
    inFlight.add(attempt);
    this.pending.set(key, inFlight);
    return (failed) => {
      if (!inFlight.delete(attempt)) return;
      if (inFlight.size === 0 && this.pending.get(key) === inFlight) this.pending.delete(key);
      if (failed) this.record(key);
      end();
    };
  }

  private sweep(now: number): void {
    for (const [key, entry] of this.hits) if (entry.resetAt <= now) this.hits.delete(key);
  }
}

/**
 * A token bucket per key, in this process's memory: a key may spend `capacity` at once, and
 * gets its tokens back evenly, `capacity` per window. Used for mutations per consumer.
 */
export class TokenBucket {
  private readonly buckets = new Map<string, { tokens: number; at: number }>();
  private readonly perMs: number;

  constructor(
    private readonly capacity: number,
    windowMs: number,
  ) {
    this.perMs = capacity / windowMs;
  }

  /**
   * Takes `cost` tokens for `key` (at most the capacity, so any operation can pass once the
   * bucket is full). Returns 0 when taken, otherwise the whole seconds until they would be
   * there; then nothing is taken.
   */
  take(key: string, cost = 1, now = Date.now()): number {
    const need = Math.min(cost, this.capacity);
    const bucket = this.refilled(key, now);
    this.buckets.set(key, bucket);
    if (bucket.tokens >= need) {
      bucket.tokens -= need;
      if (this.buckets.size > 100_000) this.sweep(now);
      return 0;
    }
    return Math.max(1, Math.ceil((need - bucket.tokens) / this.perMs / 1000));
  }

  private refilled(key: string, now: number) {
    const bucket = this.buckets.get(key);
    if (!bucket) return { tokens: this.capacity, at: now };
    const tokens = Math.min(this.capacity, bucket.tokens + (now - bucket.at) * this.perMs);
    return { tokens, at: now };
  }

  // A full bucket is the same as none.
  private sweep(now: number): void {
    for (const key of this.buckets.keys()) {
      if (this.refilled(key, now).tokens >= this.capacity) this.buckets.delete(key);
    }
  }
}
