import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DepositDocument, MyLedgerDocument, PayOrderDocument } from '../generated/graphql.ts';
import { OrderFactory } from '../utils/factories.ts';
import { concurrently, demo, startTestApp, type TestApp } from '../utils/test-app.ts';
import { balanceOf, ledgerCount } from '../utils/ledger.ts';

let t: TestApp;
let adminToken: string;
beforeAll(async () => {
  t = await startTestApp();
  adminToken = await t.login(demo.admin);
});
afterAll(() => t?.close());

describe('Decimal money at the edge', () => {
  it.each([
    ['a string with two places', '12.34', '12.34'],
    ['a string with no places', '7', '7.00'],
    ['a JSON number', 5.5, '5.50'],
  ])('accepts %s and answers with exactly two places', async (_label, amount, shown) => {
    const res = await t.gql(
      DepositDocument,
      { consumerId: demo.otherConsumer.id, amount: amount as string },
      { token: adminToken },
    );
    expect(res.errors).toBeUndefined();
    expect(res.data?.deposit.amount).toBe(shown);
  });

  it.each([
    ['a third decimal place', '1.005'],
    ['NaN', 'NaN'],
    ['Infinity', 'Infinity'],
    ['exponent notation', '1e3'],
    ['a float with binary noise', 0.1 + 0.2],
    ['an empty string', ''],
    ['more digits than money has', '1234567890123.00'],
  ])('rejects %s with BAD_USER_INPUT and changes nothing', async (_label, amount) => {
    const before = await ledgerCount(t);
    const res = await t.gql(
      DepositDocument,
      { consumerId: demo.otherConsumer.id, amount: amount as string },
      { token: adminToken },
    );
    expect(res.errors?.[0].extensions?.code).toBe('BAD_USER_INPUT');
    expect(await ledgerCount(t)).toBe(before);
  });

  it('rejects a Decimal literal with a third place inline in the query', async () => {
    const res = await t.gql(
      `mutation { deposit(consumerId: "${demo.otherConsumer.id}", amount: "0.001") { id } }`,
      {},
      { token: adminToken },
    );
    expect(res.errors?.[0].extensions?.code).toBe('BAD_USER_INPUT');
  });

  it('rejects a zero or negative deposit and an unknown consumer', async () => {
    for (const [consumerId, amount] of [
      [demo.otherConsumer.id, '0'],
      [demo.otherConsumer.id, '-5.00'],
      ['99999999', '5.00'],
    ]) {
      const res = await t.gql(DepositDocument, { consumerId, amount }, { token: adminToken });
      expect(res.errors?.[0].extensions?.code).toBe('BAD_USER_INPUT');
    }
  });
});

describe('the ledger', () => {
  it('records a deposit with the balance after it, newest first in me.transactions', async () => {
    const token = await t.login(demo.consumer);
    const before = await balanceOf(t, demo.consumer.id);
    await t.gql(
      DepositDocument,
      { consumerId: demo.consumer.id, amount: '0.10' },
      { token: adminToken },
    );
    const res = await t.gql(MyLedgerDocument, { first: 1 }, { token });
    const [latest] = res.data!.me!.transactions.nodes;
    expect(latest.amount).toBe('0.10');
    expect(latest.balanceAfter).toBe((Number(before) + 0.1).toFixed(2));
    expect(res.data!.me!.balance).toBe(latest.balanceAfter);
    expect(res.data!.me!.transactions.pageInfo.hasNextPage).toBe(true);
    const next = await t.gql(
      MyLedgerDocument,
      { first: 5, after: res.data!.me!.transactions.pageInfo.endCursor },
      { token },
    );
    expect(next.data!.me!.transactions.nodes[0].reason).toMatch(/Opening deposit/);
  });

  it('lets exactly the affordable debits of 20 concurrent payments through; the balance never goes negative', async () => {
    const payer = demo.thirdConsumer; // 50000.00 to start with
    const factory = new OrderFactory(t.app.orm);
    const orders = await concurrently(20, () => factory.create(payer.id, { payment: '4000.00' }));
    const token = await t.login(payer);
    const results = await concurrently(20, (i) =>
      t.gql(
        PayOrderDocument,
        { orderId: orders[i].id, payType: 'BALANCE', key: `debit-race-${i}` },
        { token },
      ),
    );
    const paid = results.filter((r) => r.data?.payOrder.transaction);
    const refused = results.filter(
      (r) => r.data?.payOrder.errors[0]?.code === 'INSUFFICIENT_BALANCE',
    );
    expect(paid).toHaveLength(12); // 12 × 4000 = 48000 ≤ 50000 < 13 × 4000
    expect(refused).toHaveLength(8);
    expect(await balanceOf(t, payer.id)).toBe('2000.00');
    const { rows } = await t.db.query(
      `select sum(amount) as total, min(balance_after) as lowest, count(*)::int as n
         from bank_transactions where consumer_id = $1`,
      [payer.id],
    );
    expect(rows[0].total).toBe('2000.00');
    expect(Number(rows[0].lowest)).toBeGreaterThanOrEqual(0);
    expect(rows[0].n).toBe(13); // the opening deposit and 12 debits
    const { rows: statuses } = await t.db.query(
      `select status, count(*)::int as n from orders where consumer_id = $1 group by status`,
      [payer.id],
    );
    expect(Object.fromEntries(statuses.map((r) => [r.status, r.n]))).toMatchObject({
      PENDING_PAYMENT: 8,
    });
  });

  it('refuses a balance below zero at the database too (CHECK constraint)', async () => {
    await expect(
      t.db.query(`update bank_accounts set balance = -1 where consumer_id = $1`, [
        demo.consumer.id,
      ]),
    ).rejects.toThrow(/check constraint/);
  });
});

