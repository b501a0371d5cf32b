import { Decimal } from '../../platform/money.ts';
import type { IntervalList } from './suggest-calendar.rules.ts';
import {
  aloneReadyTimes,
  capacityCostBound,
  finishLowerBound,
  lotFrontier,
} from './suggest-bounds.rules.ts';
import {
  calendarsOf,
  type FoundPlan,
  type LotTable,
  MAX_BUDGET_CENTS,
  prepareSplit,
  type Split,
  SuggestObjective,
  type SuggestProblem,
  TopPlans,
} from './suggest-problem.rules.ts';
import {
  exhaustiveSearch,
  greedyPlan,
  improvePlan,
  type SearchProgress,
} from './suggest-search.rules.ts';

/**
 * The plan suggester (issue 18): up to k feasible plans for one chip and a quantity, best first
 * by the objective, with a lower bound that says how far from optimal the best one can be.
 * A pure generator: it yields between bounded pieces of work, so the caller decides how to run
 * it (`runToEnd` here, or sliced over the event loop as the service does). docs/chip-suggest.md
 * describes the algorithm and its guarantees.
 *
 *   1. Every step needs a usable plant; the cheapest possible cost (each chip on each step's
 *      cheapest plant, whatever the time) must fit the budget.
 *   2. Per lot split: each lot's earliest finish alone and the plants' free capacity per step
 *      give a lower bound on the finish, which must not pass the expected time.
 *   3. A greedy plan per split (the first is always finished, even past the time budget).
 *   4. Per split, each lot's cheapest schedule alone by the expected time, and the cheapest
 *      filling of the plants' room before it: lower bounds on cost that must fit the budget.
 *   5. More greedy plans (cheapest-first, earliest-first, largest lots first) for alternatives.
 *   6. Per split, branch and bound (exhaustive, so it can prove optimality or that no plan
 *      exists) taking turns with ruin and recreate (improves large plans), until the time budget,
 *      the proof of optimality (the best meets the lower bound; then a tenth of the budget more
 *      for alternatives) or the end of the search.
 */

export enum SuggestObstacleCode {
  UNKNOWN_CHIP = 'UNKNOWN_CHIP',
  NO_USABLE_PLANT = 'NO_USABLE_PLANT',
  OVER_BUDGET = 'OVER_BUDGET',
  LATE = 'LATE',
  OVER_BUDGET_BY_EXPECTED_TIME = 'OVER_BUDGET_BY_EXPECTED_TIME',
  NO_FEASIBLE_PLAN = 'NO_FEASIBLE_PLAN',
  TIME_BUDGET_EXHAUSTED = 'TIME_BUDGET_EXHAUSTED',
}

/** Why no plan came back, with the figures that show it. */
export interface Obstacle {
  code: SuggestObstacleCode;
  /** NO_USABLE_PLANT: the 1-based step. */
  step?: number;
  /** The least any plan can cost (by the expected time, for OVER_BUDGET_BY_EXPECTED_TIME). */
  cheapestCost?: Decimal;
  /** A tick no plan can finish before. */
  earliestFinish?: number;
}

export interface SuggestOutcome {
  /** Best first; each respects every rule and the budget and expected time. */
  plans: FoundPlan[];
  /** The best plan's objective value is the least any plan of the considered splits has. */
  optimal: boolean;
  /** The search considered every plan of every split (so an empty `plans` proves none exists). */
  exhausted: boolean;
  /** No plan of the considered splits scores lower (the objective's value, score[0]). */
  scoreLowerBound?: number;
  /** No plan of the considered splits costs less (cents) / finishes earlier (tick). */
  costLowerBoundCents?: number;
  finishLowerBound?: number;
  obstacles: Obstacle[];
}

export interface SuggestLimits {
  /** Milliseconds of work after which the best found is returned. */
  timeBudgetMs: number;
  /** Milliseconds, monotonic; performance.now by default. */
  clock?: () => number;
}

/** Labels per step when a lot's cheapest schedule alone is a lower bound: past it, a weaker one. */
const EXACT_LABELS = 256;
/** Share of the time budget spent looking for alternatives once the best is proven optimal. */
const ALTERNATIVES_SHARE = 0.1;

const centsToDecimal = (cents: number) => new Decimal(cents).div(100);

