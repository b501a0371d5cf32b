import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { ConfigError, loadConfig } from '../../src/platform/config.ts';
import {
  AdvanceProductionClockDocument,
  AnalyzeChipOrderDocument,
  CancelOrderDocument,
  ChipOrderDocument,
  ConfirmChipOrderDocument,
  PlantsDocument,
  ProductionClockDocument,
  type ChipPlanInput,
} from '../generated/graphql.ts';
import { ck101Lot, REED, seedExamplePlan } from '../utils/chip-plans.ts';
import { demo, startTestApp, type TestApp } from '../utils/test-app.ts';
import { balanceOf } from '../utils/ledger.ts';

let t: TestApp;
let consumer: string;
let admin: string;

beforeAll(async () => {
  t = await startTestApp();
  consumer = await t.login(demo.consumer);
  admin = await t.login(demo.admin);
});
afterAll(() => t?.close());

async function confirm(input: ChipPlanInput, key: string): Promise<string> {
  const res = await t.gql(ConfirmChipOrderDocument, { input, key }, { token: consumer });
  expect(res.data!.confirmChipOrder.errors).toEqual([]);
  return res.data!.confirmChipOrder.order!.id;
}

async function advance(ticks: number) {
  const res = await t.gql(AdvanceProductionClockDocument, { ticks }, { token: admin });
  expect(res.errors).toBeUndefined();
  return res.data!.advanceProductionClock;
}

async function order(id: string) {
  const res = await t.gql(ChipOrderDocument, { id }, { token: consumer });
  expect(res.errors).toBeUndefined();
  return res.data!.order as Extract<NonNullable<typeof res.data>['order'], { kpi: unknown }>;
}

describe('who may move the clock', () => {
  it('refuses consumers and operators (FORBIDDEN) and strangers (UNAUTHENTICATED)', async () => {
    const operator = await t.login(demo.operator);
    for (const token of [consumer, operator]) {
      const res = await t.gql(AdvanceProductionClockDocument, { ticks: 1 }, { token });
      expect(res.errors![0].extensions!.code).toBe('FORBIDDEN');
    }
    const anonymous = await t.gql(AdvanceProductionClockDocument, { ticks: 1 });
    expect(anonymous.errors![0].extensions!.code).toBe('UNAUTHENTICATED');
    expect((await t.gql(ProductionClockDocument)).data!.productionClock.now).toBe(0);
  });

  it('refuses to stand still or go back (BAD_USER_INPUT)', async () => {
    for (const ticks of [0, -5]) {
      const res = await t.gql(AdvanceProductionClockDocument, { ticks }, { token: admin });
      expect(res.errors![0].extensions!.code).toBe('BAD_USER_INPUT');
    }
    expect((await t.gql(ProductionClockDocument)).data!.productionClock.now).toBe(0);
  });
});

