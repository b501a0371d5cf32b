import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  AnalyzeChipOrderDocument,
  ChipOrderDocument,
  ChipOrderPageDocument,
  ConfirmChipOrderDocument,
  DepositDocument,
  PlantsDocument,
  SetPlantStatusDocument,
  type ChipPlanInput,
} from '../generated/graphql.ts';
import {
  ck101Lot,
  DIAZ,
  farApartPlan,
  FERNANDEZ,
  REED,
  seedExamplePlan,
} from '../utils/chip-plans.ts';
import {
  concurrently,
  demo,
  startTestApp,
  type TestApp,
  isCallerCheck,
} from '../utils/test-app.ts';
import { waitForLockWaiters } from '../utils/lock-waiters.ts';
import { balanceOf } from '../utils/ledger.ts';

let t: TestApp;
let statements: string[] = [];
const tokens: Record<string, string> = {};

beforeAll(async () => {
  t = await startTestApp({ onQuery: (sql) => statements.push(sql) });
  for (const account of [demo.consumer, demo.otherConsumer, demo.thirdConsumer, demo.admin]) {
    tokens[account.id] = await t.login(account);
  }
});
afterAll(() => t?.close());

function confirm(input: ChipPlanInput, key: string, account: { id: string } = demo.consumer) {
  return t.gql(ConfirmChipOrderDocument, { input, key }, { token: tokens[account.id] });
}

async function counts() {
  const { rows } = await t.db.query(`select
    (select count(*) from orders where kind = 'CHIP')::int as orders,
    (select count(*) from chip_lots)::int as lots,
    (select count(*) from chip_bookings)::int as bookings,
    (select count(*) from bank_transactions where order_id is not null)::int as debits`);
  return rows[0] as { orders: number; lots: number; bookings: number; debits: number };
}

