import type { RequestContext } from '../../context.ts';
import { requireViewer } from '../../platform/auth/roles.ts';
import { badInput, type FieldPath } from '../../platform/errors.ts';
import { Decimal } from '../../platform/money.ts';
import { MAX_LOTS, MAX_TICK } from '../chip-plan.input.ts';
import type { Plan } from '../chip-plan.types.ts';
import type { ChipSuggestInput } from './suggest.input.ts';
import { loadOverlappingBookings } from '../chip-plan.repository.ts';
import { loadChipOptions } from './suggest.repository.ts';
import { runSliced } from '../../platform/sliced-work.ts';
import {
  buildProblem,
  catalogOf,
  judgeSuggestion,
  planOf,
  type SuggestRequest,
} from './suggest-plans.rules.ts';
import { MAX_BUDGET_CENTS, SuggestObjective } from './suggest-problem.rules.ts';
import {
  type Obstacle,
  type SuggestOutcome,
  SuggestObstacleCode as O,
  suggestPlans,
} from './suggest.rules.ts';
import {
  ChipPlanSuggestions,
  ChipPlanType,
  ChipSuggestObstacle,
  SuggestedChipPlan,
} from './suggest.types.ts';
import { productionClock } from '../production-clock.service.ts';

/** The largest budget a ChipPlanInput can carry (12 integer digits). */
const MAX_BUDGET = new Decimal(MAX_BUDGET_CENTS).div(100).toFixed(2);
/** Most plans one suggestion returns: the query-cost estimate's list size (10) counts them. */
export const MAX_SUGGESTIONS = 10;
/** Most lots a proposed split may have. */
export const MAX_PROPOSED_LOTS = 64;
/** Largest tickPrice: keeps every weighted score an exact integer of cents. */
export const MAX_TICK_PRICE = new Decimal(40_000);
/**
 * What one suggestion weighs in the query-cost estimate (src/platform/graphql/query-limits.ts),
 * on top of its fields: a search of up to SUGGEST_TIME_BUDGET_MS, so the default limit of
 * 120,000 lets an operation hold two, not thirty aliased ones.
 */
export const SUGGEST_QUERY_COST = 50_000;

/**
 * Plan suggestions (issue 18). `suggest` reads the clock, the chip's capable plants and their
 * bookings up to the expected time, runs the suggester (suggest.rules.ts) a slice per
 * event-loop turn within the time budget, and judges every plan it found with the analysis
 * rules before returning it, with its KPIs. Saves nothing; a plan may stop being feasible when
 * someone books first, which confirmChipOrder then says.
 */
