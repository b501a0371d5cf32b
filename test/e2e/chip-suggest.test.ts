import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  AnalyzeChipOrderDocument,
  CancelOrderDocument,
  ConfirmChipOrderDocument,
  ProductionClockDocument,
  SetPlantStatusDocument,
  SuggestChipPlansDocument,
  SuggestPlansOnlyDocument,
  type ChipPlanInput,
  type ChipSuggestInput,
} from '../generated/graphql.ts';
import { SuggestObjective } from '../../src/chip/suggest/suggest-problem.rules.ts';
import { bruteForce, instances } from '../utils/chip-suggest-arbitraries.ts';
import { createChip, setCalendar } from '../utils/suggest-fixtures.ts';
import { demo, isCallerCheck, startTestApp, type TestApp } from '../utils/test-app.ts';

let t: TestApp;
let token: string;
let admin: string;
let statements: string[] = [];

beforeAll(async () => {
  t = await startTestApp({
    config: { suggestTimeBudgetMs: 3000 },
    onQuery: (sql) => statements.push(sql),
  });
  token = await t.login(demo.consumer);
  admin = await t.login(demo.admin);
});
afterAll(() => t?.close());

async function suggest(input: ChipSuggestInput, count?: number) {
  const res = await t.gql(SuggestChipPlansDocument, { input, count }, { token });
  expect(res.errors).toBeUndefined();
  return res.data!.suggestChipPlans;
}

async function suggestError(input: unknown, count?: number) {
  const res = await t.gql(SuggestChipPlansDocument, { input, count } as never, { token });
  expect(res.data?.suggestChipPlans ?? null).toBeNull();
  return res.errors?.[0]?.extensions?.code;
}

async function analyze(input: ChipPlanInput) {
  const res = await t.gql(AnalyzeChipOrderDocument, { input }, { token });
  expect(res.errors).toBeUndefined();
  return res.data!.analyzeChipOrder;
}

/** The least unit cost of each step of a chip, summed, times the quantity: from the rows. */
async function cheapestPossible(chip: string, quantity: number): Promise<string> {
  const { rows } = await t.db.query(
    `select (sum(least_cost) * $2)::numeric(14, 2)::text as cost from (
       select min(cap.unit_cost) as least_cost
         from chip_capabilities cap join chips c on c.id = cap.chip_id
         join chip_plants p on p.id = cap.plant_id and p.status <> 'MAINTENANCE'
        where c.name = $1 group by cap.step) s`,
    [chip, quantity],
  );
  return rows[0].cost;
}

const SEED_LOTS = [
  { quantity: 50, packageId: '12' },
  { quantity: 30, packageId: '84' },
];

