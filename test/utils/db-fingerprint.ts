import type pg from 'pg';

/**
 * A fingerprint of every table of the database: its row count and an md5 of all its rows, in
 * a stable order. Equal fingerprints: no row was added, removed or changed anywhere. Left out:
 * the rate-limit counters (rate_*), which every refused login is meant to change, and the
 * signing secret a first start generates (auth_secret).
 */
export async function fingerprint(db: pg.Pool): Promise<Record<string, string>> {
  const { rows: tables } = await db.query<{ name: string }>(
    `select tablename as name from pg_tables
      where schemaname = 'public' and tablename not like 'rate\\_%' and tablename <> 'auth_secret'
      order by tablename`,
  );
  const { rows } = await db.query<{ name: string; f: string }>(
    tables
      .map(
        ({ name }) =>
          `select '${name}' as name, count(*)::text || ':' ||
                  coalesce(md5(string_agg(x::text, ',' order by x::text)), '') as f
             from "${name}" x`,
      )
      .join(' union all '),
  );
  return Object.fromEntries(rows.map((r) => [r.name, r.f]));
}

/** The tables whose fingerprints differ. */
export function changedTables(
  before: Record<string, string>,
  after: Record<string, string>,
): string[] {
  const names = new Set([...Object.keys(before), ...Object.keys(after)]);
  return [...names].filter((name) => before[name] !== after[name]).sort();
}