describe("confirming the seed's worked example", () => {
  let orderId: string;

  it('debits the total cost, books the plants and creates a PAID order with its schedule', async () => {
    const before = await counts();
    const res = await confirm(seedExamplePlan(), 'worked-example');
    expect(res.errors).toBeUndefined();
    const payload = res.data!.confirmChipOrder;
    expect(payload.errors).toEqual([]);
    expect(payload.analysis!.feasible).toBe(true);
    const order = payload.order!;
    orderId = order.id;
    expect(order).toMatchObject({
      kind: 'CHIP',
      status: 'PAID',
      statusCode: 2,
      statusLabel: '已支付',
      payment: '60000.00',
      budget: '60005.00',
      expectedTime: 97,
      consumer: { id: demo.consumer.id },
    });
    expect(order.orderNo).toMatch(/^CH\d{14}$/);
    expect(order.kpi).toEqual(payload.analysis!.kpi);
    expect(order.kpi.finishTime).toBe(95);
    expect(order.lots.map((l) => [l.packageId, l.quantity, l.cost])).toEqual([
      ['12', 50, '37500.00'],
      ['84', 30, '22500.00'],
    ]);
    expect(order.events).toEqual([
      {
        type: 'ORDER_CREATED',
        fromStatus: null,
        toStatus: 'PAID',
        actor: { id: demo.consumer.id },
        data: { totalCost: '60000.00', lots: 2, finishTime: 95 },
      },
    ]);

    expect(await balanceOf(t, demo.consumer.id)).toBe('140000.00');
    const ledger = await t.db.query(
      `select amount, balance_after from bank_transactions where order_id = $1`,
      [orderId],
    );
    expect(ledger.rows).toEqual([{ amount: '-60000.00', balance_after: '140000.00' }]);
    const bookings = await t.db.query(
      `select p.name, b.lot, b.step, b.start_tick::int as start, b.end_tick::int as "end"
         from chip_bookings b join chip_plants p on p.id = b.plant_id
        where b.order_id = $1 order by b.lot, b.step`,
      [orderId],
    );
    expect(bookings.rows.map((b) => [b.name, b.lot, b.step, b.start, b.end])).toEqual([
      [REED, 0, 1, 0, 20],
      [DIAZ, 0, 2, 25, 46],
      [FERNANDEZ, 0, 3, 55, 79],
      [REED, 1, 1, 20, 32],
      [DIAZ, 1, 2, 47, 60],
      [FERNANDEZ, 1, 3, 80, 95],
    ]);
    expect(await counts()).toEqual({
      orders: before.orders + 1,
      lots: before.lots + 2,
      bookings: before.bookings + 6,
      debits: before.debits + 1,
    });
  });

  it('shows the order with its status and schedule on the order page, batched', async () => {
    await confirm(ck101Lot(500, 4), 'page-second');
    statements = [];
    const res = await t.gql(
      ChipOrderPageDocument,
      { first: 20 },
      { token: tokens[demo.consumer.id] },
    );
    // Not counting the caller's token check, one statement before any resolver.
    const selects = statements.filter((s) => /\bselect\b/i.test(s) && !isCallerCheck(s)).length;
    expect(res.errors).toBeUndefined();
    const nodes = res.data!.orders.edges.map((e) => e.node);
    expect(nodes.length).toBe(2);
    type ChipNode = Extract<(typeof nodes)[number], { lots: unknown }>;
    const worked = nodes.find((n) => n.id === orderId) as ChipNode;
    expect(worked).toMatchObject({ status: 'PAID', budget: '60005.00', expectedTime: 97 });
    expect(worked.lots[1].operations.map((o) => [o.plant.name, o.start, o.end])).toEqual([
      [REED, 20, 32],
      [DIAZ, 47, 60],
      [FERNANDEZ, 80, 95],
    ]);
    // The page (orders, count), chip terms, lots, operations, plants: not a query per order.
    expect(selects).toBeLessThanOrEqual(7);

    const one = await t.gql(
      ChipOrderDocument,
      { id: orderId },
      { token: tokens[demo.consumer.id] },
    );
    expect(one.data!.order).toMatchObject({ id: orderId, payment: '60000.00' });
  });

  it('refuses the same plant time for a second order: PLAN_INFEASIBLE with the clashes, nothing charged', async () => {
    const before = await counts();
    const res = await confirm(seedExamplePlan(), 'worked-example-again', demo.otherConsumer);
    const payload = res.data!.confirmChipOrder;
    expect(payload.order).toBeNull();
    expect(payload.errors.map((e) => [e.code, e.field])).toEqual([['PLAN_INFEASIBLE', ['input']]]);
    expect(payload.analysis!.feasible).toBe(false);
    expect(payload.analysis!.violations.map((v) => [v.code, v.lot, v.step])).toEqual([
      ['PLANT_BUSY', 0, 1],
      ['PLANT_BUSY', 0, 2],
      ['PLANT_BUSY', 0, 3],
      ['PLANT_BUSY', 1, 1],
      ['PLANT_BUSY', 1, 2],
      ['PLANT_BUSY', 1, 3],
    ]);
    expect(payload.analysis!.kpi!.totalCost).toBe('60000.00');
    expect(await balanceOf(t, demo.otherConsumer.id)).toBe('50000.00');
    expect(await counts()).toEqual(before);
  });

  it('returns the first result for the same key and input, and refuses the key for another input', async () => {
    const replay = (await confirm(seedExamplePlan(), 'worked-example')).data!.confirmChipOrder;
    expect(replay.errors).toEqual([]);
    expect(replay.order!.id).toBe(orderId);
    expect(replay.analysis!.kpi!.totalCost).toBe('60000.00');
    const other = (await confirm(ck101Lot(9000), 'worked-example')).data!.confirmChipOrder;
    expect(other.errors.map((e) => e.code)).toEqual(['IDEMPOTENCY_KEY_REUSED']);
    expect(other.order).toBeNull();
    expect(await balanceOf(t, demo.consumer.id)).toBe(String((140000 - 3000).toFixed(2)));
  });
});

