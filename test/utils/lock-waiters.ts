import type pg from 'pg';

/**
 * Polls pg_stat_activity until at least `count` sessions of this database wait on a lock while
 * running a statement whose text is `LIKE queryLike` (e.g. '%insert into chip_bookings%').
 * Resolves true as soon as it sees them, false once `timeoutMs` passes without: tests use it to
 * prove a request really queued behind a lock they hold, not merely that it was sent.
 */
export async function waitForLockWaiters(
  db: pg.Pool | pg.Client,
  queryLike: string,
  count: number,
  timeoutMs = 10_000,
): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    // The pattern goes as a parameter so this poll's own text never matches it.
    const { rows } = await db.query<{ n: number }>(
      `select count(*)::int as n from pg_stat_activity
        where datname = current_database() and wait_event_type = 'Lock' and query like $1`,
      [queryLike],
    );
    if (rows[0].n >= count) return true;
    if (Date.now() > deadline) return false;
    await new Promise((r) => setTimeout(r, 10));
  }
}