export function* suggestPlans(
  problem: SuggestProblem,
  limits: SuggestLimits,
): Generator<void, SuggestOutcome> {
  const clock = limits.clock ?? (() => performance.now());
  const endAt = clock() + limits.timeBudgetMs;
  const outOfTime = () => clock() >= endAt;
  const fail = (obstacle: Obstacle, bounds: Partial<SuggestOutcome> = {}): SuggestOutcome => ({
    plans: [],
    optimal: false,
    exhausted: true,
    obstacles: [obstacle],
    ...bounds,
  });

  const unusable = problem.steps.findIndex((options) => options.length === 0);
  if (unusable >= 0) return fail({ code: SuggestObstacleCode.NO_USABLE_PLANT, step: unusable + 1 });
  const quantity = problem.splits[0].reduce((a, b) => a + b, 0);
  const cheapest = problem.steps
    .reduce(
      (total, options) => total.plus(Decimal.min(...options.map((o) => o.unitCost))),
      new Decimal(0),
    )
    .times(quantity);
  if (cheapest.times(100).gt(problem.budgetCents)) {
    return fail({ code: SuggestObstacleCode.OVER_BUDGET, cheapestCost: cheapest });
  }

  const booked = calendarsOf(problem);
  const splits = problem.splits.map((_, i) => prepareSplit(problem, i));
  const ready = new Map<LotTable, number[]>();
  const finishBound: number[] = [];
  for (const split of splits) {
    for (const lot of split.lots) {
      if (!ready.has(lot)) ready.set(lot, aloneReadyTimes(problem, lot, booked));
    }
    finishBound.push(finishLowerBound(problem, split, booked, ready));
    yield;
  }
  const earliestFinish = Math.min(...finishBound);
  if (earliestFinish > problem.expectedTime) {
    return fail(
      { code: SuggestObstacleCode.LATE, earliestFinish },
      {
        finishLowerBound: earliestFinish,
      },
    );
  }
  let live = splits.filter((s) => finishBound[s.index] <= problem.expectedTime);

  const top = new TopPlans(problem.k);
  const indexOrder = (split: Split) => split.lots.map((_, i) => i);
  for (const split of live) {
    if (split !== live[0] && outOfTime()) break;
    const plan = yield* greedyPlan(problem, split, booked, problem.objective, indexOrder(split));
    if (plan) top.offer(split, plan);
  }

  const costBound = new Map<number, number>();
  let room = false;
  for (const split of live) {
    const alone = yield* cheapestAlone(problem, split, booked, outOfTime);
    const filled = capacityCostBound(problem, split, booked, ready);
    room ||= filled < Infinity;
    costBound.set(split.index, Math.max(alone, filled));
  }
  const cheapestByTime = Math.min(...live.map((s) => costBound.get(s.index)!));
  const bounds = {
    costLowerBoundCents: cheapestByTime < Infinity ? cheapestByTime : undefined,
    finishLowerBound: Math.min(...live.map((s) => finishBound[s.index])),
  };
  // The plants have too few slots before the expected time for every lot: no plan makes it.
  if (!room) {
    return fail(
      { code: SuggestObstacleCode.LATE, earliestFinish: problem.expectedTime + 1 },
      { finishLowerBound: problem.expectedTime + 1 },
    );
  }
  if (cheapestByTime > problem.budgetCents) {
    return fail(
      {
        code: SuggestObstacleCode.OVER_BUDGET_BY_EXPECTED_TIME,
        // Infinite: every schedule in time has an operation dearer than any budget.
        cheapestCost: cheapestByTime < Infinity ? centsToDecimal(cheapestByTime) : undefined,
        earliestFinish,
      },
      bounds,
    );
  }
  live = live.filter((s) => costBound.get(s.index)! <= problem.budgetCents);

  for (const split of live) {
    for (const [pick, order] of variants(problem, split)) {
      if (outOfTime()) break;
      const plan = yield* greedyPlan(problem, split, booked, pick, order);
      if (plan) top.offer(split, plan);
    }
  }

  const rootBound = (split: Split) => {
    const cost = costBound.get(split.index)!;
    const finish = finishBound[split.index];
    if (problem.objective === SuggestObjective.CHEAPEST) return cost;
    if (problem.objective === SuggestObjective.EARLIEST_FINISH) return finish;
    return cost + problem.tickPriceCents * (finish - problem.now);
  };
  live.sort((a, b) => rootBound(a) - rootBound(b));
  const bound = Math.min(...live.map(rootBound));
  // Once the best meets the bound, alternatives get a short share of the budget, not all of it.
  let provenAt: number | undefined;
  const stopSearch = () => {
    if (outOfTime()) return true;
    const best = top.best();
    if (!best || best.score[0] > bound) return false;
    provenAt ??= clock();
    return top.full || clock() - provenAt >= limits.timeBudgetMs * ALTERNATIVES_SHARE;
  };
  const progress = yield* searchAll(problem, live, booked, top, stopSearch);

  // What no plan of a split can beat: its best if the search covered it, else its bound.
  const splitBound = (split: Split) =>
    progress.get(split.index)?.exhausted
      ? (top.bestOfSplit(split.index)?.score[0] ?? Infinity)
      : rootBound(split);
  const scoreLowerBound = Math.min(...live.map(splitBound));
  const best = top.best();
  const exhausted = live.every((s) => progress.get(s.index)?.exhausted);
  const obstacles: Obstacle[] = best
    ? []
    : [
        {
          code: exhausted
            ? SuggestObstacleCode.NO_FEASIBLE_PLAN
            : SuggestObstacleCode.TIME_BUDGET_EXHAUSTED,
          cheapestCost: centsToDecimal(cheapestByTime),
          earliestFinish,
        },
      ];
  return {
    plans: top.plans,
    optimal: best !== undefined && best.score[0] <= scoreLowerBound,
    exhausted,
    scoreLowerBound: Number.isFinite(scoreLowerBound) ? scoreLowerBound : undefined,
    ...bounds,
    obstacles,
  };
}