describe("suggesting plans for the seed's CK101 example", () => {
  it('suggests plans that analyse as feasible as they are, the best as cheap as any', async () => {
    const input = {
      chipName: 'CK101',
      quantity: 80,
      lots: SEED_LOTS,
      budget: '60005',
      expectedTime: 97,
    };
    const result = await suggest(input, 3);
    expect(result.objective).toBe('CHEAPEST');
    expect(result.plans.length).toBeGreaterThan(0);
    expect(result.optimal).toBe(true);
    expect(result.lotSplits).toEqual([[50, 30]]);
    expect(result.plans[0].gap).toBe('0.00');
    expect(result.plans[0].score).toBe(result.scoreLowerBound);
    // The seed's hand-made plan costs 60000.00 and is feasible: the optimum is at most that.
    expect(Number(result.plans[0].kpi.totalCost)).toBeLessThanOrEqual(60000);
    const scores = result.plans.map((p) => Number(p.score));
    expect(scores).toEqual([...scores].sort((a, b) => a - b));
    for (const { plan, kpi, score } of result.plans) {
      expect(plan).toMatchObject({ budget: '60005.00', expectedTime: 97 });
      expect(plan.lots.map((l) => [l.packageId, l.quantity])).toEqual([
        ['12', 50],
        ['84', 30],
      ]);
      const analysis = await analyze(plan);
      expect(analysis.violations).toEqual([]);
      expect(analysis.kpi).toEqual(kpi);
      expect(score).toBe(kpi.totalCost);
    }
  });

  it('suggests a plan that confirms, then plans around the plants it booked', async () => {
    const input = { chipName: 'CK101', quantity: 10, timeBudgetMs: 500 };
    const [before] = (await suggest(input, 1)).plans;
    const res = await t.gql(
      ConfirmChipOrderDocument,
      { input: before.plan, key: 'suggested-1' },
      { token },
    );
    expect(res.data!.confirmChipOrder.errors).toEqual([]);
    expect(res.data!.confirmChipOrder.order!.payment).toBe(before.kpi.totalCost);
    const [after] = (await suggest(input, 1)).plans;
    expect(after.plan.lots[0].startTimes).not.toEqual(before.plan.lots[0].startTimes);
    expect((await analyze(after.plan)).feasible).toBe(true);
    expect(after.kpi.totalCost).toBe(before.kpi.totalCost);
    // Cancelled, its plants are free again for the tests after this one.
    const orderId = res.data!.confirmChipOrder.order!.id;
    const cancel = await t.gql(CancelOrderDocument, { orderId }, { token });
    expect(cancel.data!.cancelOrder.errors).toEqual([]);
    expect((await suggest(input, 1)).plans[0].plan).toEqual(before.plan);
  });

  it('reads in a fixed number of statements whatever the number of lots and plans', async () => {
    const counted = async (lots: number) => {
      statements = [];
      const result = await suggest({
        chipName: 'CK101',
        quantity: lots * 5,
        lots: Array.from({ length: lots }, () => ({ quantity: 5 })),
        timeBudgetMs: 300,
      });
      expect(result.plans.length).toBeGreaterThan(0);
      // Besides the caller check every operation with a token makes.
      return statements.filter((sql) => !isCallerCheck(sql)).length;
    };
    const few = await counted(2);
    // The clock, the chip, its capable plants, their bookings, and the KPIs' plants (batched).
    expect(few).toBe(5);
    expect(await counted(30)).toBe(few);
  });

  it('proposes lot splits itself and finishes earlier with more lots', async () => {
    const single = await suggest({
      chipName: 'CK101',
      quantity: 80,
      lots: [{ quantity: 80 }],
      objective: 'EARLIEST_FINISH',
    });
    // One lot alone: its earliest finish is the bound, so it is proven at once.
    expect(single.optimal).toBe(true);
    const proposed = await suggest({
      chipName: 'CK101',
      quantity: 80,
      maxLots: 4,
      objective: 'EARLIEST_FINISH',
      timeBudgetMs: 1000,
    });
    expect(proposed.lotSplits).toEqual([[80], [40, 40], [20, 20, 20, 20]]);
    const best = proposed.plans[0];
    expect(best.plan.lots.length).toBeGreaterThan(1);
    expect(best.kpi.finishTime).toBeLessThan(single.plans[0].kpi.finishTime);
    expect(Number(best.score)).toBe(best.kpi.finishTime);
    expect(Number(best.gap)).toBe(best.kpi.finishTime - Number(proposed.scoreLowerBound));
    expect(proposed.optimal).toBe(best.gap === '0.00');
    // Without a budget or expected time, the plan carries its own.
    expect(best.plan).toMatchObject({
      budget: best.kpi.totalCost,
      expectedTime: best.kpi.finishTime,
    });
    expect((await analyze(best.plan)).feasible).toBe(true);
  });

  it('scores WEIGHTED plans as cost plus tickPrice per tick of finish', async () => {
    const result = await suggest({
      chipName: 'CK101',
      quantity: 40,
      maxLots: 2,
      objective: 'WEIGHTED',
      tickPrice: '12.50',
      timeBudgetMs: 500,
    });
    const now = (await t.gql(ProductionClockDocument, {})).data!.productionClock.now;
    for (const p of result.plans) {
      expect(Number(p.score)).toBeCloseTo(
        Number(p.kpi.totalCost) + 12.5 * (p.kpi.finishTime - now),
        2,
      );
      expect(Number(p.score) - Number(p.gap)).toBeCloseTo(Number(result.scoreLowerBound), 2);
    }
  });
});