export class ChipSuggestService {
  async suggest(
    ctx: RequestContext,
    input: ChipSuggestInput,
    count: number,
  ): Promise<ChipPlanSuggestions> {
    requireViewer(ctx);
    const request = toRequest(input, count);
    const timeBudgetMs = checkTimeBudget(input.timeBudgetMs, ctx.config.suggestTimeBudgetMs);
    const started = performance.now();
    const now = await productionClock.now(ctx.em);
    const options = await loadChipOptions(ctx.em, input.chipName);
    const result = (
      outcome: Partial<SuggestOutcome>,
      plans: SuggestedChipPlan[] = [],
      scoreLowerBound: Decimal | null = null,
    ) =>
      Object.assign(new ChipPlanSuggestions(), {
        objective: request.objective,
        plans,
        optimal: outcome.optimal ?? false,
        searchComplete: outcome.exhausted ?? true,
        scoreLowerBound,
        costLowerBound:
          outcome.costLowerBoundCents === undefined
            ? null
            : new Decimal(outcome.costLowerBoundCents).div(100),
        finishLowerBound: outcome.finishLowerBound ?? null,
        lotSplits: request.splits,
        obstacles: (outcome.obstacles ?? []).map((o) => obstacle(o, request)),
        elapsedMs: Math.round(performance.now() - started),
      });
    if (!options) {
      return result({ obstacles: [{ code: O.UNKNOWN_CHIP }] });
    }
    const deadline = Math.min(request.expectedTime ?? MAX_TICK, MAX_TICK);
    const windows = options.plants.map((p) => ({ p: p.id, lo: now, hi: deadline }));
    const bookings = await loadOverlappingBookings(ctx.em, deadline > now ? windows : []);
    const { problem, plantIds } = buildProblem(options, bookings, now, request);
    const outcome = await runSliced(suggestPlans(problem, { timeBudgetMs }));

    const catalog = catalogOf(options);
    const lowerBound =
      outcome.scoreLowerBound === undefined ? null : scoreValue(request, outcome.scoreLowerBound);
    const plans = outcome.plans.flatMap((found) => {
      const plan = planOf(found, problem, options, plantIds, request);
      const { violations, kpi } = judgeSuggestion(plan, catalog, now, bookings);
      if (violations.length > 0) {
        // A bug, not a business outcome: the plan is dropped rather than suggested.
        ctx.log.error({ violations, plan: toPlanType(plan) }, 'suggested plan failed the rules');
        return [];
      }
      // Waits or loads beyond a GraphQL Int: the analysis would refuse it, so no suggestion.
      if (!kpi) return [];
      const score = scoreValue(request, found.score[0]);
      return [
        Object.assign(new SuggestedChipPlan(), {
          plan: toPlanType(plan),
          kpi,
          score,
          gap: lowerBound ? score.minus(lowerBound) : new Decimal(0),
        }),
      ];
    });
    // The proof is about the best plan found: it holds only if that one is shown first.
    const bestShown = plans.length > 0 && plans.length === outcome.plans.length;
    return result({ ...outcome, optimal: outcome.optimal && bestShown }, plans, lowerBound);
  }
}

/** The objective's value as the API shows it: money for cost-based scores, ticks otherwise. */
function scoreValue(request: SuggestRequest, value: number): Decimal {
  return request.objective === SuggestObjective.EARLIEST_FINISH
    ? new Decimal(value)
    : new Decimal(value).div(100);
}

function toPlanType(plan: Plan): ChipPlanType {
  return Object.assign(new ChipPlanType(), {
    budget: plan.budget,
    expectedTime: plan.expectedTime,
    lots: plan.lots.map((lot) => ({ ...lot })),
  });
}

function obstacle(o: Obstacle, request: SuggestRequest): ChipSuggestObstacle {
  const budget = request.budget ?? null;
  const expectedTime = request.expectedTime ?? null;
  const cost = o.cheapestCost?.toFixed(2);
  const over = budget
    ? `over the budget of ${budget.toFixed(2)}`
    : `over the largest budget a plan can carry (${MAX_BUDGET})`;
  const messages: Record<O, string> = {
    [O.UNKNOWN_CHIP]: 'There is no such chip.',
    [O.NO_USABLE_PLANT]: `No plant can do step ${o.step}: none is capable, or every capable one is in maintenance.`,
    [O.OVER_BUDGET]: `The cheapest possible plan costs ${cost}, ${over}.`,
    [O.LATE]:
      expectedTime === null
        ? `No plan can finish by tick ${MAX_TICK}, the last a plan can name (earliest possible: ${o.earliestFinish}).`
        : `No plan can finish before tick ${o.earliestFinish}, after the expected time ${expectedTime}.`,
    [O.OVER_BUDGET_BY_EXPECTED_TIME]: cost
      ? `A plan finishing by ${expectedTime} costs at least ${cost}, ${over}.`
      : `A plan finishing by ${expectedTime} costs more than the largest budget a plan can carry (${MAX_BUDGET}).`,
    [O.NO_FEASIBLE_PLAN]:
      'Every plan was tried: the lots cannot share the plants so as to meet both the budget and the expected time.',
    [O.TIME_BUDGET_EXHAUSTED]:
      'No plan was found within the time budget, and none was proven impossible; try a longer timeBudgetMs.',
  };
  return Object.assign(new ChipSuggestObstacle(), {
    code: o.code,
    message: messages[o.code],
    step: o.step ?? null,
    cheapestCost: o.cheapestCost ?? null,
    budget,
    earliestFinish: o.earliestFinish ?? null,
    expectedTime,
  });
}

