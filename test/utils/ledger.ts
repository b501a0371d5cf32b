import type { TestApp } from './test-app.ts';

/** A consumer's bank balance as the database holds it (numeric as text, e.g. "12.50"). */
export async function balanceOf(app: TestApp, consumerId: string): Promise<string> {
  const { rows } = await app.db.query(`select balance from bank_accounts where consumer_id = $1`, [
    consumerId,
  ]);
  return rows[0].balance;
}

/** How many ledger rows there are: a refused write must leave it unchanged. */
export async function ledgerCount(app: TestApp): Promise<number> {
  const { rows } = await app.db.query(`select count(*)::int as n from bank_transactions`);
  return rows[0].n;
}
