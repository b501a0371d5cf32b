import { sum } from '../platform/money.ts';
import {
  capabilityKey,
  type CatalogPlant,
  type ExistingBooking,
  type Plan,
  type PlanCatalog,
  type PlanLot,
  type TimedOperation,
} from './chip-plan.types.ts';
import { operationCost, operationDuration } from './chip-plan-kpi.rules.ts';
import { PlanViolation, PlanViolationCode as V } from './chip-plan.types.ts';
import { PlantStatus } from './plant.entity.ts';

/**
 * The rules a chip plan must follow (the first confirmation's "is the plan reasonable", 策略是否合理). Each judge returns every
 * violation it finds, not the first: the client shows them all. They are pure functions of the
 * plan, the catalog, the clock and the bookings, so analysis and confirmation judge alike.
 *
 *   NO_LOTS               the plan has no lot
 *   UNKNOWN_CHIP          a lot names a chip that does not exist
 *   INVALID_QUANTITY      a lot's quantity is below 1
 *   WRONG_PLANT_COUNT     a lot lists more or fewer plants than its chip has steps
 *   WRONG_START_COUNT     a lot lists more or fewer start times than its chip has steps
 *   UNKNOWN_PLANT         a plant name that does not exist
 *   PLANT_NOT_CAPABLE     the plant cannot perform that step of that chip
 *   PLANT_IN_MAINTENANCE  the plant is in maintenance
 *   START_IN_PAST         a step starts before the production clock's now
 *   STEP_OVERLAP          a step starts before an earlier step of its lot ends
 *   PLANT_BUSY            the plant is busy then with another operation of this plan or an
 *                         existing booking
 *   LATE                  a lot finishes after the expected time
 *   OVER_BUDGET           the plan costs more than the budget
 */

function violation(
  code: V,
  message: string,
  where: { lot?: number; step?: number; plantName?: string } = {},
): PlanViolation {
  return Object.assign(new PlanViolation(), {
    code,
    message,
    lot: where.lot ?? null,
    step: where.step ?? null,
    plantName: where.plantName ?? null,
  });
}

/** A plant in maintenance takes no new plan (PLANT_IN_MAINTENANCE); the suggester skips it. */
export function plantTakesNewWork(plant: CatalogPlant): boolean {
  return plant.status !== PlantStatus.MAINTENANCE;
}

const span = (op: { start: number; end: number }) => `[${op.start}, ${op.end})`;

export interface LotJudgement {
  violations: PlanViolation[];
  /** Per lot, the operations whose plant, interval and cost are known, in step order. */
  timed: TimedOperation[][];
  /** True when every lot is fully timed, so the KPIs can be computed. */
  complete: boolean;
}

/** Judges each lot on its own: chip, quantity, counts, plants, start times and step order. */
export function judgeLots(plan: Plan, catalog: PlanCatalog, now: number): LotJudgement {
  const violations: PlanViolation[] = [];
  if (plan.lots.length === 0) {
    violations.push(violation(V.NO_LOTS, 'The plan has no lots; add at least one.'));
  }
  const results = plan.lots.map((lot, index) => judgeLot(lot, index, catalog, now, violations));
  return {
    violations,
    timed: results.map((r) => r.operations),
    complete: plan.lots.length > 0 && results.every((r) => r.complete),
  };
}