/** Checks what the input types cannot say, and turns the input into the suggester's request. */
function toRequest(input: ChipSuggestInput, count: number): SuggestRequest {
  const field = (...path: FieldPath) => ({ field: ['input', ...path] });
  if (!Number.isInteger(count) || count < 1 || count > MAX_SUGGESTIONS) {
    throw badInput(`count must be between 1 and ${MAX_SUGGESTIONS}.`, { field: ['count'] });
  }
  if (input.quantity < 1) throw badInput('quantity must be at least 1.', field('quantity'));
  if (input.budget && !input.budget.gt(0)) {
    throw badInput('budget must be positive.', field('budget'));
  }
  if (input.expectedTime != null && input.expectedTime < 0) {
    throw badInput('expectedTime must not be negative.', field('expectedTime'));
  }
  let tickPrice: Decimal | undefined;
  if (input.objective === SuggestObjective.WEIGHTED) {
    if (!input.tickPrice || input.tickPrice.lt(0) || input.tickPrice.gt(MAX_TICK_PRICE)) {
      throw badInput(
        `WEIGHTED needs a tickPrice from 0 to ${MAX_TICK_PRICE.toFixed(2)}.`,
        field('tickPrice'),
      );
    }
    tickPrice = input.tickPrice;
  }
  let splits: number[][];
  let packageIds: (string | null)[] | undefined;
  if (input.lots) {
    if (input.lots.length === 0 || input.lots.length > MAX_LOTS) {
      throw badInput(`lots must hold 1 to ${MAX_LOTS} lots.`, field('lots'));
    }
    input.lots.forEach((lot, i) => {
      if (lot.quantity < 1) throw badInput('A lot holds at least 1 chip.', field('lots', i));
    });
    const total = input.lots.reduce((t, lot) => t + lot.quantity, 0);
    if (total !== input.quantity) {
      throw badInput(
        `The lots hold ${total} chips, not quantity (${input.quantity}).`,
        field('lots'),
      );
    }
    splits = [input.lots.map((lot) => lot.quantity)];
    packageIds = input.lots.map((lot) => lot.packageId ?? null);
  } else {
    if (input.maxLots < 1 || input.maxLots > MAX_PROPOSED_LOTS) {
      throw badInput(`maxLots must be between 1 and ${MAX_PROPOSED_LOTS}.`, field('maxLots'));
    }
    splits = proposedSplits(input.quantity, input.maxLots);
  }
  return {
    splits,
    packageIds,
    budget: input.budget ?? undefined,
    expectedTime: input.expectedTime ?? undefined,
    objective: input.objective,
    tickPrice,
    k: count,
  };
}

/** 1, 2, 4, ... and maxLots lots, no more than chips, as equal as whole chips allow. */
export function proposedSplits(quantity: number, maxLots: number): number[][] {
  const most = Math.min(quantity, maxLots);
  const counts = new Set<number>();
  for (let n = 1; n < most; n *= 2) counts.add(n);
  counts.add(most);
  return [...counts].map((n) =>
    Array.from({ length: n }, (_, i) => Math.floor(quantity / n) + (i < quantity % n ? 1 : 0)),
  );
}

function checkTimeBudget(asked: number | null | undefined, most: number): number {
  if (asked == null) return most;
  if (!Number.isInteger(asked) || asked < 1 || asked > most) {
    throw badInput(`timeBudgetMs must be between 1 and ${most}.`, {
      field: ['input', 'timeBudgetMs'],
    });
  }
  return asked;
}

export const chipSuggestions = new ChipSuggestService();
