import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  AnalyzeChipOrderDocument,
  CancelOrderDocument,
  ConfirmChipOrderDocument,
  PlantsDocument,
  SetPlantStatusDocument,
  type ChipPlanInput,
} from '../generated/graphql.ts';
import {
  CK101_PLANTS,
  ck101Lot,
  DIAZ,
  farApartPlan,
  FERNANDEZ,
  REED,
  seedExamplePlan,
} from '../utils/chip-plans.ts';
import { demo, startTestApp, type TestApp } from '../utils/test-app.ts';

let t: TestApp;
let token: string;

beforeAll(async () => {
  t = await startTestApp();
  token = await t.login(demo.consumer);
});
afterAll(() => t?.close());

async function analyze(input: ChipPlanInput) {
  const res = await t.gql(AnalyzeChipOrderDocument, { input }, { token });
  expect(res.errors).toBeUndefined();
  return res.data!.analyzeChipOrder;
}

async function analyzeError(input: unknown): Promise<string | undefined> {
  const res = await t.gql(AnalyzeChipOrderDocument, { input } as never, { token });
  expect(res.data?.analyzeChipOrder ?? null).toBeNull();
  return res.errors?.[0]?.extensions?.code;
}

const codes = (a: { violations: { code: string }[] }) => a.violations.map((v) => v.code);

async function rowCounts() {
  const { rows } = await t.db.query(`select
    (select count(*) from orders)::int as orders,
    (select count(*) from chip_bookings)::int as bookings,
    (select count(*) from bank_transactions)::int as transactions,
    (select count(*) from idempotency_keys)::int as keys`);
  return rows[0];
}

describe("the seed's analysis example", () => {
  it('is feasible at tick 0 with exact KPIs, and saves nothing', async () => {
    const before = await rowCounts();
    const analysis = await analyze(seedExamplePlan());
    expect(analysis.violations).toEqual([]);
    expect(analysis.feasible).toBe(true);
    const kpi = analysis.kpi!;
    expect(kpi).toMatchObject({
      totalCost: '60000.00',
      budget: '60005.00',
      finishTime: 95,
      expectedTime: 97,
      slack: 2,
      totalWaitTime: 49,
    });
    expect(kpi.budgetUsage).toBeCloseTo(60000 / 60005, 12);
    const schedule = kpi.lots.map((l) => ({
      ...l,
      operations: l.operations.map((o) => [o.step, o.plant.name, o.start, o.end, o.cost]),
    }));
    expect(schedule).toEqual([
      {
        lot: 0,
        packageId: '12',
        chipName: 'CK101',
        quantity: 50,
        cost: '37500.00',
        start: 0,
        finish: 79,
        waitTime: 14,
        operations: [
          [1, REED, 0, 20, '12500.00'],
          [2, DIAZ, 25, 46, '15000.00'],
          [3, FERNANDEZ, 55, 79, '10000.00'],
        ],
      },
      {
        lot: 1,
        packageId: '84',
        chipName: 'CK101',
        quantity: 30,
        cost: '22500.00',
        start: 20,
        finish: 95,
        waitTime: 35,
        // 30 * 0.42 = 12.6 and 30 * 0.48 = 14.4 ticks: rounded up to 13 and 15.
        operations: [
          [1, REED, 20, 32, '7500.00'],
          [2, DIAZ, 47, 60, '9000.00'],
          [3, FERNANDEZ, 80, 95, '6000.00'],
        ],
      },
    ]);
    expect(kpi.plantLoads.map((p) => [p.plant.name, p.busyTime])).toEqual([
      [REED, 32],
      [DIAZ, 34],
      [FERNANDEZ, 39],
    ]);
    expect(kpi.plantLoads.map((p) => p.share)).toEqual([32 / 95, 34 / 95, 39 / 95]);
    expect(await rowCounts()).toEqual(before);
  });

  it("gives the seed's second example (placeholder plant names, NB666 short of plants and start times) every reason", async () => {
    const analysis = await analyze({
      budget: '60005',
      expectedTime: 97,
      lots: [
        {
          packageId: '12',
          chipName: 'CK101',
          quantity: 50,
          plantNames: ['dasd', '我是工厂名不是id', 'ad'],
          startTimes: [0, 3, 9],
        },
        {
          packageId: '84',
          chipName: 'NB666',
          quantity: 30,
          plantNames: ['fqeq', '我是工厂名不是id2'],
          startTimes: [0, 12, 123],
        },
      ],
    });
    expect(analysis.feasible).toBe(false);
    expect(analysis.kpi).toBeNull();
    expect(
      analysis.violations.map(({ code, lot, step, plantName }) => [code, lot, step, plantName]),
    ).toEqual([
      ['UNKNOWN_PLANT', 0, 1, 'dasd'],
      ['UNKNOWN_PLANT', 0, 2, '我是工厂名不是id'],
      ['UNKNOWN_PLANT', 0, 3, 'ad'],
      ['WRONG_PLANT_COUNT', 1, null, null],
      ['WRONG_START_COUNT', 1, null, null],
      ['UNKNOWN_PLANT', 1, 1, 'fqeq'],
      ['UNKNOWN_PLANT', 1, 2, '我是工厂名不是id2'],
    ]);
    expect(analysis.violations[0].message).toBe('Lot 0 step 1: there is no plant "dasd".');
    expect(analysis.violations[3].message).toBe(
      'Lot 1: NB666 has 4 operation steps, but 2 plants are given.',
    );
    expect(analysis.violations[4].message).toBe(
      'Lot 1: NB666 has 4 operation steps, but 3 start times are given.',
    );
  });
});

