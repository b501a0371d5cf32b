import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as D from '../generated/graphql.ts';
import { DEMO_INSURANCE } from '../../src/insurance/insurance.seed.ts';
import { EXT_TABLE } from '../../src/insurance/insurance-order-lifecycle.service.ts';
import type { OrderKind } from '../../src/platform/orders/order.entity.ts';
import { checkInvariants } from '../utils/proof-invariants.ts';
import { demo, startTestApp, type GraphQLResponse, type TestApp } from '../utils/test-app.ts';
import { ck101Lot } from '../utils/chip-plans.ts';
import { secondsAgo, tomorrow } from './insurance-fixtures.ts';
import { ADDRESS, makeShop, type TestShop } from './shop-fixtures.ts';

/**
 * Random interleavings of what several consumers, an operator and an admin do (docs/testing.md, Proof):
 * batches of operations sent at once, batch after batch. After each sequence the invariants of
 * test/utils/proof-invariants.ts must hold: the books balance, nothing below zero, no plant
 * double-booked, every order's history a valid path of its kind's state machine.
 */

const SOAK = process.env.SOAK === '1';
const RUNS = SOAK ? 200 : 4;
const BATCHES = SOAK ? 40 : 12;

const CONSUMERS = [demo.consumer, demo.otherConsumer, demo.thirdConsumer] as const;
type Who = 0 | 1 | 2;

/** Each consumer's vehicle, its quotation, the quoted factor and its drivers (demo data). */
const I = DEMO_INSURANCE;
const GARAGE = [
  { vehicle: I.vehicles[0], quotation: I.quotations[0], drivers: I.drivers.slice(0, 4) },
  { vehicle: I.vehicles[2], quotation: I.quotations[3], drivers: I.drivers.slice(4, 6) },
  { vehicle: I.vehicles[3], quotation: I.quotations[4], drivers: I.drivers.slice(6, 8) },
];

const ORDER_STATUSES = ['PAID', 'CANCELLED', 'COMPLETED', 'EFFECTIVE', 'EXPIRED'] as const;

type Op =
  | { op: 'confirmShop'; who: Who; lines: [number, number][]; key: number }
  | { op: 'pay'; who: Who; pick: number; key: number }
  | { op: 'cancel'; who: Who | 'operator'; pick: number }
  | { op: 'delete'; who: Who; pick: number }
  | { op: 'confirmChip'; who: Who; offset: number; quantity: number; key: number }
  | { op: 'placePlan'; who: Who }
  | { op: 'placeDriver'; who: Who; driver: number }
  | { op: 'inspect'; pick: number; result: 'PASSED' | 'FAILED' }
  | { op: 'alterResult'; pick: number; result: 'PASSED' | 'FAILED' }
  | { op: 'manual'; pick: number; status: (typeof ORDER_STATUSES)[number]; yearOver: boolean }
  | { op: 'deposit'; who: Who; cents: number }
  | { op: 'advanceClock'; ticks: number };

const who = fc.constantFrom<Who>(0, 1, 2);
const pick = fc.nat();
/** Small key numbers, so keys repeat: a retry, or a key reused for something else. */
const key = fc.nat({ max: 40 });