describe('why no plan exists', () => {
  it('names the cheapest possible cost when it is over the budget (OVER_BUDGET)', async () => {
    const result = await suggest({ chipName: 'CK101', quantity: 80, budget: '100' });
    expect(result.plans).toEqual([]);
    expect(result.searchComplete).toBe(true);
    const cheapest = await cheapestPossible('CK101', 80);
    expect(result.obstacles).toEqual([
      {
        code: 'OVER_BUDGET',
        message: `The cheapest possible plan costs ${cheapest}, over the budget of 100.00.`,
        step: null,
        cheapestCost: cheapest,
        budget: '100.00',
        earliestFinish: null,
        expectedTime: null,
      },
    ]);
  });

  it('names the earliest possible finish when it is past the expected time (LATE)', async () => {
    const result = await suggest({ chipName: 'CK101', quantity: 80, expectedTime: 10 });
    expect(result.plans).toEqual([]);
    const [late] = result.obstacles;
    expect(late).toMatchObject({ code: 'LATE', expectedTime: 10 });
    expect(late.earliestFinish!).toBeGreaterThan(10);
    expect(late.message).toBe(
      `No plan can finish before tick ${late.earliestFinish}, after the expected time 10.`,
    );
    // A true bound: the fastest plan without a deadline finishes no earlier.
    const fastest = await suggest({
      chipName: 'CK101',
      quantity: 80,
      lots: [{ quantity: 80 }],
      objective: 'EARLIEST_FINISH',
    });
    expect(fastest.plans[0].kpi.finishTime).toBeGreaterThanOrEqual(late.earliestFinish!);
  });

  it('proves the cheapest plan by a tight expected time, and the earliest finish exact', async () => {
    const input = { chipName: 'CK101', quantity: 80, timeBudgetMs: 1000 };
    const free = await suggest(input, 1);
    const byThirty = await suggest({ ...input, expectedTime: 30 }, 1);
    expect(byThirty.optimal).toBe(true);
    const [plan] = byThirty.plans;
    // The cheapest plants cannot take every chip by tick 30: it costs more than without a deadline.
    expect(Number(plan.score)).toBeGreaterThan(Number(free.plans[0].score));
    expect(plan.kpi.finishTime).toBeLessThanOrEqual(30);
    expect((await analyze(plan.plan)).feasible).toBe(true);

    const [late] = (await suggest({ ...input, expectedTime: 10 })).obstacles;
    expect(late.code).toBe('LATE');
    // The bound is met: a plan finishing exactly then exists.
    const tight = await suggest({ ...input, expectedTime: late.earliestFinish! }, 1);
    expect(tight.plans[0].kpi.finishTime).toBe(late.earliestFinish);
    const [later] = (await suggest({ ...input, expectedTime: late.earliestFinish! - 1 })).obstacles;
    expect(later).toMatchObject({ code: 'LATE', earliestFinish: late.earliestFinish });
  });

  it('tells an unknown chip and a step whose only plant is in maintenance', async () => {
    expect((await suggest({ chipName: 'ZZ999', quantity: 1 })).obstacles).toMatchObject([
      { code: 'UNKNOWN_CHIP', message: 'There is no such chip.' },
    ]);
    const ids = await createChip(t.db, 'SG-M', [
      [{ plant: 'SG Alpha', unitCost: '1', unitTime: '1' }],
      [{ plant: 'SG Beta', unitCost: '1', unitTime: '1' }],
    ]);
    const beta = String(ids.get('SG Beta'));
    await t.gql(SetPlantStatusDocument, { plantId: beta, status: 'MAINTENANCE' }, { token: admin });
    try {
      const result = await suggest({ chipName: 'SG-M', quantity: 1 });
      expect(result.obstacles).toMatchObject([{ code: 'NO_USABLE_PLANT', step: 2 }]);
    } finally {
      await t.gql(SetPlantStatusDocument, { plantId: beta, status: 'RUNNING' }, { token: admin });
    }
    expect((await suggest({ chipName: 'SG-M', quantity: 1 })).plans).toHaveLength(1);
  });

  describe('on a fast dear plant and a slow cheap one', () => {
    beforeAll(async () => {
      await createChip(t.db, 'SG-FS', [
        [
          { plant: 'SG Fast', unitCost: '10', unitTime: '1' },
          { plant: 'SG Slow', unitCost: '1', unitTime: '5' },
        ],
      ]);
    });

    it('gives the cheapest cost by the expected time when that is over budget', async () => {
      const input = { chipName: 'SG-FS', quantity: 1, budget: '5', expectedTime: 3 };
      const result = await suggest(input);
      expect(result.obstacles).toMatchObject([
        {
          code: 'OVER_BUDGET_BY_EXPECTED_TIME',
          cheapestCost: '10.00',
          budget: '5.00',
          expectedTime: 3,
          message: 'A plan finishing by 3 costs at least 10.00, over the budget of 5.00.',
        },
      ]);
    });

    it('counts the room before the expected time into the cheapest cost', async () => {
      const lots = [{ quantity: 1 }, { quantity: 1 }];
      const input = { chipName: 'SG-FS', quantity: 2, lots, budget: '10.50', expectedTime: 5 };
      // Both slow take 10 ticks on one plant, so one lot must go fast: 11.00 at least.
      expect((await suggest(input)).obstacles).toMatchObject([
        { code: 'OVER_BUDGET_BY_EXPECTED_TIME', cheapestCost: '11.00' },
      ]);
      const one = await suggest({ ...input, budget: '11' });
      expect(one.plans.map((p) => p.kpi.totalCost)).toEqual(['11.00']);
      expect(one.optimal).toBe(true);
    });
  });

  it('proves by exhaustive search that no plan exists when every bound still allows one', async () => {
    const ids = await createChip(t.db, 'SG-NF', [
      [
        { plant: 'SG Gap One', unitCost: '7.50', unitTime: '1' },
        { plant: 'SG Gap Two', unitCost: '10', unitTime: '1' },
      ],
    ]);
    const [one, two] = [ids.get('SG Gap One')!, ids.get('SG Gap Two')!];
    // Before tick 8, One is free over [0, 3), Two over [2, 4) and [5, 6): room for a single lot
    // of 3 chips, and enough slots and free time for the bounds.
    await setCalendar(t.db, [
      { plantId: one, start: 3, end: 5 },
      { plantId: one, start: 5, end: 8 },
      { plantId: one, start: 9, end: 12 },
      { plantId: two, start: 0, end: 2 },
      { plantId: two, start: 4, end: 5 },
      { plantId: two, start: 6, end: 8 },
    ]);
    const lots = [{ quantity: 3 }, { quantity: 1 }, { quantity: 3 }];
    const input = { chipName: 'SG-NF', quantity: 7, lots, expectedTime: 8 };
    const none = await suggest(input);
    expect(none.plans).toEqual([]);
    expect(none.searchComplete).toBe(true);
    expect(none.obstacles).toMatchObject([
      {
        code: 'NO_FEASIBLE_PLAN',
        message:
          'Every plan was tried: the lots cannot share the plants so as to meet both the budget and the expected time.',
      },
    ]);
    // From tick 8 on, Two is free: by 11 the second lot of 3 fits there.
    const later = await suggest({ ...input, expectedTime: 11 });
    expect(later.plans[0].kpi.finishTime).toBe(11);
    expect((await analyze(later.plans[0].plan)).feasible).toBe(true);
  });
});

