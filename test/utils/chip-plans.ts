import type { ChipPlanInput } from '../generated/graphql.ts';

export const REED = 'Reed, Spence and Harris';
export const DIAZ = 'Diaz, Andersen and Cooper';
export const FERNANDEZ = 'Fernandez, Boyd and Palmer';
export const CK101_PLANTS = [REED, DIAZ, FERNANDEZ];

/** Seed 000's analysis example: two CK101 lots, budget 60005, expected time 97. */
export function seedExamplePlan(): ChipPlanInput {
  return {
    budget: '60005',
    expectedTime: 97,
    lots: [
      {
        packageId: '12',
        chipName: 'CK101',
        quantity: 50,
        plantNames: CK101_PLANTS,
        startTimes: [0, 25, 55],
      },
      {
        packageId: '84',
        chipName: 'CK101',
        quantity: 30,
        plantNames: CK101_PLANTS,
        startTimes: [20, 47, 80],
      },
    ],
  };
}

/**
 * One CK101 lot on the seed's plants starting at `at`, its steps back to back:
 * `quantity` chips cost quantity * 750.00.
 */
export function ck101Lot(at: number, quantity = 1, budget = '1000000'): ChipPlanInput {
  const d1 = Math.ceil((quantity * 40) / 100);
  const d2 = Math.ceil((quantity * 42) / 100);
  return {
    budget,
    expectedTime: 2_000_000_000,
    lots: [
      {
        chipName: 'CK101',
        quantity,
        plantNames: CK101_PLANTS,
        startTimes: [at, at + d1, at + d1 + d2],
      },
    ],
  };
}

/**
 * Issue 3's overflow report: two one-chip CK101 lots whose steps lie a billion ticks apart,
 * from `at`. Every tick fits an Int and each lot waits 1999999998 ticks, but the plan's total
 * wait, 3999999996, does not.
 */
export function farApartPlan(at = 0): ChipPlanInput {
  const lot = (offset: number) => ({
    chipName: 'CK101',
    quantity: 1,
    plantNames: CK101_PLANTS,
    startTimes: [0, 1_000_000_000, 2_000_000_000].map((s) => at + offset + s),
  });
  return { budget: '1500', expectedTime: 2_147_483_647, lots: [lot(0), lot(10)] };
}