describe('confirmation rules', () => {
  it('refuses an infeasible plan with its violations and saves nothing', async () => {
    const before = await counts();
    const plan = { ...ck101Lot(20000, 10), budget: '10' };
    const payload = (await confirm(plan, 'over-budget')).data!.confirmChipOrder;
    expect(payload.errors.map((e) => e.code)).toEqual(['PLAN_INFEASIBLE']);
    expect(payload.analysis!.violations.map((v) => v.code)).toEqual(['OVER_BUDGET']);
    expect(await counts()).toEqual(before);
  });

  it('refuses a plan the balance cannot pay (INSUFFICIENT_BALANCE), saves nothing, and takes the same key once topped up', async () => {
    const before = await counts();
    const plan = ck101Lot(30000, 80); // 80 chips: 60000.00, more than 50000.00
    const refused = (await confirm(plan, 'too-dear', demo.thirdConsumer)).data!.confirmChipOrder;
    expect(refused.order).toBeNull();
    expect(refused.errors.map((e) => e.code)).toEqual(['INSUFFICIENT_BALANCE']);
    expect(refused.analysis!.feasible).toBe(true);
    expect(await balanceOf(t, demo.thirdConsumer.id)).toBe('50000.00');
    expect(await counts()).toEqual(before);

    await t.gql(
      DepositDocument,
      { consumerId: demo.thirdConsumer.id, amount: '10000' },
      { token: tokens[demo.admin.id] },
    );
    const paid = (await confirm(plan, 'too-dear', demo.thirdConsumer)).data!.confirmChipOrder;
    expect(paid.errors).toEqual([]);
    expect(paid.order!.payment).toBe('60000.00');
    expect(await balanceOf(t, demo.thirdConsumer.id)).toBe('0.00');
  });

  it('refuses two lots whose waits add up beyond a 32-bit integer as BAD_USER_INPUT, charging nothing', async () => {
    const plan = farApartPlan(100_000_000);
    // Each lot is bookable on its own, so only the total stands between the plan and a debit.
    for (const lot of plan.lots) {
      const alone = await t.gql(
        AnalyzeChipOrderDocument,
        { input: { ...plan, lots: [lot] } },
        { token: tokens[demo.consumer.id] },
      );
      expect(alone.data!.analyzeChipOrder.feasible).toBe(true);
    }
    const before = await counts();
    const balanceBefore = await balanceOf(t, demo.consumer.id);
    const res = await confirm(plan, 'far-apart');
    expect(res.data?.confirmChipOrder ?? null).toBeNull();
    expect(res.errors![0].extensions).toMatchObject({
      code: 'BAD_USER_INPUT',
      figure: 'totalWaitTime',
    });
    expect(await balanceOf(t, demo.consumer.id)).toBe(balanceBefore);
    expect(await counts()).toEqual(before);
    const keys = await t.db.query(`select 1 from idempotency_keys where key = 'far-apart'`);
    expect(keys.rows).toEqual([]);
  });

  it('refuses a plan whose plant went into maintenance after analysis: PLAN_INFEASIBLE, nothing charged', async () => {
    const token = tokens[demo.consumer.id];
    const plan = ck101Lot(97000, 2);
    const analysis = await t.gql(AnalyzeChipOrderDocument, { input: plan }, { token });
    expect(analysis.data!.analyzeChipOrder.feasible).toBe(true);
    const plants = (await t.gql(PlantsDocument, {}, { token })).data!.plants;
    const diaz = plants.find((p) => p.name === DIAZ)!;
    const setDiaz = (status: 'MAINTENANCE' | 'RUNNING') =>
      t.gql(SetPlantStatusDocument, { plantId: diaz.id, status }, { token: tokens[demo.admin.id] });
    const before = await counts();
    const balanceBefore = await balanceOf(t, demo.consumer.id);
    await setDiaz('MAINTENANCE');
    try {
      const payload = (await confirm(plan, 'maintenance-between')).data!.confirmChipOrder;
      expect(payload.order).toBeNull();
      expect(payload.errors.map((e) => e.code)).toEqual(['PLAN_INFEASIBLE']);
      expect(payload.analysis!.violations.map((v) => [v.code, v.lot, v.step, v.plantName])).toEqual(
        [['PLANT_IN_MAINTENANCE', 0, 2, DIAZ]],
      );
      expect(await balanceOf(t, demo.consumer.id)).toBe(balanceBefore);
      expect(await counts()).toEqual(before);
    } finally {
      await setDiaz('RUNNING');
    }
    // Nothing was kept, the key included: the same key goes through once the plant runs again.
    const paid = (await confirm(plan, 'maintenance-between')).data!.confirmChipOrder;
    expect(paid.errors).toEqual([]);
    expect(paid.order!.payment).toBe('1500.00');
  });

  it('asks who is calling before confirming', async () => {
    const res = await t.gql(ConfirmChipOrderDocument, { input: ck101Lot(40000), key: 'anon' });
    expect(res.errors![0].extensions!.code).toBe('UNAUTHENTICATED');
  });
});