const opArbitrary: fc.Arbitrary<Op> = fc.oneof(
  {
    weight: 2,
    arbitrary: fc.record({
      op: fc.constant('confirmShop' as const),
      who,
      lines: fc.array(fc.tuple(fc.nat({ max: 2 }), fc.integer({ min: 1, max: 3 })), {
        minLength: 1,
        maxLength: 3,
      }),
      key,
    }),
  },
  { weight: 4, arbitrary: fc.record({ op: fc.constant('pay' as const), who, pick, key }) },
  {
    weight: 2,
    arbitrary: fc.record({
      op: fc.constant('cancel' as const),
      who: fc.oneof(who, fc.constant('operator' as const)),
      pick,
    }),
  },
  { weight: 1, arbitrary: fc.record({ op: fc.constant('delete' as const), who, pick }) },
  {
    weight: 2,
    arbitrary: fc.record({
      op: fc.constant('confirmChip' as const),
      who,
      offset: fc.nat({ max: 60 }),
      quantity: fc.integer({ min: 1, max: 30 }),
      key,
    }),
  },
  { weight: 1, arbitrary: fc.record({ op: fc.constant('placePlan' as const), who }) },
  {
    weight: 1,
    arbitrary: fc.record({
      op: fc.constant('placeDriver' as const),
      who,
      driver: fc.nat({ max: 3 }),
    }),
  },
  {
    weight: 2,
    arbitrary: fc.record({
      op: fc.constant('inspect' as const),
      pick,
      result: fc.constantFrom('PASSED' as const, 'FAILED' as const),
    }),
  },
  {
    weight: 1,
    arbitrary: fc.record({
      op: fc.constant('alterResult' as const),
      pick,
      result: fc.constantFrom('PASSED' as const, 'FAILED' as const),
    }),
  },
  {
    weight: 1,
    arbitrary: fc.record({
      op: fc.constant('manual' as const),
      pick,
      status: fc.constantFrom(...ORDER_STATUSES),
      // An insurance order expires by hand only after stopAt: sometimes its year is over first.
      yearOver: fc.boolean(),
    }),
  },
  {
    weight: 1,
    arbitrary: fc.record({
      op: fc.constant('deposit' as const),
      who,
      cents: fc.integer({ min: 1, max: 5_000_000 }),
    }),
  },
  {
    weight: 1,
    arbitrary: fc.record({
      op: fc.constant('advanceClock' as const),
      ticks: fc.integer({ min: 1, max: 15 }),
    }),
  },
);

