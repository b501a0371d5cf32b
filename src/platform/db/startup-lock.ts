import pg from 'pg';

/** The advisory lock every process holds while it migrates and seeds (a 64-bit key). */
const STARTUP_LOCK = "hashtextextended('orderly:start-up', 0)";

/**
 * Runs `work` holding the database's start-up lock, on a session of its own, so that any
 * number of processes starting at once migrate and seed one after the other: the first does
 * the work, the others find it done. The lock goes with the session, so a process that dies
 * holding it releases it. `onWait` is told when another process holds it.
 */
export async function underStartupLock<T>(
  url: string,
  work: () => Promise<T>,
  onWait: () => void = () => undefined,
): Promise<T> {
  const client = new pg.Client({ connectionString: url, application_name: 'orderly-start-up' });
  client.on('error', () => undefined);
  await client.connect();
  try {
    const { rows } = await client.query(`select pg_try_advisory_lock(${STARTUP_LOCK}) as locked`);
    if (!rows[0].locked) {
      onWait();
      await client.query(`select pg_advisory_lock(${STARTUP_LOCK})`);
    }
    return await work();
  } finally {
    await client.end();
  }
}
