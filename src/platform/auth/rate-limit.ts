import type { EntityManager } from '@mikro-orm/postgresql';
import { graphQLError } from '../errors.ts';
import { textArray } from '../db/sql-arrays.ts';

/** An attempt in flight was left behind by a process that died this long ago: it stops counting. */
const STALE_ATTEMPT_SECONDS = 60;
/** Longest a login waits for attempts in flight before it is refused. */
const MAX_WAIT_MS = 5000;

export interface LoginKey {
  key: string;
  /** Failures the key may have within the window. */
  limit: number;
}

/** A started attempt; `end` exactly once (failed or not). */
export interface Attempt {
  end(em: EntityManager, failed: boolean, clear: string[]): Promise<void>;
}

export const tooManyFailures = (wait: number) =>
  graphQLError('RATE_LIMITED', `Too many failed logins; try again in ${wait} s.`, {
    retryAfterSeconds: wait,
  });

/**
 * Failed password checks counted per key (a consumer id, a client address) in PostgreSQL, so
 * every process of a deployment counts together (rate_login_begin / rate_login_end in the auth
 * migration). Past a key's limit every attempt is RATE_LIMITED until its window ends, right
 * password or not. Attempts in flight count too: one that could, with those running, reach a
 * limit waits until one of them ends (on this process: at once; on another: the next poll),
 * so parallel guesses, on one process or many, get no more answers than sequential ones.
 */
export class LoginAttempts {
  /** This process's attempts in flight, per key: a waiter here wakes when one ends. */
  private readonly local = new Map<string, Set<Promise<void>>>();

  constructor(private readonly windowSeconds: number) {}

  async begin(em: EntityManager, keys: LoginKey[]): Promise<Attempt> {
    const names = keys.map((k) => k.key);
    const deadline = Date.now() + MAX_WAIT_MS;
    for (let poll = 1; ; poll++) {
      const [row] = await em.execute<{ attempt_id: string | null; retry_after: number }[]>(
        `select attempt_id, retry_after from rate_login_begin(?::text[], ?::int[], ?)`,
        [
          textArray(names),
          `{${keys.map((k) => Math.trunc(k.limit)).join(',')}}`,
          STALE_ATTEMPT_SECONDS,
        ],
      );
      if (row.attempt_id !== null) return this.started(row.attempt_id, names);
      if (row.retry_after > 0) throw tooManyFailures(row.retry_after);
      if (Date.now() > deadline) throw tooManyFailures(1);
      await this.someEnd(names, Math.min(10 * poll, 100));
    }
  }

  private started(id: string, names: string[]): Attempt {
    let settle!: () => void;
    const ended = new Promise<void>((done) => (settle = done));
    for (const name of names) {
      const set = this.local.get(name) ?? new Set();
      set.add(ended);
      this.local.set(name, set);
    }
    let done = false;
    return {
      end: async (em, failed, clear) => {
        if (done) return;
        done = true;
        try {
          await em.execute(`select rate_login_end(?, ?, ?, ?::text[])`, [
            id,
            failed,
            this.windowSeconds,
            textArray(clear),
          ]);
        } finally {
          for (const name of names) {
            const set = this.local.get(name);
            set?.delete(ended);
            if (set?.size === 0) this.local.delete(name);
          }
          settle();
        }
      },
    };
  }

  /** Resolves when one of this process's attempts on these keys ends, or after `ms`. */
  private someEnd(names: string[], ms: number): Promise<void> {
    const waits: Promise<unknown>[] = names.flatMap((n) => [...(this.local.get(n) ?? [])]);
    let timer: NodeJS.Timeout | undefined;
    waits.push(new Promise((done) => (timer = setTimeout(done, ms))));
    return Promise.race(waits).then(() => clearTimeout(timer));
  }
}

/**
 * Takes `cost` from `key`'s token bucket in PostgreSQL (rate_bucket_take): a key may spend
 * `capacity` at once and gets `capacity` back per window, evenly, on every process together.
 * Returns 0 when taken, else the whole seconds until it would be (nothing is taken then).
 */
export async function takeFromBucket(
  em: EntityManager,
  key: string,
  capacity: number,
  windowSeconds: number,
  cost: number,
): Promise<number> {
  const [row] = await em.execute<{ wait: number }[]>(
    `select rate_bucket_take(?, ?, ?, ?) as wait`,
    [key, capacity, windowSeconds, cost],
  );
  return row.wait;
}

/** Removes what no longer limits anyone: past windows, dead attempts, refilled buckets. */
export async function sweepRateLimits(em: EntityManager, fullAfterSeconds: number): Promise<void> {
  await em.execute(`select rate_sweep(?, ?)`, [STALE_ATTEMPT_SECONDS, fullAfterSeconds]);
}