describe('orders following the clock', () => {
  let worked: string;
  let later: string;
  let quick: string;

  it('moves a PAID order to IN_PRODUCTION once the clock reaches its first start, with one event and no actor', async () => {
    worked = await confirm(seedExamplePlan(), 'clock-worked'); // ticks 0..95
    later = await confirm(ck101Lot(200, 10), 'clock-later'); // ticks 200..214
    quick = await confirm(ck101Lot(120, 1), 'clock-quick'); // ticks 120..123
    expect((await order(worked)).status).toBe('PAID');

    expect(await advance(1)).toEqual({ now: 1, tickMs: null });
    const moved = await order(worked);
    expect(moved.status).toBe('IN_PRODUCTION');
    expect(moved.statusLabel).toBe('生产中');
    expect(moved.events.map((e) => [e.type, e.fromStatus, e.toStatus, e.actor])).toEqual([
      ['ORDER_CREATED', null, 'PAID', { id: demo.consumer.id }],
      ['STATUS_CHANGED', 'PAID', 'IN_PRODUCTION', null],
    ]);
    expect(moved.events[1].data).toEqual({ tick: 1, by: 'production clock' });
    expect((await order(later)).status).toBe('PAID');
  });

  it('refuses to cancel an order in production, and refunds nothing', async () => {
    const before = await balanceOf(t, demo.consumer.id);
    const res = await t.gql(CancelOrderDocument, { orderId: worked }, { token: consumer });
    expect(res.data!.cancelOrder.errors.map((e) => e.code)).toEqual(['INVALID_TRANSITION']);
    expect(await balanceOf(t, demo.consumer.id)).toBe(before);
    expect((await order(worked)).status).toBe('IN_PRODUCTION');
  });

  it('judges new plans against the moved clock (START_IN_PAST)', async () => {
    const res = await t.gql(
      AnalyzeChipOrderDocument,
      { input: ck101Lot(0, 1) },
      { token: consumer },
    );
    expect(res.data!.analyzeChipOrder.violations.map((v) => v.code)).toContain('START_IN_PAST');
  });

  it('completes an order once the clock reaches its last end', async () => {
    expect((await advance(93)).now).toBe(94);
    expect((await order(worked)).status).toBe('IN_PRODUCTION');
    expect((await advance(1)).now).toBe(95);
    const done = await order(worked);
    expect(done.status).toBe('COMPLETED');
    expect(done.events.map((e) => [e.type, e.fromStatus, e.toStatus, e.actor])).toEqual([
      ['ORDER_CREATED', null, 'PAID', { id: demo.consumer.id }],
      ['STATUS_CHANGED', 'PAID', 'IN_PRODUCTION', null],
      ['STATUS_CHANGED', 'IN_PRODUCTION', 'COMPLETED', null],
    ]);
  });

  it('cancels a PAID order before production: full refund, bookings freed, plants free again', async () => {
    const before = Number(await balanceOf(t, demo.consumer.id));
    const res = await t.gql(CancelOrderDocument, { orderId: later }, { token: consumer });
    expect(res.data!.cancelOrder.errors).toEqual([]);
    expect(res.data!.cancelOrder.order!.status).toBe('CANCELLED');
    expect(Number(await balanceOf(t, demo.consumer.id))).toBe(before + 7500);
    const ledger = await t.db.query(
      `select amount from bank_transactions where order_id = $1 order by id`,
      [later],
    );
    expect(ledger.rows.map((r) => r.amount)).toEqual(['-7500.00', '7500.00']);
    const { rows } = await t.db.query(
      `select count(*)::int as n from chip_bookings where order_id = $1`,
      [later],
    );
    expect(rows[0].n).toBe(0);
    // The schedule stays on the order; the plants' calendars no longer hold it.
    const cancelled = await order(later);
    expect(cancelled.lots[0].operations).toHaveLength(3);
    expect(cancelled.events.map((e) => [e.type, e.toStatus])).toEqual([
      ['ORDER_CREATED', 'PAID'],
      ['STATUS_CHANGED', 'CANCELLED'],
      ['BOOKINGS_FREED', null],
    ]);
    const plants = (await t.gql(PlantsDocument, { from: 200, to: 300 }, { token: consumer })).data!
      .plants;
    expect(plants.find((p) => p.name === REED)!.bookings).toEqual([]);
    const again = await t.gql(
      AnalyzeChipOrderDocument,
      { input: ck101Lot(200, 10) },
      { token: consumer },
    );
    expect(again.data!.analyzeChipOrder.feasible).toBe(true);
    // A cancelled order is not moved by the clock.
    await advance(200);
    expect((await order(later)).status).toBe('CANCELLED');
  });

  it('moves an order passed over in one step through IN_PRODUCTION to COMPLETED, an event each', async () => {
    const passed = await order(quick);
    expect(passed.status).toBe('COMPLETED');
    expect(passed.events.map((e) => [e.fromStatus, e.toStatus])).toEqual([
      [null, 'PAID'],
      ['PAID', 'IN_PRODUCTION'],
      ['IN_PRODUCTION', 'COMPLETED'],
    ]);
  });

  it('shows utilization as the booked share of the next 100 ticks', async () => {
    const now = (await t.gql(ProductionClockDocument)).data!.productionClock.now; // 295
    await confirm(ck101Lot(now + 50, 100), 'clock-utilization'); // Reed [now+50, now+90)
    const plants = (await t.gql(PlantsDocument, {}, { token: consumer })).data!.plants;
    expect(plants.find((p) => p.name === REED)!.utilization).toBeCloseTo(0.4, 10);
    await advance(70); // 20 of the 40 ticks are past
    const after = (await t.gql(PlantsDocument, {}, { token: consumer })).data!.plants;
    expect(after.find((p) => p.name === REED)!.utilization).toBeCloseTo(0.2, 10);
  });
});

describe('the last tick', () => {
  it('refuses to move the clock past tick 2147483647 (BAD_USER_INPUT)', async () => {
    const now = (await t.gql(ProductionClockDocument)).data!.productionClock.now;
    expect(now).toBeGreaterThan(0);
    const res = await t.gql(
      AdvanceProductionClockDocument,
      { ticks: 2_147_483_647 - now + 1 },
      { token: admin },
    );
    expect(res.errors![0].extensions!.code).toBe('BAD_USER_INPUT');
    expect((await t.gql(ProductionClockDocument)).data!.productionClock.now).toBe(now);
  });
});

describe('a clock that ticks by itself', () => {
  it('reads PRODUCTION_TICK_MS: a positive period ticks, unset or 0 leaves the clock to ADMIN', () => {
    expect(loadConfig({ PRODUCTION_TICK_MS: '250' }).productionTickMs).toBe(250);
    expect(loadConfig({}).productionTickMs).toBeUndefined();
    expect(loadConfig({ PRODUCTION_TICK_MS: '0' }).productionTickMs).toBeUndefined();
    expect(() => loadConfig({ PRODUCTION_TICK_MS: 'fast' })).toThrow(ConfigError);
    expect(() => loadConfig({ PRODUCTION_TICK_MS: '-5' })).toThrow(/PRODUCTION_TICK_MS/);
  });

  it('moves every PRODUCTION_TICK_MS and takes orders along', async () => {
    // Through the environment, as an operator sets it, not the config object.
    vi.stubEnv('PRODUCTION_TICK_MS', '25');
    const ticking = await startTestApp().finally(() => vi.unstubAllEnvs());
    try {
      const token = await ticking.login(demo.consumer);
      const clock = await ticking.gql(ProductionClockDocument);
      expect(clock.data!.productionClock.tickMs).toBe(25);
      const start = clock.data!.productionClock.now + 20;
      const res = await ticking.gql(
        ConfirmChipOrderDocument,
        { input: ck101Lot(start, 1), key: 'ticking' },
        { token },
      );
      const id = res.data!.confirmChipOrder.order!.id;
      const deadline = Date.now() + 15_000;
      let status = 'PAID';
      while (status !== 'COMPLETED' && Date.now() < deadline) {
        await new Promise((r) => setTimeout(r, 100));
        const { rows } = await ticking.db.query(`select status from orders where id = $1`, [id]);
        status = rows[0].status;
      }
      expect(status).toBe('COMPLETED');
      const now = (await ticking.gql(ProductionClockDocument)).data!.productionClock.now;
      expect(now).toBeGreaterThanOrEqual(start + 3);
    } finally {
      await ticking.close();
    }
  });
});