describe('random calendars, through the API', () => {
  it('suggests only plans the analysis finds feasible, and the optimum exhaustive search finds', async () => {
    const pool = await createChip(
      t.db,
      'SG-POOL',
      [0, 1, 2, 3].map((i) => [{ plant: `SG Pool ${i}`, unitCost: '1', unitTime: '1' }]),
    );
    const plantIds = [0, 1, 2, 3].map((i) => pool.get(`SG Pool ${i}`)!);
    let calendar: string | undefined;
    let run = 0;
    await fc.assert(
      fc.asyncProperty(instances({ maxOps: 4, horizon: 16 }), async (instance) => {
        instance.now = 0;
        const chip = `SG-R${run++}`;
        const db = (p: number) => plantIds[p - 10];
        const steps = Array.from({ length: instance.options.chip.stepCount }, (_, s) =>
          instance.options.capabilities
            .filter((c) => c.step === s + 1)
            .map((c) => ({
              plant: `SG Pool ${c.plantId - 10}`,
              unitCost: c.unitCost.toFixed(2),
              unitTime: c.unitTime.toString(),
            })),
        );
        await createChip(t.db, chip, steps);
        for (const p of instance.options.plants) {
          await t.db.query(`update chip_plants set status = $1 where id = $2`, [
            p.status,
            db(p.id),
          ]);
        }
        const bookings = [...instance.bookings.values()]
          .flat()
          .map((b) => ({ plantId: db(b.plantId), start: b.start, end: b.end }));
        calendar = await setCalendar(t.db, bookings, calendar);

        const { request } = instance;
        const quantities = request.splits[0];
        const res = await t.gql(
          SuggestPlansOnlyDocument,
          {
            input: {
              chipName: chip,
              quantity: quantities.reduce((a, b) => a + b, 0),
              lots: quantities.map((quantity) => ({ quantity })),
              budget: request.budget?.toFixed(2),
              expectedTime: request.expectedTime,
              objective: request.objective,
              tickPrice: request.tickPrice?.toFixed(2),
            },
            count: request.k,
          },
          { token },
        );
        expect(res.errors).toBeUndefined();
        const result = res.data!.suggestChipPlans;
        for (const { plan } of result.plans) {
          expect((await analyze(plan)).violations).toEqual([]);
        }
        const brute = bruteForce(instance);
        if (brute.best === undefined) {
          expect(result.plans).toEqual([]);
          expect(result.searchComplete).toBe(true);
          return;
        }
        const unit = request.objective === SuggestObjective.EARLIEST_FINISH ? 1 : 100;
        expect(result.optimal).toBe(true);
        expect(Math.round(Number(result.plans[0].score) * unit)).toBe(brute.best);
      }),
      { numRuns: 30 },
    );
    await t.db.query(`update chip_plants set status = 'RUNNING' where id = any($1)`, [plantIds]);
  });
});