describe('plan violations', () => {
  it('refuses a plan without lots (NO_LOTS)', async () => {
    const analysis = await analyze({ budget: '100', expectedTime: 10, lots: [] });
    expect(codes(analysis)).toEqual(['NO_LOTS']);
    expect(analysis.kpi).toBeNull();
  });

  it('names a chip that does not exist (UNKNOWN_CHIP)', async () => {
    const analysis = await analyze({
      budget: '100',
      expectedTime: 10,
      lots: [{ chipName: 'ZZ999', quantity: 1, plantNames: [REED], startTimes: [0] }],
    });
    expect(analysis.violations).toEqual([
      {
        code: 'UNKNOWN_CHIP',
        message: 'Lot 0: there is no chip "ZZ999".',
        lot: 0,
        step: null,
        plantName: null,
      },
    ]);
    expect(analysis.kpi).toBeNull();
  });

  it('refuses a zero or negative quantity (INVALID_QUANTITY)', async () => {
    for (const quantity of [0, -5]) {
      const plan = seedExamplePlan();
      plan.lots[1] = { ...plan.lots[1], quantity };
      const analysis = await analyze(plan);
      expect(analysis.violations.map((v) => [v.code, v.lot])).toEqual([['INVALID_QUANTITY', 1]]);
      expect(analysis.violations[0].message).toBe(
        `Lot 1: quantity must be at least 1, not ${quantity}.`,
      );
      expect(analysis.kpi).toBeNull();
    }
  });

  it('refuses a plant that cannot do the step (PLANT_NOT_CAPABLE)', async () => {
    const analysis = await analyze({
      budget: '100000',
      expectedTime: 100,
      lots: [
        {
          chipName: 'CK101',
          quantity: 10,
          plantNames: [DIAZ, DIAZ, FERNANDEZ],
          startTimes: [0, 10, 20],
        },
      ],
    });
    expect(analysis.violations).toEqual([
      {
        code: 'PLANT_NOT_CAPABLE',
        message: `Lot 0 step 1: "${DIAZ}" cannot perform step 1 of CK101.`,
        lot: 0,
        step: 1,
        plantName: DIAZ,
      },
    ]);
    expect(analysis.kpi).toBeNull();
  });

  it('refuses a plant in maintenance (PLANT_IN_MAINTENANCE) and still gives the KPIs', async () => {
    const admin = await t.login(demo.admin);
    const plants = (await t.gql(PlantsDocument, {}, { token })).data!.plants;
    const fernandez = plants.find((p) => p.name === FERNANDEZ)!;
    await t.gql(
      SetPlantStatusDocument,
      { plantId: fernandez.id, status: 'MAINTENANCE' },
      { token: admin },
    );
    try {
      const analysis = await analyze(seedExamplePlan());
      expect(analysis.violations.map((v) => [v.code, v.lot, v.step, v.plantName])).toEqual([
        ['PLANT_IN_MAINTENANCE', 0, 3, FERNANDEZ],
        ['PLANT_IN_MAINTENANCE', 1, 3, FERNANDEZ],
      ]);
      expect(analysis.kpi!.totalCost).toBe('60000.00');
    } finally {
      await t.gql(
        SetPlantStatusDocument,
        { plantId: fernandez.id, status: 'RUNNING' },
        { token: admin },
      );
    }
  });

  it('refuses a start before the clock (START_IN_PAST)', async () => {
    const plan = seedExamplePlan();
    plan.lots[0] = { ...plan.lots[0], startTimes: [-3, 25, 55] };
    const analysis = await analyze(plan);
    expect(analysis.violations).toEqual([
      {
        code: 'START_IN_PAST',
        message: "Lot 0 step 1: starts at tick -3, before the production clock's now (0).",
        lot: 0,
        step: 1,
        plantName: REED,
      },
    ]);
    expect(analysis.kpi).not.toBeNull();
  });

  it('refuses a step starting before the previous one ends (STEP_OVERLAP)', async () => {
    const plan = seedExamplePlan();
    plan.lots[0] = { ...plan.lots[0], startTimes: [0, 19, 55] };
    const analysis = await analyze(plan);
    expect(analysis.violations).toEqual([
      {
        code: 'STEP_OVERLAP',
        message: 'Lot 0 step 2: starts at tick 19, before step 1 ends at tick 20.',
        lot: 0,
        step: 2,
        plantName: DIAZ,
      },
    ]);
    expect(analysis.kpi!.lots[0].waitTime).toBe(0 + 55 - 40);
  });

  it('refuses two lots of the plan on one plant at once (PLANT_BUSY)', async () => {
    const plan = seedExamplePlan();
    plan.lots[1] = { ...plan.lots[1], startTimes: [19, 47, 80] };
    const analysis = await analyze(plan);
    expect(analysis.violations).toEqual([
      {
        code: 'PLANT_BUSY',
        message: `Lot 1 step 1: "${REED}" is busy over [0, 20) with lot 0 step 1 of this plan.`,
        lot: 1,
        step: 1,
        plantName: REED,
      },
    ]);
    expect(analysis.kpi!.plantLoads[0]).toMatchObject({ busyTime: 31 });
  });

  it('refuses a plant already booked by another order (PLANT_BUSY)', async () => {
    const other = await t.login(demo.otherConsumer);
    const booked = await t.gql(
      ConfirmChipOrderDocument,
      { input: ck101Lot(1000, 10), key: 'analysis-busy' },
      { token: other },
    );
    expect(booked.data!.confirmChipOrder.errors).toEqual([]);
    // The booked order holds Reed [1000, 1004), Diaz [1004, 1009), Fernandez [1009, 1014).
    const analysis = await analyze(ck101Lot(1003, 10));
    expect(analysis.violations.map((v) => [v.code, v.step, v.plantName, v.message])).toEqual([
      [
        'PLANT_BUSY',
        1,
        REED,
        `Lot 0 step 1: "${REED}" is already booked over [1000, 1004) by another order.`,
      ],
      [
        'PLANT_BUSY',
        2,
        DIAZ,
        `Lot 0 step 2: "${DIAZ}" is already booked over [1004, 1009) by another order.`,
      ],
      [
        'PLANT_BUSY',
        3,
        FERNANDEZ,
        `Lot 0 step 3: "${FERNANDEZ}" is already booked over [1009, 1014) by another order.`,
      ],
    ]);
    // Touching is not overlapping: [s, e) intervals.
    expect((await analyze(ck101Lot(1014, 10))).feasible).toBe(true);
    // Cancelled, the order frees its plants.
    const orderId = booked.data!.confirmChipOrder.order!.id;
    const cancelled = await t.gql(CancelOrderDocument, { orderId }, { token: other });
    expect(cancelled.data!.cancelOrder.errors).toEqual([]);
    expect((await analyze(ck101Lot(1003, 10))).violations).toEqual([]);
  });

  it('refuses a plan over budget (OVER_BUDGET) and still gives the KPIs', async () => {
    const analysis = await analyze({ ...seedExamplePlan(), budget: '59999.99' });
    expect(analysis.violations).toEqual([
      {
        code: 'OVER_BUDGET',
        message: 'The plan costs 60000.00, over the budget of 59999.99.',
        lot: null,
        step: null,
        plantName: null,
      },
    ]);
    expect(analysis.kpi!.budgetUsage).toBeGreaterThan(1);
  });

  it('refuses a plan finishing after the expected time (LATE) and still gives the KPIs', async () => {
    const analysis = await analyze({ ...seedExamplePlan(), expectedTime: 94 });
    expect(analysis.violations).toEqual([
      {
        code: 'LATE',
        message: 'Lot 1: finishes at tick 95, after the expected time 94.',
        lot: 1,
        step: 3,
        plantName: FERNANDEZ,
      },
    ]);
    expect(analysis.kpi!.slack).toBe(-1);
  });

  it('returns every violation of a plan that breaks many rules, not just the first', async () => {
    const analysis = await analyze({
      budget: '1',
      expectedTime: 30,
      lots: [
        {
          chipName: 'CK101',
          quantity: 50,
          plantNames: [REED, DIAZ, FERNANDEZ],
          startTimes: [-1, 10, 55],
        },
        { chipName: 'CK101', quantity: 0, plantNames: [REED, 'Nowhere'], startTimes: [0] },
        {
          chipName: 'CK101',
          quantity: 30,
          plantNames: [REED, REED, FERNANDEZ],
          startTimes: [5, 47, 80],
        },
        { chipName: 'NOPE', quantity: 1, plantNames: [], startTimes: [] },
      ],
    });
    expect(analysis.violations.map((v) => [v.code, v.lot, v.step])).toEqual([
      ['START_IN_PAST', 0, 1],
      ['STEP_OVERLAP', 0, 2],
      ['LATE', 0, 3],
      ['INVALID_QUANTITY', 1, null],
      ['WRONG_PLANT_COUNT', 1, null],
      ['WRONG_START_COUNT', 1, null],
      ['UNKNOWN_PLANT', 1, 2],
      ['PLANT_BUSY', 2, 1],
      ['PLANT_NOT_CAPABLE', 2, 2],
      ['LATE', 2, 3],
      ['UNKNOWN_CHIP', 3, null],
      ['OVER_BUDGET', null, null],
    ]);
    expect(analysis.violations.at(-1)!.message).toBe(
      'The plan costs at least 51000.00, over the budget of 1.00.',
    );
    expect(analysis.kpi).toBeNull();
  });
});

