import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seedDemoData, startApp } from '../../src/app.ts';
import { modules } from '../../src/modules.ts';
import { openDatabase } from '../../src/platform/db/orm.ts';
import { fingerprintOf, ordersAside, rowCounts } from '../utils/db-fingerprint.ts';
import { DEMO_ACCOUNTS } from '../../src/platform/seed.ts';
import { createEmptyDatabase, createTestDatabase, dropTestDatabase } from '../utils/test-app.ts';

/** Starts the service as `npm start` does (seeding on), and stops it again. */
async function startAndStop(databaseUrl: string): Promise<void> {
  const app = await startApp({
    config: { databaseUrl, port: 0, host: '127.0.0.1', logLevel: 'silent' },
    seed: true,
  });
  await app.close();
}

describe('demo data on start', () => {
  let url: string;
  let complete: Record<string, string>;
  beforeAll(async () => {
    url = await createEmptyDatabase();
    // What the test template holds: every module's demo data, seeded once.
    const clone = await createTestDatabase();
    complete = rowCounts(await fingerprintOf(clone));
    await dropTestDatabase(clone);
  });
  afterAll(() => dropTestDatabase(url));

  it('completes the demo data of a database a first start left seeded only in part', async () => {
    // A first start that stopped after the platform's seed: demo accounts, no catalogues.
    const orm = await openDatabase(modules, { url });
    await modules[0].seed!(orm.em.fork());
    await orm.close(true);
    const partial = rowCounts(await fingerprintOf(url));
    expect(Number(partial.consumers)).toBeGreaterThan(0);
    expect(partial.products).toBe('0');

    await startAndStop(url);
    const seeded = rowCounts(await fingerprintOf(url));
    // The template leaves out the demo orders (and what paying for them wrote): the rest equal.
    expect(ordersAside(seeded)).toEqual(ordersAside(complete));
  });

  it('places a few orders of every kind for the demo consumer, paid ones debited once in the ledger', async () => {
    const db = new pg.Client({ connectionString: url });
    await db.connect();
    try {
      const { rows } = await db.query(
        `select kind, status, count(*)::int as n from orders where consumer_id = $1
          group by 1, 2 order by 1, 2`,
        [DEMO_ACCOUNTS[0].id],
      );
      expect(rows).toEqual([
        { kind: 'CHIP', status: 'PAID', n: 1 },
        { kind: 'DRIVER', status: 'PENDING_PAYMENT', n: 1 },
        { kind: 'PLAN', status: 'PAID', n: 1 },
        { kind: 'SALE', status: 'EFFECTIVE', n: 1 },
        { kind: 'SHOP', status: 'PAID', n: 1 },
        { kind: 'SHOP', status: 'PENDING_PAYMENT', n: 1 },
      ]);
      // Chip 750.00, plan 760.00, sale 560.00, shop 2 × 12.80 + 39.90: one debit each.
      const ledger = await db.query(
        `select b.balance, array_agg(t.amount::text order by t.id) as amounts
           from bank_accounts b join bank_transactions t using (consumer_id)
          where consumer_id = $1 group by b.balance`,
        [DEMO_ACCOUNTS[0].id],
      );
      expect(ledger.rows).toEqual([
        {
          balance: '197864.50',
          amounts: ['200000.00', '-750.00', '-760.00', '-560.00', '-65.50'],
        },
      ]);
    } finally {
      await db.end();
    }
  });

  it('does not bring back on start what was deleted once the demo data was complete; npm run seed does', async () => {
    const productCount = async () => Number(rowCounts(await fingerprintOf(url)).products);
    const all = await productCount();
    const db = new pg.Client({ connectionString: url });
    await db.connect();
    try {
      // An operator takes a demo product off the catalogue (no order refers to it yet).
      await db.query('delete from products where id = (select max(id) from products)');
    } finally {
      await db.end();
    }
    await startAndStop(url);
    expect(await productCount()).toBe(all - 1);

    const orm = await openDatabase(modules, { url });
    await seedDemoData(orm); // `npm run seed`: asked for explicitly
    await orm.close(true);
    expect(await productCount()).toBe(all);
  });

  it('changes nothing when everything is there already, and costs only a few statements', async () => {
    const before = await fingerprintOf(url);
    await startAndStop(url);
    expect(await fingerprintOf(url)).toEqual(before);

    let statements = 0;
    const orm = await openDatabase(modules, { url, onQuery: () => statements++ });
    statements = 0;
    await seedDemoData(orm);
    await orm.close(true);
    expect(await fingerprintOf(url)).toEqual(before);
    // About 125 today (a lookup per demo account, `insert ... on conflict do nothing` per
    // catalogue row or batch): a fraction of a second added to every start.
    expect(statements).toBeLessThan(400);
  });
});