describe('limits', () => {
  it('refuses malformed requests with BAD_USER_INPUT', async () => {
    const base = { chipName: 'CK101', quantity: 10 };
    expect(await suggestError({ ...base, lots: [{ quantity: 4 }, { quantity: 5 }] })).toBe(
      'BAD_USER_INPUT',
    );
    expect(await suggestError({ ...base, quantity: 0 })).toBe('BAD_USER_INPUT');
    expect(await suggestError({ ...base, objective: 'WEIGHTED' })).toBe('BAD_USER_INPUT');
    expect(await suggestError({ ...base, budget: '0' })).toBe('BAD_USER_INPUT');
    expect(await suggestError({ ...base, maxLots: 65 })).toBe('BAD_USER_INPUT');
    expect(await suggestError({ ...base, timeBudgetMs: 3001 })).toBe('BAD_USER_INPUT');
    expect(await suggestError(base, 11)).toBe('BAD_USER_INPUT');
  });

  it('weighs each suggestion heavily in the query cost: two per operation, not three', async () => {
    const field = (alias: string) =>
      `${alias}: suggestChipPlans(input: { chipName: "CK101", quantity: 1, timeBudgetMs: 20 }) { optimal }`;
    const two = await t.gql(`{ ${field('a')} ${field('b')} }`, {}, { token });
    expect(two.errors).toBeUndefined();
    const three = await t.gql(`{ ${field('a')} ${field('b')} ${field('c')} }`, {}, { token });
    expect(three.status).toBe(400);
    expect(three.errors![0].extensions).toMatchObject({ code: 'QUERY_TOO_COMPLEX', limit: 'cost' });
  });

  it('returns the best found within the time budget and keeps serving others meanwhile', async () => {
    const budget = 2500;
    const started = performance.now();
    const pending = suggest({
      chipName: 'DM878',
      quantity: 400,
      lots: Array.from({ length: 40 }, () => ({ quantity: 10 })),
      objective: 'EARLIEST_FINISH',
      timeBudgetMs: budget,
    });
    const latencies: number[] = [];
    let running = true;
    void pending.finally(() => (running = false));
    while (running) {
      const t0 = performance.now();
      await t.gql(ProductionClockDocument, {});
      if (running) latencies.push(performance.now() - t0);
      await new Promise((r) => setTimeout(r, 25));
    }
    const result = await pending;
    const wall = performance.now() - started;
    expect(result.searchComplete).toBe(false);
    expect(result.plans.length).toBeGreaterThan(0);
    expect(result.elapsedMs).toBeGreaterThanOrEqual(budget);
    expect(wall).toBeLessThan(budget + 2000);
    // A search holding the event loop would answer nothing until it ends, after `budget` ms;
    // sliced, queries keep being answered while it runs (at load, with some delay).
    expect(latencies.length).toBeGreaterThanOrEqual(10);
    expect(Math.max(...latencies)).toBeLessThan(budget / 2.5);
  });
});