describe('bad input', () => {
  it('refuses more than 1000 lots, or more than 20 steps in a lot, as BAD_USER_INPUT', async () => {
    const lot = { chipName: 'X', quantity: 1, plantNames: [], startTimes: [] };
    expect(await analyzeError({ budget: '1', expectedTime: 1, lots: Array(1001).fill(lot) })).toBe(
      'BAD_USER_INPUT',
    );
    const long = { ...lot, plantNames: Array(21).fill(REED) };
    expect(await analyzeError({ budget: '1', expectedTime: 1, lots: [long] })).toBe(
      'BAD_USER_INPUT',
    );
    const starts = { ...lot, startTimes: Array(21).fill(0) };
    expect(await analyzeError({ budget: '1', expectedTime: 1, lots: [starts] })).toBe(
      'BAD_USER_INPUT',
    );
    // 1000 lots is still a plan.
    const many = await analyze({ budget: '1', expectedTime: 1, lots: Array(1000).fill(lot) });
    expect(many.violations).toHaveLength(1000);
  });

  it('refuses a zero or negative budget, a budget with cents beyond two places, and a negative expected time', async () => {
    const plan = seedExamplePlan();
    for (const budget of ['0', '-1', '10.001', 'NaN', '1e5']) {
      expect(await analyzeError({ ...plan, budget })).toBe('BAD_USER_INPUT');
    }
    expect(await analyzeError({ ...plan, expectedTime: -1 })).toBe('BAD_USER_INPUT');
  });

  it('refuses quantities and ticks beyond a 32-bit integer, and over-long names, as BAD_USER_INPUT', async () => {
    const plan = seedExamplePlan();
    const withLot = (lot: object) => ({ ...plan, lots: [{ ...plan.lots[0], ...lot }] });
    expect(await analyzeError(withLot({ quantity: 3_000_000_000 }))).toBe('BAD_USER_INPUT');
    expect(await analyzeError(withLot({ startTimes: [0, 25, 2 ** 31] }))).toBe('BAD_USER_INPUT');
    expect(await analyzeError(withLot({ quantity: 1.5 }))).toBe('BAD_USER_INPUT');
    expect(await analyzeError(withLot({ chipName: 'C'.repeat(101) }))).toBe('BAD_USER_INPUT');
    expect(await analyzeError(withLot({ plantNames: ['P'.repeat(201), DIAZ, FERNANDEZ] }))).toBe(
      'BAD_USER_INPUT',
    );
  });

  it('keeps cost and ticks exact for a billion chips', async () => {
    // 1e9 chips: 0.4, 0.42 and 0.48 ticks each; 250 + 300 + 200 per chip.
    const analysis = await analyze({
      budget: '999999999999.99',
      expectedTime: 2_147_483_647,
      lots: [
        {
          chipName: 'CK101',
          quantity: 1_000_000_000,
          plantNames: CK101_PLANTS,
          startTimes: [0, 400_000_000, 820_000_000],
        },
      ],
    });
    expect(analysis.violations).toEqual([]);
    expect(analysis.kpi!.totalCost).toBe('750000000000.00');
    expect(analysis.kpi!.finishTime).toBe(1_300_000_000);
    expect(analysis.kpi!.lots[0].operations.map((o) => [o.start, o.end, o.cost])).toEqual([
      [0, 400_000_000, '250000000000.00'],
      [400_000_000, 820_000_000, '300000000000.00'],
      [820_000_000, 1_300_000_000, '200000000000.00'],
    ]);
  });

  it('judges the largest quantity exactly even when the plan runs past the last tick', async () => {
    // 2147483647 chips: ceil(858993458.8) = 858993459, ceil(901943131.74) = 901943132 and
    // ceil(1030792150.56) = 1030792151 ticks; the last step would end at 2791728742.
    const analysis = await analyze({
      budget: '60005',
      expectedTime: 2_147_483_647,
      lots: [
        {
          chipName: 'CK101',
          quantity: 2_147_483_647,
          plantNames: CK101_PLANTS,
          startTimes: [0, 858_993_459, 1_760_936_591],
        },
      ],
    });
    expect(analysis.violations.map((v) => v.message)).toEqual([
      'Lot 0: finishes at tick 2791728742, after the expected time 2147483647.',
      'The plan costs 1610612735250.00, over the budget of 60005.00.',
    ]);
    // A finish beyond GraphQL's Int cannot be shown, so there are no KPIs (documented).
    expect(analysis.kpi).toBeNull();
  });

  it('refuses two lots whose waits add up beyond a 32-bit integer as BAD_USER_INPUT, not an internal error', async () => {
    const res = await t.gql(AnalyzeChipOrderDocument, { input: farApartPlan() }, { token });
    expect(res.data?.analyzeChipOrder ?? null).toBeNull();
    expect(res.errors).toHaveLength(1);
    expect(res.errors![0].extensions).toMatchObject({
      code: 'BAD_USER_INPUT',
      field: ['input'],
      figure: 'totalWaitTime',
    });
    expect(res.errors![0].message).toContain('totalWaitTime would be 3999999996 ticks');
    // Either lot alone fits, and is judged as usual.
    const one = await analyze({ ...farApartPlan(), lots: [farApartPlan().lots[1]] });
    expect(one.kpi!.totalWaitTime).toBe(1_999_999_998);
  });

  it('refuses a plan so far before the deadline that its slack is beyond a 32-bit integer', async () => {
    const res = await t.gql(
      AnalyzeChipOrderDocument,
      {
        input: {
          budget: '750',
          expectedTime: 2_147_483_647,
          lots: [
            {
              chipName: 'CK101',
              quantity: 1,
              plantNames: CK101_PLANTS,
              startTimes: [-2_147_483_648, -2_147_483_600, -2_147_483_500],
            },
          ],
        },
      },
      { token },
    );
    expect(res.data?.analyzeChipOrder ?? null).toBeNull();
    expect(res.errors![0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', figure: 'slack' });
  });

  it('asks who is calling before analysing', async () => {
    const res = await t.gql(AnalyzeChipOrderDocument, { input: seedExamplePlan() });
    expect(res.errors![0].extensions!.code).toBe('UNAUTHENTICATED');
  });
});