describe('confirmations racing', () => {
  it('books one plant window once when ten confirmations want it at the same moment', async () => {
    const before = await counts();
    const accounts = [demo.consumer, demo.otherConsumer];
    const balancesBefore = await Promise.all(accounts.map((a) => balanceOf(t, a.id)));
    const results = await concurrently(10, (i) =>
      confirm(ck101Lot(50000, 1), `race-${i}`, accounts[i % 2]),
    );
    const payloads = results.map((r) => {
      expect(r.errors).toBeUndefined();
      return r.data!.confirmChipOrder;
    });
    const won = payloads.filter((p) => p.order);
    const lost = payloads.filter((p) => !p.order);
    expect(won).toHaveLength(1);
    expect(lost).toHaveLength(9);
    for (const p of lost) {
      expect(p.errors.map((e) => e.code)).toEqual(['PLAN_INFEASIBLE']);
      expect(p.analysis!.violations.map((v) => v.code)).toContain('PLANT_BUSY');
    }
    expect(await counts()).toEqual({
      orders: before.orders + 1,
      lots: before.lots + 1,
      bookings: before.bookings + 3,
      debits: before.debits + 1,
    });
    const balancesAfter = await Promise.all(accounts.map((a) => balanceOf(t, a.id)));
    const spent = balancesBefore.reduce((s, b, i) => s + Number(b) - Number(balancesAfter[i]), 0);
    expect(spent).toBe(750);
  });

  it('lets only one of two confirmations through when together they exceed the balance', async () => {
    const start = Number(await balanceOf(t, demo.otherConsumer.id));
    const quantity = Math.floor(start / 750 / 2) + 1; // each affordable, both not
    const cost = quantity * 750;
    const results = await concurrently(2, (i) =>
      confirm(ck101Lot(60000 + i * 10000, quantity), `pair-${i}`, demo.otherConsumer),
    );
    const payloads = results.map((r) => r.data!.confirmChipOrder);
    expect(payloads.filter((p) => p.order)).toHaveLength(1);
    expect(payloads.flatMap((p) => p.errors.map((e) => e.code))).toEqual(['INSUFFICIENT_BALANCE']);
    expect(Number(await balanceOf(t, demo.otherConsumer.id))).toBe(start - cost);
  });

  it('makes one order and one debit when the same key is sent ten times at once', async () => {
    const before = await counts();
    const startBalance = Number(await balanceOf(t, demo.consumer.id));
    const results = await concurrently(10, () => confirm(ck101Lot(80000, 2), 'same-key-10x'));
    const ids = new Set(results.map((r) => r.data!.confirmChipOrder.order?.id));
    expect(ids.size).toBe(1);
    expect([...ids][0]).toBeTruthy();
    expect(results.every((r) => r.data!.confirmChipOrder.errors.length === 0)).toBe(true);
    expect(await counts()).toEqual({
      orders: before.orders + 1,
      lots: before.lots + 1,
      bookings: before.bookings + 3,
      debits: before.debits + 1,
    });
    expect(Number(await balanceOf(t, demo.consumer.id))).toBe(startBalance - 1500);
  });

  it('turns a clash the database catches into PLAN_INFEASIBLE / PLANT_BUSY, not an error', async () => {
    // Another transaction moves an existing Reed booking onto [90000, 90004) and holds it
    // uncommitted: the confirmation judges the plan free, then its insert waits on that row.
    const existing = (await confirm(ck101Lot(85000, 10), 'db-clash-holder')).data!.confirmChipOrder;
    const holder = await t.db.connect();
    try {
      await holder.query('begin');
      await holder.query(
        `update chip_bookings set start_tick = 90000, end_tick = 90004 where order_id = $1 and step = 1`,
        [existing.order!.id],
      );
      const before = await counts();
      const pending = confirm(ck101Lot(90000, 10), 'db-clash', demo.otherConsumer);
      // Only an insert seen waiting proves the clash reached the constraint, not the judge.
      const sawWait = await waitForLockWaiters(t.db, '%insert into chip_bookings%', 1);
      await holder.query('commit');
      expect(sawWait).toBe(true);
      const payload = (await pending).data!.confirmChipOrder;
      expect(payload.order).toBeNull();
      expect(payload.errors.map((e) => e.code)).toEqual(['PLAN_INFEASIBLE']);
      expect(payload.analysis!.violations.map((v) => [v.code, v.step, v.plantName])).toEqual([
        ['PLANT_BUSY', 1, REED],
      ]);
      expect(await counts()).toEqual(before);
    } finally {
      holder.release();
    }
  });
});

