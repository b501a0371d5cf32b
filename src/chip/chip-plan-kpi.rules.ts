import { Decimal, sum } from '../platform/money.ts';
import { MAX_TICK } from './chip-plan.input.ts';
import type { ScheduledLot, TimedOperation } from './chip-plan.types.ts';
import { ChipPlanKpi, LotSchedule, PlantLoad, ScheduledOperation } from './chip-plan.types.ts';

/**
 * Duration in ticks of one operation on `quantity` chips: ceil(quantity * unitTime), computed
 * exactly with decimals (0.42 * 30 is 12.6, so 13 ticks, never 12.600000000000001).
 */
export function operationDuration(quantity: number, unitTime: Decimal): number {
  return unitTime.times(quantity).ceil().toNumber();
}

/** Cost of one operation on `quantity` chips: quantity * unitCost, exact. */
export function operationCost(quantity: number, unitCost: Decimal): Decimal {
  return unitCost.times(quantity);
}

/** Ticks a lot waits between consecutive operations (a gap below zero is an overlap, not a wait). */
export function lotWaitTime(operations: TimedOperation[]): number {
  let wait = 0;
  for (let i = 1; i < operations.length; i++) {
    wait += Math.max(0, operations[i].start - operations[i - 1].end);
  }
  return wait;
}

/** Length of the union of [start, end) intervals: how long a plant is busy, clashes counted once. */
function busyTime(intervals: { start: number; end: number }[]): number {
  const sorted = [...intervals].sort((a, b) => a.start - b.start);
  let total = 0;
  let coveredTo = -Infinity;
  for (const { start, end } of sorted) {
    const from = Math.max(start, coveredTo);
    if (end > from) total += end - from;
    coveredTo = Math.max(coveredTo, end);
  }
  return total;
}

/**
 * The plan's KPIs (the first confirmation's analysis): total cost against the budget, finish against the
 * expected time, each lot's schedule and waiting, and each plant's load over the plan's span.
 * Works the same for a plan being analysed and for a stored order's schedule. Every lot must
 * have at least one operation.
 */
export function computeKpi(
  lots: ScheduledLot[],
  budget: Decimal,
  expectedTime: number,
): ChipPlanKpi {
  const lotSchedules = lots.map((lot) => {
    const operations = lot.operations.map((op) =>
      Object.assign(new ScheduledOperation(), {
        step: op.step,
        plantId: op.plantId,
        start: op.start,
        end: op.end,
        cost: op.cost,
      }),
    );
    return Object.assign(new LotSchedule(), {
      lot: lot.lot,
      packageId: lot.packageId,
      chipName: lot.chipName,
      quantity: lot.quantity,
      cost: sum(lot.operations.map((op) => op.cost)),
      start: Math.min(...lot.operations.map((op) => op.start)),
      finish: Math.max(...lot.operations.map((op) => op.end)),
      waitTime: lotWaitTime(lot.operations),
      operations,
    });
  });
  const totalCost = sum(lotSchedules.map((l) => l.cost));
  const firstStart = Math.min(...lotSchedules.map((l) => l.start));
  const finishTime = Math.max(...lotSchedules.map((l) => l.finish));
  const span = finishTime - firstStart;

  // Plants in the order the plan first uses them.
  const byPlant = new Map<number, { start: number; end: number }[]>();
  for (const lot of lots) {
    for (const op of lot.operations) {
      const list = byPlant.get(op.plantId) ?? [];
      list.push(op);
      byPlant.set(op.plantId, list);
    }
  }
  const plantLoads = [...byPlant].map(([plantId, intervals]) => {
    const busy = busyTime(intervals);
    return Object.assign(new PlantLoad(), {
      plantId,
      busyTime: busy,
      share: span > 0 ? busy / span : 0,
    });
  });

  return Object.assign(new ChipPlanKpi(), {
    totalCost,
    budget,
    budgetUsage: totalCost.div(budget).toNumber(),
    finishTime,
    expectedTime,
    slack: expectedTime - finishTime,
    totalWaitTime: lotSchedules.reduce((total, l) => total + l.waitTime, 0),
    lots: lotSchedules,
    plantLoads,
  });
}

/** The smallest GraphQL Int; MAX_TICK is the largest. */
const MIN_INT = -MAX_TICK - 1;

/**
 * The first tick figure of the KPIs that a GraphQL Int cannot carry (a sum of waits, a load,
 * the slack of a plan starting far in the past), or undefined when all fit. graphql-js would
 * fail to serialize such a figure after the work was done, so the caller refuses the plan.
 */
export function kpiOutOfRange(kpi: ChipPlanKpi): { figure: string; value: number } | undefined {
  const figures: [string, number][] = [
    ['finishTime', kpi.finishTime],
    ['slack', kpi.slack],
    ['totalWaitTime', kpi.totalWaitTime],
  ];
  kpi.lots.forEach((lot, i) => {
    figures.push([`lots[${i}].start`, lot.start], [`lots[${i}].finish`, lot.finish]);
    figures.push([`lots[${i}].waitTime`, lot.waitTime]);
    for (const op of lot.operations) {
      figures.push(
        [`lots[${i}].operations.start`, op.start],
        [`lots[${i}].operations.end`, op.end],
      );
    }
  });
  kpi.plantLoads.forEach((load, i) => figures.push([`plantLoads[${i}].busyTime`, load.busyTime]));
  const out = figures.find(([, value]) => value > MAX_TICK || value < MIN_INT);
  return out && { figure: out[0], value: out[1] };
}