describe('random interleavings of several consumers keep the invariants', () => {
  let t: TestApp;
  let shop: TestShop;
  const tokens: Record<string, string> = {};
  const orders: { id: string; owner: Who; kind: string }[] = [];
  const initialStock = new Map<string, number>();
  const responses: GraphQLResponse<any>[] = [];

  beforeAll(async () => {
    t = await startTestApp();
    for (const account of [...CONSUMERS, demo.operator, demo.admin]) {
      tokens[account.id] = await t.login(account);
    }
    shop = await makeShop(t, [
      { price: '7.00', stock: 6 },
      { price: '13.50', stock: 3 },
      { price: '99.99', stock: 9 },
    ]);
    shop.productIds.forEach((id, i) => initialStock.set(id, [6, 3, 9][i]));
  });
  afterAll(() => t?.close());

  const tokenOf = (w: Who) => tokens[CONSUMERS[w].id];
  const operator = () => tokens[demo.operator.id];
  const admin = () => tokens[demo.admin.id];
  const keyOf = (w: Who, n: number) => `interleave-${CONSUMERS[w].id}-${n}`;
  /** One of the last few orders that pass `filter`: recent ones, so orders move along. */
  const picked = (n: number, filter: (o: (typeof orders)[number]) => boolean = () => true) => {
    const candidates = orders.filter(filter).slice(-4);
    return candidates.length ? candidates[n % candidates.length] : undefined;
  };

  async function send(document: any, variables: Record<string, unknown>, token?: string) {
    const res = await t.gql(document, variables, { token });
    responses.push(res);
    return res;
  }

  function remember(res: GraphQLResponse<any>, field: string, owner: Who, kind: string) {
    const id = res.data?.[field]?.order?.id;
    if (id && !orders.some((o) => o.id === id)) orders.push({ id, owner, kind });
  }

  async function underwriteOf(orderId: string): Promise<string | undefined> {
    const res = await send(D.ProofUnderwriteByOrderDocument, { orderId }, operator());
    return res.data?.underwriteByOrder?.id;
  }

  async function run(o: Op, now: number): Promise<void> {
    switch (o.op) {
      case 'confirmShop': {
        const lines = new Map(o.lines.map(([p, count]) => [shop.productIds[p], count]));
        const input = {
          shopId: shop.id,
          address: ADDRESS,
          products: [...lines].map(([productId, count]) => ({ productId, count })),
        };
        const res = await send(
          D.ProofConfirmShopOrderDocument,
          { input, idempotencyKey: keyOf(o.who, o.key) },
          tokenOf(o.who),
        );
        return remember(res, 'confirmShopOrder', o.who, 'SHOP');
      }
      case 'pay': {
        const order = picked(o.pick, (x) => x.owner === o.who);
        if (!order) return;
        await send(
          D.ProofPayOrderDocument,
          { orderId: order.id, payType: 'BALANCE', idempotencyKey: keyOf(o.who, o.key) },
          tokenOf(o.who),
        );
        return;
      }
      case 'cancel': {
        const order = picked(o.pick);
        if (!order) return;
        const token = o.who === 'operator' ? operator() : tokenOf(o.who);
        await send(D.ProofCancelOrderDocument, { orderId: order.id }, token);
        return;
      }
      case 'delete': {
        const order = picked(o.pick, (x) => x.owner === o.who);
        if (order) await send(D.ProofDeleteOrderDocument, { orderId: order.id }, tokenOf(o.who));
        return;
      }
      case 'confirmChip': {
        const res = await send(
          D.ProofConfirmChipOrderDocument,
          { input: ck101Lot(now + o.offset, o.quantity), idempotencyKey: keyOf(o.who, o.key) },
          tokenOf(o.who),
        );
        return remember(res, 'confirmChipOrder', o.who, 'CHIP');
      }
      case 'placePlan': {
        const g = GARAGE[o.who];
        const item = I.items[4]; // compulsory liability, quoted at list price × the factor
        const price = (Number(item.price) * Number(g.vehicle.factor)).toFixed(2);
        const input = {
          vehicleId: g.vehicle.id,
          quotationId: g.quotation.id,
          plans: [{ planId: I.plans[2].id, items: [{ planItemId: item.id, price }] }],
          serviceRatio: 0,
          summary: price,
          payment: price,
          vehicleValue: g.vehicle.value,
          expectAt: tomorrow(),
        };
        const res = await send(D.ProofPlaceAnPlanOrderDocument, { input }, tokenOf(o.who));
        return remember(res, 'placeAnPlanOrder', o.who, 'PLAN');
      }
      case 'placeDriver': {
        const g = GARAGE[o.who];
        const driver = g.drivers[o.driver % g.drivers.length];
        const input = {
          vehicleId: g.vehicle.id,
          driverIds: [driver.id],
          summary: '50.00',
          payment: '50.00',
        };
        const res = await send(D.ProofPlaceAnDriverOrderDocument, { input }, tokenOf(o.who));
        return remember(res, 'placeAnDriverOrder', o.who, 'DRIVER');
      }
      case 'inspect': {
        const order = picked(o.pick, (x) => x.kind === 'PLAN');
        if (!order) return;
        await send(
          D.ProofCreateUnderwriteDocument,
          {
            input: {
              orderId: order.id,
              planTime: tomorrow(),
              validatePlace: '验车点',
              validateUpdateTime: secondsAgo(60),
            },
          },
          tokenOf(order.owner),
        );
        const underwriteId = await underwriteOf(order.id);
        if (!underwriteId) return;
        await send(
          D.ProofFillUnderwriteDocument,
          {
            input: {
              underwriteId,
              realPlace: '验车中心',
              certificateState: 'COMPLETE',
              problems: [],
              photos: [],
            },
          },
          operator(),
        );
        await send(
          D.ProofSubmitUnderwriteResultDocument,
          { underwriteId, result: o.result, resultUpdateTime: secondsAgo(1) },
          operator(),
        );
        return;
      }
      case 'alterResult': {
        const order = picked(o.pick, (x) => x.kind === 'PLAN');
        const underwriteId = order && (await underwriteOf(order.id));
        if (!underwriteId) return;
        await send(
          D.ProofAlterUnderwriteResultDocument,
          { underwriteId, result: o.result, resultUpdateTime: new Date().toISOString() },
          operator(),
        );
        return;
      }
      case 'manual': {
        const order = picked(o.pick);
        if (!order) return;
        const period = EXT_TABLE[order.kind as OrderKind];
        if (o.status === 'EXPIRED' && o.yearOver && period) {
          await t.db.query(
            `update ${period} set start_at = now() - interval '1 year 1 minute',
               stop_at = now() - interval '1 minute' where order_id = $1 and stop_at is not null`,
            [order.id],
          );
        }
        await send(
          D.ProofUpdateOrderStateDocument,
          { orderId: order.id, status: o.status },
          operator(),
        );
        return;
      }
      case 'deposit':
        await send(
          D.ProofDepositDocument,
          { consumerId: CONSUMERS[o.who].id, amount: (o.cents / 100).toFixed(2) },
          admin(),
        );
        return;
      case 'advanceClock':
        await send(D.ProofAdvanceProductionClockDocument, { ticks: o.ticks }, admin());
        return;
    }
  }

  it('hold on the demo data before anything happens', async () => {
    expect(await checkInvariants(t.db, { initialStock })).toEqual([]);
  });

  it(
    'keeps the books balanced, stock and balances non-negative, plants unclashed and histories valid',
    async () => {
      await fc.assert(
        fc.asyncProperty(
          fc.array(fc.array(opArbitrary, { minLength: 1, maxLength: 5 }), {
            minLength: BATCHES / 2,
            maxLength: BATCHES,
          }),
          async (batches) => {
            for (const batch of batches) {
              const clock = await t.gql(D.ProofProductionClockDocument, {});
              const now = clock.data!.productionClock.now as number;
              await Promise.all(batch.map((o) => run(o, now)));
            }
            const internal = responses.filter(
              (r) =>
                r.status >= 500 ||
                r.errors?.some(
                  (e) => !e.extensions?.code || e.extensions.code === 'INTERNAL_SERVER_ERROR',
                ),
            );
            expect(internal).toEqual([]);
            expect(await checkInvariants(t.db, { initialStock })).toEqual([]);
          },
        ),
        // The database carries over from run to run, so shrinking would replay on other rows.
        { numRuns: RUNS, endOnFailure: true },
      );
      // The interleavings did move orders along, not only collect refusals.
      const { rows } = await t.db.query<{ status: string }>(
        `select distinct status from orders where consumer_id = any($1)`,
        [CONSUMERS.map((c) => c.id)],
      );
      expect(rows.length, JSON.stringify(rows)).toBeGreaterThanOrEqual(3);
      if (process.env.PROOF_STATS) {
        const tally = new Map<string, number>();
        for (const r of responses) {
          const field = Object.keys(r.data ?? {})[0] ?? 'none';
          const value = r.data?.[field];
          const code =
            r.errors?.[0]?.extensions?.code ?? value?.errors?.[0]?.code ?? (value ? 'OK' : 'null');
          tally.set(`${field} ${code}`, (tally.get(`${field} ${code}`) ?? 0) + 1);
        }
        console.info(
          [...tally]
            .sort()
            .map(([k, n]) => `${k}: ${n}`)
            .join('\n'),
        );
        console.info(
          (
            await t.db.query(
              `select kind, status, count(*) from orders group by 1, 2 order by 1, 2`,
            )
          ).rows,
        );
      }
    },
    SOAK ? 1_200_000 : 60_000,
  );

  // Last: it breaks the rows on purpose.
  it('notice rows that break them, so a pass means something', async () => {
    // A live chip order and a shop order of its own, whatever the sequences left.
    const clock = await t.gql(D.ProofProductionClockDocument, {});
    const confirmed = await t.gql(
      D.ProofConfirmChipOrderDocument,
      {
        input: ck101Lot(clock.data!.productionClock.now + 100_000),
        idempotencyKey: 'notice-chip',
      },
      { token: tokenOf(0) },
    );
    const chip = confirmed.data?.confirmChipOrder.order;
    const spare = await makeShop(t, [{ price: '1.00', stock: 5 }]);
    const shopped = await t.gql(
      D.ProofConfirmShopOrderDocument,
      {
        input: {
          shopId: spare.id,
          address: ADDRESS,
          products: [{ productId: spare.productIds[0], count: 1 }],
        },
      },
      { token: tokenOf(0) },
    );
    const shopOrder = shopped.data?.confirmShopOrder.order;
    expect(chip?.id && shopOrder?.id, JSON.stringify({ confirmed, shopped })).toBeTruthy();
    await t.db.query(`update bank_accounts set balance = balance + 1 where consumer_id = $1`, [
      demo.consumer.id,
    ]);
    await t.db.query(`update products set stock = stock + 1 where id = $1`, [shop.productIds[0]]);
    await t.db.query(`delete from chip_bookings where order_id = $1`, [chip!.id]);
    await t.db.query(
      `insert into order_events (order_id, kind, consumer_id, type, from_status, to_status)
       select id, kind, consumer_id, 'STATUS_CHANGED', 'EXPIRED', 'PAID' from orders where id = $1`,
      [shopOrder!.id],
    );
    const problems = (await checkInvariants(t.db, { initialStock })).join('\n');
    expect(problems).toContain(`consumer ${demo.consumer.id}: balance`);
    expect(problems).toMatch(/balances .* but deposits are/);
    expect(problems).toContain(`product ${shop.productIds[0]} started with`);
    expect(problems).toContain(`chip order ${chip!.id}`);
    expect(problems).toContain(`SHOP order ${shopOrder!.id}: EXPIRED → PAID`);
  });

  it('notice a negative balance, a negative stock and overlapping bookings, which only constraints keep out', async () => {
    const clock = await t.gql(D.ProofProductionClockDocument, {});
    const confirmed = await t.gql(
      D.ProofConfirmChipOrderDocument,
      {
        input: ck101Lot(clock.data!.productionClock.now + 200_000),
        idempotencyKey: 'notice-overlap',
      },
      { token: tokenOf(1) },
    );
    const chip = confirmed.data?.confirmChipOrder.order;
    expect(chip?.id, JSON.stringify(confirmed)).toBeTruthy();
    const { rows: bookings } = await t.db.query<{ id: string; plant_id: number }>(
      `select id, plant_id from chip_bookings where order_id = $1 order by id`,
      [chip!.id],
    );
    expect(bookings.length).toBeGreaterThanOrEqual(2);
    const [moved, kept] = bookings;
    const breaks = {
      balance: [
        `update bank_accounts set balance = -1 where consumer_id = $1`,
        [demo.otherConsumer.id],
      ],
      stock: [`update products set stock = -1 where id = $1`, [shop.productIds[1]]],
      // One step's booking moved onto another's plant and hours.
      overlap: [
        `update chip_bookings m set plant_id = k.plant_id, start_tick = k.start_tick, end_tick = k.end_tick
           from chip_bookings k where m.id = $1 and k.id = $2`,
        [moved.id, kept.id],
      ],
    } as const;

    // The database is the guard: each break, tried by SQL, fails on its constraint.
    const refusal = async ([sql, params]: readonly [string, readonly unknown[]]) =>
      t.db.query(sql, [...params]).then(
        () => undefined,
        (err: { code?: string; constraint?: string }) => `${err.code} ${err.constraint}`,
      );
    expect(await refusal(breaks.balance)).toBe('23514 bank_accounts_balance_check');
    expect(await refusal(breaks.stock)).toBe('23514 products_stock_check');
    expect(await refusal(breaks.overlap)).toBe('23P01 chip_bookings_no_overlap');

    // The checker is the second guard: with the constraints dropped in a transaction that is
    // rolled back, the same rows go in and it names each.
    const client = await t.db.connect();
    try {
      await client.query('begin');
      await client.query(`alter table bank_accounts drop constraint bank_accounts_balance_check`);
      await client.query(`alter table products drop constraint products_stock_check`);
      await client.query(`alter table chip_bookings drop constraint chip_bookings_no_overlap`);
      for (const [sql, params] of Object.values(breaks)) await client.query(sql, [...params]);
      const problems = (await checkInvariants(client, { initialStock })).join('\n');
      expect(problems).toContain(`consumer ${demo.otherConsumer.id} has a negative balance -1.00`);
      expect(problems).toContain(`product ${shop.productIds[1]} has stock -1`);
      expect(problems).toMatch(new RegExp(`overlapping bookings: .*"a":"${chip!.id}"`));
    } finally {
      await client.query('rollback');
      client.release();
    }
    expect(await refusal(breaks.overlap)).toBe('23P01 chip_bookings_no_overlap');
  });
});