/**
 * The least a split's plans can cost by the expected time: the sum of each lot's cheapest
 * schedule alone (exact per lot unless its frontier had to be cut or the time is up, then the
 * lot's cheapest plants whatever the time). Infinity when a lot cannot finish in time at all.
 */
function* cheapestAlone(
  problem: SuggestProblem,
  split: Split,
  booked: IntervalList[],
  outOfTime: () => boolean,
): Generator<void, number> {
  const perTable = new Map<LotTable, number>();
  let total = 0;
  for (const lot of split.lots) {
    let least = perTable.get(lot);
    if (least === undefined && (outOfTime() || cheapestPlantsInTime(problem, lot, booked))) {
      least = lot.costTail[0];
    }
    if (least === undefined) {
      const { labels, truncated } = lotFrontier(problem, lot, booked, {
        from: problem.now,
        deadline: problem.expectedTime,
        costCap: MAX_BUDGET_CENTS,
        maxLabels: EXACT_LABELS,
      });
      least =
        labels.length === 0 && !truncated
          ? Infinity
          : truncated
            ? lot.costTail[0]
            : labels[labels.length - 1].cost;
      perTable.set(lot, least);
      yield;
    }
    total += least;
  }
  return total;
}

/** Whether the lot alone, on its cheapest plant at every step, can finish by the expected time. */
function cheapestPlantsInTime(problem: SuggestProblem, lot: LotTable, booked: IntervalList[]) {
  const options = {
    from: problem.now,
    deadline: problem.expectedTime,
    costCap: lot.costTail[0],
    maxLabels: 1,
  };
  return lotFrontier(problem, lot, booked, options).labels.length > 0;
}

/** The greedy passes after the first: other picks, and the largest lots first. */
function variants(problem: SuggestProblem, split: Split): [SuggestObjective, number[]][] {
  const inOrder = split.lots.map((_, i) => i);
  const out: [SuggestObjective, number[]][] = [
    SuggestObjective.CHEAPEST,
    SuggestObjective.EARLIEST_FINISH,
  ]
    .filter((pick) => pick !== problem.objective)
    .map((pick) => [pick, inOrder]);
  const largestFirst = [...inOrder].sort((a, b) => split.quantities[b] - split.quantities[a]);
  if (largestFirst.some((lot, i) => lot !== i)) out.push([problem.objective, largestFirst]);
  return out;
}

/**
 * Per split, branch and bound and ruin-and-recreate take turns, the splits in rotation, most
 * promising first; a split leaves the rotation when its search is exhaustive.
 */
function* searchAll(
  problem: SuggestProblem,
  splits: Split[],
  booked: IntervalList[],
  top: TopPlans,
  stop: () => boolean,
): Generator<void, Map<number, SearchProgress>> {
  const progress = new Map<number, SearchProgress>();
  let running = splits.map((split) => {
    const own: SearchProgress = { nodes: 0, exhausted: false };
    progress.set(split.index, own);
    const start = top.bestOfSplit(split.index);
    return {
      own,
      works: [
        exhaustiveSearch(problem, split, booked, top, stop, own),
        ...(start ? [improvePlan(problem, split, booked, top, start, stop)] : []),
      ],
    };
  });
  while (running.length > 0 && !stop()) {
    for (const split of running) {
      split.works = split.works.filter((work) => !work.next().done);
    }
    running = running.filter((split) => !split.own.exhausted && split.works.length > 0);
    yield;
  }
  return progress;
}

/** Runs the suggester to its end in one go (tests, scripts). */
export function runToEnd<T>(work: Generator<void, T>): T {
  for (;;) {
    const step = work.next();
    if (step.done) return step.value;
  }
}
