import 'reflect-metadata';
import { describe, expect, it } from 'vitest';
import { Decimal } from '../../src/platform/money.ts';
import {
  capabilityKey,
  type ExistingBooking,
  type Plan,
  type PlanCatalog,
  type PlanLot,
} from '../../src/chip/chip-plan.types.ts';
import {
  judgeClashes,
  judgeLots,
  judgeTotals,
  listedViolations,
  MAX_LISTED_VIOLATIONS,
  sortViolations,
} from '../../src/chip/chip-plan.rules.ts';
import { PlanViolation } from '../../src/chip/chip-plan.types.ts';
import { PlantStatus } from '../../src/chip/plant.entity.ts';

// A two-step chip; plant A does step 1 (2 ticks a chip, 3.00 each), B step 2 (1 tick, 1.50),
// M is in maintenance but capable of step 1.
const catalog: PlanCatalog = {
  chips: new Map([['X1', { id: 1, name: 'X1', stepCount: 2 }]]),
  plants: new Map([
    ['A', { id: 10, name: 'A', status: PlantStatus.RUNNING }],
    ['B', { id: 20, name: 'B', status: PlantStatus.RUNNING }],
    ['M', { id: 30, name: 'M', status: PlantStatus.MAINTENANCE }],
  ]),
  capabilities: new Map([
    [capabilityKey(1, 1, 10), { unitCost: new Decimal('3.00'), unitTime: new Decimal(2) }],
    [capabilityKey(1, 2, 20), { unitCost: new Decimal('1.50'), unitTime: new Decimal(1) }],
    [capabilityKey(1, 1, 30), { unitCost: new Decimal('1.00'), unitTime: new Decimal(1) }],
  ]),
};

const lot = (over: Partial<PlanLot> = {}): PlanLot => ({
  packageId: null,
  chipName: 'X1',
  quantity: 5,
  plantNames: ['A', 'B'],
  startTimes: [0, 10],
  ...over,
});
const plan = (lots: PlanLot[], over: Partial<Plan> = {}): Plan => ({
  lots,
  budget: new Decimal(1000),
  expectedTime: 100,
  ...over,
});
const codes = (violations: PlanViolation[]) => violations.map((v) => v.code);

describe('judgeLots', () => {
  it('times a valid lot: end = start + ceil(quantity × unitTime), cost = quantity × unitCost', () => {
    const judged = judgeLots(plan([lot()]), catalog, 0);
    expect(judged.violations).toEqual([]);
    expect(judged.complete).toBe(true);
    expect(judged.timed[0].map((op) => [op.step, op.start, op.end, op.cost.toFixed(2)])).toEqual([
      [1, 0, 10, '15.00'],
      [2, 10, 15, '7.50'],
    ]);
  });

  it.each<[string, Plan, number, string[]]>([
    ['no lots', plan([]), 0, ['NO_LOTS']],
    ['an unknown chip', plan([lot({ chipName: 'Z9' })]), 0, ['UNKNOWN_CHIP']],
    ['a quantity of 0', plan([lot({ quantity: 0 })]), 0, ['INVALID_QUANTITY']],
    ['one plant too few', plan([lot({ plantNames: ['A'] })]), 0, ['WRONG_PLANT_COUNT']],
    ['one start too many', plan([lot({ startTimes: [0, 10, 20] })]), 0, ['WRONG_START_COUNT']],
    ['an unknown plant', plan([lot({ plantNames: ['A', 'Q'] })]), 0, ['UNKNOWN_PLANT']],
    [
      'a plant unable to do the step',
      plan([lot({ plantNames: ['B', 'B'] })]),
      0,
      ['PLANT_NOT_CAPABLE'],
    ],
    [
      'a plant in maintenance',
      plan([lot({ plantNames: ['M', 'B'] })]),
      0,
      ['PLANT_IN_MAINTENANCE'],
    ],
    ['a start before the clock', plan([lot()]), 5, ['START_IN_PAST']],
    [
      'a step before the previous one ends',
      plan([lot({ startTimes: [0, 9] })]),
      0,
      ['STEP_OVERLAP'],
    ],
  ])('finds %s', (_what, p, now, expected) => {
    expect(codes(judgeLots(p, catalog, now).violations)).toEqual(expected);
  });

  it('lists every violation of a lot, not the first', () => {
    const judged = judgeLots(plan([lot({ quantity: 0, plantNames: ['Q', 'M'] })]), catalog, 0);
    expect(codes(judged.violations)).toEqual([
      'INVALID_QUANTITY',
      'UNKNOWN_PLANT',
      'PLANT_NOT_CAPABLE',
      'PLANT_IN_MAINTENANCE',
    ]);
    expect(judged.complete).toBe(false);
  });
});

describe('judgeClashes', () => {
  const timed = (p: Plan) => judgeLots(p, catalog, 0).timed.flat();

  it('finds two operations of the plan on one plant at once', () => {
    const ops = timed(plan([lot(), lot({ startTimes: [5, 20] })]));
    const found = judgeClashes(ops, new Map());
    expect(codes(found)).toEqual(['PLANT_BUSY']);
    expect(found[0]).toMatchObject({ lot: 1, step: 1, plantName: 'A' });
  });

  it('finds an operation over an existing booking, and none that only touches one', () => {
    const booking = (start: number, end: number): ExistingBooking => ({
      plantId: 10,
      orderId: 'o',
      lot: 0,
      step: 1,
      start,
      end,
    });
    const ops = timed(plan([lot()])); // A over [0, 10)
    expect(codes(judgeClashes(ops, new Map([[10, [booking(9, 12)]]])))).toEqual(['PLANT_BUSY']);
    expect(judgeClashes(ops, new Map([[10, [booking(10, 12)]]]))).toEqual([]);
  });
});

describe('judgeTotals', () => {
  it('finds a lot finishing after the expected time and a plan over its budget', () => {
    const p = plan([lot()], { expectedTime: 14, budget: new Decimal('22.49') });
    const judged = judgeLots(p, catalog, 0);
    const found = judgeTotals(p, judged.timed, judged.complete);
    expect(codes(found)).toEqual(['LATE', 'OVER_BUDGET']);
    expect(found[1].message).toContain('costs 22.50, over the budget of 22.49');
  });

  it('passes a plan finishing on the expected time at exactly its budget', () => {
    const p = plan([lot()], { expectedTime: 15, budget: new Decimal('22.50') });
    const judged = judgeLots(p, catalog, 0);
    expect(judgeTotals(p, judged.timed, judged.complete)).toEqual([]);
  });
});

describe('sortViolations and listedViolations', () => {
  const v = (lot: number | null, step: number | null, code = 'LATE') =>
    Object.assign(new PlanViolation(), { code, message: '', lot, step, plantName: null });

  it('sorts lot by lot and step by step, plan-wide ones last', () => {
    const sorted = sortViolations([v(null, null, 'OVER_BUDGET'), v(1, 2), v(0, 2), v(1, 1)]);
    expect(sorted.map((x) => [x.lot, x.step])).toEqual([
      [0, 2],
      [1, 1],
      [1, 2],
      [null, null],
    ]);
  });

  it('lists at most MAX_LISTED_VIOLATIONS of lots, and every plan-wide one', () => {
    const many = [
      ...Array.from({ length: MAX_LISTED_VIOLATIONS + 5 }, (_, i) => v(i, 1)),
      v(null, null),
    ];
    const listed = listedViolations(many);
    expect(listed).toHaveLength(MAX_LISTED_VIOLATIONS + 1);
    expect(listed.at(-1)!.lot).toBeNull();
  });
});
