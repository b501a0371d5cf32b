import pg from 'pg';

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

/** Each table's row count, from a fingerprint. */
export const rowCounts = (f: Record<string, string>) =>
  Object.fromEntries(Object.entries(f).map(([table, value]) => [table, value.split(':')[0]]));

/** The fingerprint of the database at `url`. */
export async function fingerprintOf(url: string): Promise<Record<string, string>> {
  const db = new pg.Pool({ connectionString: url, max: 1 });
  try {
    return await fingerprint(db);
  } finally {
    await db.end();
  }
}

/** The tables the demo orders add rows to (the tests' template has none of them). */
const DEMO_ORDER_TABLES = new Set([
  ...['orders', 'order_events', 'idempotency_keys', 'bank_transactions'],
  ...['chip_orders', 'chip_lots', 'chip_lot_operations', 'chip_bookings'],
  ...['plan_order_ext', 'driver_order_ext', 'driver_order_drivers', 'sale_order_ext'],
  ...['insurance_order_items', 'shop_orders', 'shop_order_lines'],
]);

/** Row counts without the tables of the demo orders: what a start seeds equals the template. */
export const ordersAside = (counts: Record<string, string>) =>
  Object.fromEntries(Object.entries(counts).filter(([table]) => !DEMO_ORDER_TABLES.has(table)));