function judgeLot(
  lot: PlanLot,
  index: number,
  catalog: PlanCatalog,
  now: number,
  out: PlanViolation[],
): { operations: TimedOperation[]; complete: boolean } {
  const at = { lot: index };
  const chip = catalog.chips.get(lot.chipName);
  let complete = true;
  if (!chip) {
    complete = false;
    out.push(violation(V.UNKNOWN_CHIP, `Lot ${index}: there is no chip "${lot.chipName}".`, at));
  }
  const quantityValid = Number.isInteger(lot.quantity) && lot.quantity >= 1;
  if (!quantityValid) {
    complete = false;
    out.push(
      violation(
        V.INVALID_QUANTITY,
        `Lot ${index}: quantity must be at least 1, not ${lot.quantity}.`,
        at,
      ),
    );
  }
  if (chip && lot.plantNames.length !== chip.stepCount) {
    complete = false;
    out.push(
      violation(
        V.WRONG_PLANT_COUNT,
        `Lot ${index}: ${chip.name} has ${chip.stepCount} operation steps, but ${lot.plantNames.length} plants are given.`,
        at,
      ),
    );
  }
  if (chip && lot.startTimes.length !== chip.stepCount) {
    complete = false;
    out.push(
      violation(
        V.WRONG_START_COUNT,
        `Lot ${index}: ${chip.name} has ${chip.stepCount} operation steps, but ${lot.startTimes.length} start times are given.`,
        at,
      ),
    );
  }

  const operations: TimedOperation[] = [];
  const steps = Math.max(lot.plantNames.length, lot.startTimes.length);
  for (let s = 0; s < steps; s++) {
    const step = s + 1;
    const plantName = lot.plantNames[s];
    const start = lot.startTimes[s];
    const where = { lot: index, step, plantName };
    const plant = plantName === undefined ? undefined : catalog.plants.get(plantName);
    if (plantName !== undefined && !plant) {
      out.push(
        violation(
          V.UNKNOWN_PLANT,
          `Lot ${index} step ${step}: there is no plant "${plantName}".`,
          where,
        ),
      );
    }
    const capability =
      plant && chip && step <= chip.stepCount
        ? catalog.capabilities.get(capabilityKey(chip.id, step, plant.id))
        : undefined;
    if (plant && chip && step <= chip.stepCount && !capability) {
      out.push(
        violation(
          V.PLANT_NOT_CAPABLE,
          `Lot ${index} step ${step}: "${plant.name}" cannot perform step ${step} of ${chip.name}.`,
          where,
        ),
      );
    }
    if (plant && !plantTakesNewWork(plant)) {
      out.push(
        violation(
          V.PLANT_IN_MAINTENANCE,
          `Lot ${index} step ${step}: "${plant.name}" is in maintenance.`,
          where,
        ),
      );
    }
    if (start !== undefined && start < now) {
      out.push(
        violation(
          V.START_IN_PAST,
          `Lot ${index} step ${step}: starts at tick ${start}, before the production clock's now (${now}).`,
          where,
        ),
      );
    }
    if (capability && plant && start !== undefined && quantityValid) {
      const end = start + operationDuration(lot.quantity, capability.unitTime);
      operations.push({
        lot: index,
        step,
        plantId: plant.id,
        plantName: plant.name,
        start,
        end,
        cost: operationCost(lot.quantity, capability.unitCost),
      });
    } else if (!chip || step <= chip.stepCount) {
      complete = false;
    }
  }
  judgeStepOrder(operations, out);
  return { operations, complete };
}

/** A step must not start before any earlier step of its lot has ended. */
function judgeStepOrder(operations: TimedOperation[], out: PlanViolation[]): void {
  let latest: TimedOperation | undefined;
  for (const op of operations) {
    if (latest && op.start < latest.end) {
      out.push(
        violation(
          V.STEP_OVERLAP,
          `Lot ${op.lot} step ${op.step}: starts at tick ${op.start}, before step ${latest.step} ends at tick ${latest.end}.`,
          { lot: op.lot, step: op.step, plantName: op.plantName },
        ),
      );
    }
    if (!latest || op.end > latest.end) latest = op;
  }
}

/**
 * A plant does one operation at a time: an operation clashes with an earlier-starting one of
 * this plan on the same plant, and with the plant's existing bookings. `bookings` holds, per
 * plant, at least every booking overlapping the plan's operations there, sorted by start
 * (bookings of one plant never overlap, so they are sorted by end too). O(n log n).
 */