describe('idempotency keys', () => {
  it('charges once when the same key is sent 10 times at once, and every reply is the first result', async () => {
    const payer = demo.otherConsumer;
    const order = await new OrderFactory(t.app.orm).create(payer.id, { payment: '30.00' });
    const token = await t.login(payer);
    const before = await balanceOf(t, payer.id);
    const results = await concurrently(10, () =>
      t.gql(
        PayOrderDocument,
        { orderId: order.id, payType: 'WECHAT', key: 'same-key-10x' },
        { token },
      ),
    );
    const ids = new Set(results.map((r) => r.data?.payOrder.transaction?.id));
    expect(ids.size).toBe(1);
    expect([...ids][0]).toBeTruthy();
    expect(results.every((r) => r.data?.payOrder.errors.length === 0)).toBe(true);
    expect(Number(before) - Number(await balanceOf(t, payer.id))).toBeCloseTo(30, 2);
    const { rows } = await t.db.query(
      `select count(*)::int as n from bank_transactions where order_id = $1`,
      [order.id],
    );
    expect(rows[0].n).toBe(1);
  });

  it('answers IDEMPOTENCY_KEY_REUSED when a key comes back with another input, and charges nothing', async () => {
    const payer = demo.otherConsumer;
    const factory = new OrderFactory(t.app.orm);
    const [first, second] = [await factory.create(payer.id), await factory.create(payer.id)];
    const token = await t.login(payer);
    const ok = await t.gql(
      PayOrderDocument,
      { orderId: first.id, payType: 'JDPAY', key: 'reused-key' },
      { token },
    );
    expect(ok.data?.payOrder.errors).toEqual([]);
    const before = await balanceOf(t, payer.id);
    const reused = await t.gql(
      PayOrderDocument,
      { orderId: second.id, payType: 'JDPAY', key: 'reused-key' },
      { token },
    );
    expect(reused.data?.payOrder.errors[0].code).toBe('IDEMPOTENCY_KEY_REUSED');
    expect(await balanceOf(t, payer.id)).toBe(before);
  });

  it('lets a key refused for a short balance be retried after a deposit', async () => {
    const payer = demo.thirdConsumer;
    const order = await new OrderFactory(t.app.orm).create(payer.id, { payment: '9000.00' });
    const token = await t.login(payer);
    const refused = await t.gql(
      PayOrderDocument,
      { orderId: order.id, payType: 'BALANCE', key: 'retry-after-deposit' },
      { token },
    );
    expect(refused.data?.payOrder.errors[0].code).toBe('INSUFFICIENT_BALANCE');
    await t.gql(
      DepositDocument,
      { consumerId: payer.id, amount: '9000.00' },
      { token: adminToken },
    );
    const paid = await t.gql(
      PayOrderDocument,
      { orderId: order.id, payType: 'BALANCE', key: 'retry-after-deposit' },
      { token },
    );
    expect(paid.data?.payOrder.errors).toEqual([]);
    expect(paid.data?.payOrder.transaction?.amount).toBe('-9000.00');
  });
});
