import type { EntityManager } from '@mikro-orm/postgresql';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bank } from '../../src/platform/bank/bank.service.ts';
import { BusinessError, ErrorCode } from '../../src/platform/errors.ts';
import { runIdempotent } from '../../src/platform/idempotency/idempotency.service.ts';
import { money } from '../../src/platform/money.ts';
import { concurrently, demo, startTestApp, type TestApp } from '../utils/test-app.ts';
import { balanceOf, ledgerCount } from '../utils/ledger.ts';

/*
 * The one helper the money-moving mutations (confirmShopOrder, confirmChipOrder, payOrder) run
 * through, called here directly on the test database: a debit of `amount` as the work, the
 * ledger row's id as what is kept with the key.
 */
let t: TestApp;
beforeAll(async () => {
  t = await startTestApp();
});
afterAll(() => t?.close());

const payer = demo.otherConsumer.id;
let keys = 0;
const newKey = () => `helper-${Date.now()}-${++keys}`;

/** Debits `amount` once per key; answers which request did the work or replayed it. */
function debitOnce(key: string, amount: string, refuse?: BusinessError) {
  let ran = 0;
  const run = () =>
    runIdempotent(
      t.app.orm.em.fork() as EntityManager,
      { consumerId: payer, key, operation: 'helperDebit', input: { amount } },
      async (tx) => {
        ran++;
        const txn = await bank.debit(tx, payer, money(amount), `helper test ${key}`);
        if (refuse) throw refuse;
        return { stored: { transactionId: txn.id }, payload: { id: txn.id, replayed: false } };
      },
      async (stored) => ({ id: stored.transactionId, replayed: true }),
    );
  return { run, ran: () => ran };
}

describe('runIdempotent', () => {
  it('does the work once for the same key twice, and answers the repeat with the stored result', async () => {
    const before = await balanceOf(t, payer);
    const key = newKey();
    const once = debitOnce(key, '2.50');
    const first = await once.run();
    const second = await once.run();
    expect(once.ran()).toBe(1);
    expect(first).toMatchObject({ id: expect.stringMatching(/^\d+$/), replayed: false });
    expect(second).toEqual({ id: (first as { id: string }).id, replayed: true });
    expect(
      money(before)
        .minus(await balanceOf(t, payer))
        .toFixed(2),
    ).toBe('2.50');
  });

  it('turns a BusinessError into payload errors, keeps nothing, and lets the key be used again', async () => {
    const before = { balance: await balanceOf(t, payer), ledger: await ledgerCount(t) };
    const key = newKey();
    const refusal = BusinessError.of(ErrorCode.INVALID_INPUT, 'Refused after the debit.', ['x']);
    const refused = await debitOnce(key, '4.00', refusal).run();
    expect(refused).toEqual({ errors: refusal.errors });
    expect(await balanceOf(t, payer)).toBe(before.balance);
    expect(await ledgerCount(t)).toBe(before.ledger);
    const { rows } = await t.db.query(`select 1 from idempotency_keys where key = $1`, [key]);
    expect(rows).toHaveLength(0);
    const retried = await debitOnce(key, '4.00').run();
    expect(retried).toMatchObject({ replayed: false });
    expect(await ledgerCount(t)).toBe(before.ledger + 1);
  });

  it('debits once when five requests bring the same key at once, and all answer the same ledger row', async () => {
    const before = await balanceOf(t, payer);
    const once = debitOnce(newKey(), '1.25');
    const answers = (await concurrently(5, () => once.run())) as {
      id: string;
      replayed: boolean;
    }[];
    expect(once.ran()).toBe(1);
    expect(new Set(answers.map((a) => a.id)).size).toBe(1);
    expect(answers.filter((a) => !a.replayed)).toHaveLength(1);
    expect(
      money(before)
        .minus(await balanceOf(t, payer))
        .toFixed(2),
    ).toBe('1.25');
  });

  it('refuses the key for another input with IDEMPOTENCY_KEY_REUSED, and debits nothing more', async () => {
    const key = newKey();
    await debitOnce(key, '1.00').run();
    const before = await balanceOf(t, payer);
    const other = debitOnce(key, '9.00');
    const answer = await other.run();
    expect(answer).toMatchObject({ errors: [{ code: 'IDEMPOTENCY_KEY_REUSED' }] });
    expect(other.ran()).toBe(0);
    expect(await balanceOf(t, payer)).toBe(before);
  });

  it('keeps a result known before the work with the claim, and answers a repeat with it', async () => {
    const key = newKey();
    let ran = 0;
    const run = () =>
      runIdempotent(
        t.app.orm.em.fork() as EntityManager,
        { consumerId: payer, key, operation: 'helperKnown', input: {}, result: { n: 7 } },
        async () => {
          ran++;
          return { stored: { n: 7 }, payload: 'worked' };
        },
        async (stored) => `replayed ${stored.n}`,
      );
    expect(await run()).toBe('worked');
    expect(await run()).toBe('replayed 7');
    expect(ran).toBe(1);
    const { rows } = await t.db.query(`select result from idempotency_keys where key = $1`, [key]);
    expect(rows).toEqual([{ result: { n: 7 } }]);
  });
});
