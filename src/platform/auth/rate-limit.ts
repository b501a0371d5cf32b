/**
 * Counts events per key in a fixed window, in this process's memory. Used for failed logins:
 * seed 000's consumer ids are 8-digit numbers, so guessing must be slowed per id and per address.
 */
export class RateLimiter {
  private readonly hits = new Map<string, { count: number; resetAt: number }>();

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
