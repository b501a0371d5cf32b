import { Decimal } from '../../platform/money.ts';
import { MAX_TICK } from '../chip-plan.input.ts';
import { computeKpi, kpiOutOfRange } from '../chip-plan-kpi.rules.ts';
import {
  capabilityKey,
  type CatalogChip,
  type CatalogPlant,
  type ExistingBooking,
  type Plan,
  type PlanCatalog,
  type ScheduledLot,
} from '../chip-plan.types.ts';
import {
  judgeClashes,
  judgeLots,
  judgeTotals,
  plantTakesNewWork,
  sortViolations,
} from '../chip-plan.rules.ts';
import type { ChipPlanKpi, PlanViolation } from '../chip-plan.types.ts';
import {
  type FoundPlan,
  MAX_BUDGET_CENTS,
  type SuggestObjective,
  type SuggestProblem,
} from './suggest-problem.rules.ts';

/**
 * Between the catalog and the suggester: the problem built from what the service read, and
 * each suggested plan turned back into the ChipPlanInput shape and judged by the very rules
 * analyzeChipOrder applies (chip-plan.rules.ts), so nothing they refuse is ever suggested.
 */

/** One chip with every plant able to do one of its steps (maintenance included). */
export interface ChipOptions {
  chip: CatalogChip;
  plants: CatalogPlant[];
  capabilities: { step: number; plantId: number; unitCost: Decimal; unitTime: Decimal }[];
}

export interface SuggestRequest {
  /** Lot quantities per split to consider. */
  splits: number[][];
  /** Package ids of the lots, when the consumer split the quantity. */
  packageIds?: (string | null)[];
  budget?: Decimal;
  expectedTime?: number;
  objective: SuggestObjective;
  tickPrice?: Decimal;
  k: number;
}

/** The catalog the rules judge against, as loadPlanCatalog would give it for these plants. */
export function catalogOf(options: ChipOptions): PlanCatalog {
  return {
    chips: new Map([[options.chip.name, options.chip]]),
    plants: new Map(options.plants.map((p) => [p.name, p])),
    capabilities: new Map(
      options.capabilities.map((c) => [
        capabilityKey(options.chip.id, c.step, c.plantId),
        { unitCost: c.unitCost, unitTime: c.unitTime },
      ]),
    ),
  };
}

/** The suggester's problem; plant i of the problem is `plantIds[i]`. */
export function buildProblem(
  options: ChipOptions,
  bookings: Map<number, ExistingBooking[]>,
  now: number,
  request: SuggestRequest,
): { problem: SuggestProblem; plantIds: number[] } {
  const usable = options.plants.filter(plantTakesNewWork);
  const plantIds = usable.map((p) => p.id);
  const index = new Map(plantIds.map((id, i) => [id, i]));
  const steps = Array.from({ length: options.chip.stepCount }, (_, s) =>
    options.capabilities
      .filter((c) => c.step === s + 1 && index.has(c.plantId))
      .sort((a, b) => a.plantId - b.plantId)
      .map((c) => ({ plant: index.get(c.plantId)!, unitCost: c.unitCost, unitTime: c.unitTime })),
  );
  const budgetCents = request.budget
    ? Math.min(request.budget.times(100).toNumber(), MAX_BUDGET_CENTS)
    : MAX_BUDGET_CENTS;
  const problem: SuggestProblem = {
    now,
    steps,
    bookings: plantIds.map((id) =>
      (bookings.get(id) ?? [])
        .filter((b) => b.end > now)
        .map((b) => ({ start: b.start, end: b.end })),
    ),
    splits: request.splits,
    budgetCents,
    expectedTime: Math.min(request.expectedTime ?? MAX_TICK, MAX_TICK),
    objective: request.objective,
    tickPriceCents: request.tickPrice ? request.tickPrice.times(100).toNumber() : 0,
    k: request.k,
  };
  return { problem, plantIds };
}

/**
 * A found plan in the ChipPlanInput shape. Without a budget or expected time from the
 * consumer, the plan carries its own cost and finish, so it analyses as feasible with no slack.
 */
export function planOf(
  found: FoundPlan,
  problem: SuggestProblem,
  options: ChipOptions,
  plantIds: number[],
  request: SuggestRequest,
): Plan {
  const names = new Map(options.plants.map((p) => [p.id, p.name]));
  const quantities = problem.splits[found.split];
  return {
    budget: request.budget ?? new Decimal(found.costCents).div(100),
    expectedTime: request.expectedTime ?? found.finish,
    lots: found.steps.map((steps, lot) => ({
      packageId: request.packageIds?.[lot] ?? null,
      chipName: options.chip.name,
      quantity: quantities[lot],
      plantNames: steps.map((step, s) => names.get(plantIds[problem.steps[s][step.option].plant])!),
      startTimes: steps.map((step) => step.start),
    })),
  };
}

/**
 * What analyzeChipOrder would say of the plan, judged in memory against the same catalog and
 * bookings: its violations (sorted as the analysis sorts them) and its KPIs.
 */
export function judgeSuggestion(
  plan: Plan,
  catalog: PlanCatalog,
  now: number,
  bookings: Map<number, ExistingBooking[]>,
): { violations: PlanViolation[]; kpi: ChipPlanKpi | null } {
  const lots = judgeLots(plan, catalog, now);
  const operations = lots.timed.flat();
  const violations = sortViolations([
    ...lots.violations,
    ...judgeClashes(operations, bookings),
    ...judgeTotals(plan, lots.timed, lots.complete),
  ]);
  if (!lots.complete) return { violations, kpi: null };
  const scheduled: ScheduledLot[] = plan.lots.map((lot, index) => ({
    lot: index,
    packageId: lot.packageId,
    chipName: lot.chipName,
    quantity: lot.quantity,
    operations: lots.timed[index],
  }));
  const kpi = computeKpi(scheduled, plan.budget, plan.expectedTime);
  return { violations, kpi: kpiOutOfRange(kpi) ? null : kpi };
}