export function judgeClashes(
  operations: TimedOperation[],
  bookings: Map<number, ExistingBooking[]>,
): PlanViolation[] {
  const out: PlanViolation[] = [];
  const byPlant = new Map<number, TimedOperation[]>();
  for (const op of operations) {
    const list = byPlant.get(op.plantId);
    if (list) list.push(op);
    else byPlant.set(op.plantId, [op]);
  }
  for (const [plantId, ops] of byPlant) {
    ops.sort((a, b) => a.start - b.start || a.lot - b.lot || a.step - b.step);
    let latest: TimedOperation | undefined;
    const booked = bookings.get(plantId) ?? [];
    for (const op of ops) {
      const where = { lot: op.lot, step: op.step, plantName: op.plantName };
      if (latest && op.start < latest.end) {
        out.push(
          violation(
            V.PLANT_BUSY,
            `Lot ${op.lot} step ${op.step}: "${op.plantName}" is busy over ${span(latest)} with lot ${latest.lot} step ${latest.step} of this plan.`,
            where,
          ),
        );
      }
      if (!latest || op.end > latest.end) latest = op;
      const clash = firstOverlap(booked, op);
      if (clash) {
        out.push(
          violation(
            V.PLANT_BUSY,
            `Lot ${op.lot} step ${op.step}: "${op.plantName}" is already booked over ${span(clash)} by another order.`,
            where,
          ),
        );
      }
    }
  }
  return out;
}

/** The first booking overlapping [op.start, op.end), by binary search on the sorted ends. */
function firstOverlap(
  booked: ExistingBooking[],
  op: { start: number; end: number },
): ExistingBooking | undefined {
  let lo = 0;
  let hi = booked.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (booked[mid].end > op.start) hi = mid;
    else lo = mid + 1;
  }
  return lo < booked.length && booked[lo].start < op.end ? booked[lo] : undefined;
}

/** Deadline and budget: LATE per lot finishing after expectedTime; OVER_BUDGET for the plan. */
export function judgeTotals(
  plan: Plan,
  timed: TimedOperation[][],
  complete: boolean,
): PlanViolation[] {
  const out: PlanViolation[] = [];
  for (const ops of timed) {
    const last = ops.reduce<TimedOperation | undefined>(
      (a, op) => (!a || op.end > a.end ? op : a),
      undefined,
    );
    if (last && last.end > plan.expectedTime) {
      out.push(
        violation(
          V.LATE,
          `Lot ${last.lot}: finishes at tick ${last.end}, after the expected time ${plan.expectedTime}.`,
          { lot: last.lot, step: last.step, plantName: last.plantName },
        ),
      );
    }
  }
  const known = sum(timed.flat().map((op) => op.cost));
  if (known.gt(plan.budget)) {
    out.push(
      violation(
        V.OVER_BUDGET,
        `The plan costs ${complete ? '' : 'at least '}${known.toFixed(2)}, over the budget of ${plan.budget.toFixed(2)}.`,
      ),
    );
  }
  return out;
}

/** Most violations of lots an analysis lists (`violationCount` says how many there are). */
export const MAX_LISTED_VIOLATIONS = 1000;

/**
 * What an analysis lists of sorted violations: the first MAX_LISTED_VIOLATIONS of lots, then
 * every plan-wide one. A plan of 1000 lots clashing everywhere has some 17000; listing them all
 * cost a tenth of a second of output alone.
 */
export function listedViolations(sorted: PlanViolation[]): PlanViolation[] {
  if (sorted.length <= MAX_LISTED_VIOLATIONS) return sorted;
  const lots = sorted.filter((v) => v.lot !== null).slice(0, MAX_LISTED_VIOLATIONS);
  return [...lots, ...sorted.filter((v) => v.lot === null)];
}

/** Lot by lot (plan-wide ones last), step by step, keeping each judge's order otherwise. */
export function sortViolations(violations: PlanViolation[]): PlanViolation[] {
  const rank = (v: PlanViolation) => [v.lot ?? Number.MAX_SAFE_INTEGER, v.step ?? 0];
  return violations
    .map((v, i) => ({ v, i, r: rank(v) }))
    .sort((a, b) => a.r[0] - b.r[0] || a.r[1] - b.r[1] || a.i - b.i)
    .map((x) => x.v);
}