describe('the exclusion constraint on its own', () => {
  it('has PostgreSQL refuse an overlapping booking of one plant (SQLSTATE 23P01), and take one that only touches', async () => {
    const a = (await confirm(ck101Lot(95000, 10), 'sql-a')).data!.confirmChipOrder.order!.id;
    const b = (await confirm(ck101Lot(96000, 10), 'sql-b')).data!.confirmChipOrder.order!.id;
    const client = await t.db.connect();
    // Moves b's Reed booking by hand, bypassing the service: onto a's [95000, 95004), then
    // onto [95004, 95008), which touches it (half-open intervals).
    const rebook = async (start: number, end: number) => {
      await client.query('begin');
      try {
        await client.query(`delete from chip_bookings where order_id = $1 and step = 1`, [b]);
        await client.query(
          `insert into chip_bookings (order_id, lot, step, plant_id, start_tick, end_tick)
           select $1, 0, 1, plant_id, $2, $3 from chip_bookings where order_id = $4 and step = 1`,
          [b, start, end, a],
        );
      } finally {
        await client.query('rollback');
      }
    };
    try {
      await expect(rebook(95002, 95006)).rejects.toMatchObject({
        code: '23P01',
        constraint: 'chip_bookings_no_overlap',
      });
      await expect(rebook(95004, 95008)).resolves.toBeUndefined();
    } finally {
      client.release();
    }
  });
});

describe('large plans', () => {
  it('judges a 200-lot, 10-step plan against a thousand bookings quickly', async () => {
    const token = tokens[demo.consumer.id];
    await t.gql(
      DepositDocument,
      { consumerId: demo.consumer.id, amount: '1000000' },
      { token: tokens[demo.admin.id] },
    );
    const chip = await t.gql(`{ chip(name: "TK450") { operations { plants { name status } } } }`);
    const plants: string[] = chip.data.chip.operations.map(
      (o: { plants: { name: string; status: string }[] }) =>
        o.plants.find((p) => p.status !== 'MAINTENANCE')!.name,
    );
    // 100 one-chip lots at ticks 100000, 100100, ...: 1000 bookings.
    const lots = (base: number, n: number) =>
      Array.from({ length: n }, (_, i) => ({
        chipName: 'TK450',
        quantity: 1,
        plantNames: plants,
        startTimes: plants.map((_, s) => base + i * 100 + s * 10),
      }));
    const booked = await confirm(
      { budget: '999999999', expectedTime: 2_000_000_000, lots: lots(100000, 100) },
      'large-1',
    );
    expect(booked.data!.confirmChipOrder.errors).toEqual([]);
    const started = performance.now();
    const res = await t.gql(
      AnalyzeChipOrderDocument,
      { input: { budget: '999999999', expectedTime: 2_000_000_000, lots: lots(105000, 200) } },
      { token },
    );
    const ms = performance.now() - started;
    const analysis = res.data!.analyzeChipOrder;
    // Lots 0..49 overlap the booked ticks 105000..110000 on every step; lots 50.. are free.
    expect(analysis.violations.filter((v) => v.code === 'PLANT_BUSY')).toHaveLength(500);
    expect(analysis.kpi!.lots).toHaveLength(200);
    expect(ms).toBeLessThan(3000);
  });
});
