import type { Decimal } from '../../platform/money.ts';
import { operationCost, operationDuration } from '../chip-plan-kpi.rules.ts';
import { type Interval, IntervalList } from './suggest-calendar.rules.ts';

/**
 * What the plan suggester works on, once the service has read it: plain numbers and decimals,
 * no database, no GraphQL. Plants are indices into `bookings`; money is in integer cents (exact
 * below 2^53, which the budget cap keeps every compared sum under).
 */

export enum SuggestObjective {
  CHEAPEST = 'CHEAPEST',
  EARLIEST_FINISH = 'EARLIEST_FINISH',
  WEIGHTED = 'WEIGHTED',
}

/** A plant able, and allowed, to do one step. */
export interface SuggestOption {
  plant: number;
  unitCost: Decimal;
  unitTime: Decimal;
}

export interface SuggestProblem {
  /** The production clock: no operation starts before it. */
  now: number;
  /** Per step of the chip, in order, the plants that may do it (capable, not in maintenance). */
  steps: SuggestOption[][];
  /** Per plant, its existing bookings ending after `now`, sorted by start. */
  bookings: Interval[][];
  /** The lot splits to consider: each a list of lot quantities (all adding up to the same). */
  splits: number[][];
  /** Most the plan may cost, in cents. */
  budgetCents: number;
  /** Latest tick the plan may finish at. */
  expectedTime: number;
  objective: SuggestObjective;
  /** WEIGHTED: cents one tick of finish is worth; the score is cost + tickPrice * (finish - now). */
  tickPriceCents: number;
  /** How many plans to return at most. */
  k: number;
}

/** [objective value, tie-break, lots]: compared in that order, lower is better. */
export type Score = [number, number, number];

export function compareScores(a: Score, b: Score): number {
  return a[0] - b[0] || a[1] - b[1] || a[2] - b[2];
}

export function scoreOf(
  problem: SuggestProblem,
  costCents: number,
  finish: number,
  lots: number,
): Score {
  switch (problem.objective) {
    case SuggestObjective.CHEAPEST:
      return [costCents, finish, lots];
    case SuggestObjective.EARLIEST_FINISH:
      return [finish, costCents, lots];
    case SuggestObjective.WEIGHTED:
      return [costCents + problem.tickPriceCents * (finish - problem.now), finish, lots];
  }
}

/** One operation of a found plan: which option of its step, and when it starts. */
export interface PlacedStep {
  option: number;
  start: number;
}

export interface FoundPlan {
  split: number;
  /** Per lot, per step. */
  steps: PlacedStep[][];
  costCents: number;
  finish: number;
  score: Score;
}

/** Durations and costs of every (lot, step, option), and their per-lot lower envelopes. */
export interface LotTable {
  quantity: number;
  /** [step][option] ticks. */
  duration: number[][];
  /** [step][option] cents; Infinity past the largest budget. */
  cost: number[][];
  minDuration: number[];
  minCost: number[];
  /** durationTail[s]: the least ticks steps s.. take; length steps + 1, last 0. */
  durationTail: number[];
  costTail: number[];
}

export interface Split {
  index: number;
  quantities: number[];
  /** Per lot (lots of one quantity share their table). */
  lots: LotTable[];
  /** Per lot: the nearest earlier lot of the same quantity, or -1 (interchangeable lots). */
  twin: number[];
}

/** Cents above which an operation's cost is unusable: no Decimal budget is larger. */
export const MAX_BUDGET_CENTS = 99_999_999_999_999;

function lotTable(problem: SuggestProblem, quantity: number): LotTable {
  const duration = problem.steps.map((options) =>
    options.map((o) => operationDuration(quantity, o.unitTime)),
  );
  const cost = problem.steps.map((options) =>
    options.map((o) => {
      const cents = operationCost(quantity, o.unitCost).times(100);
      return cents.gt(MAX_BUDGET_CENTS) ? Infinity : cents.toNumber();
    }),
  );
  const minDuration = duration.map((d) => Math.min(...d));
  const minCost = cost.map((c) => Math.min(...c));
  const tail = (values: number[]) => {
    const out = new Array<number>(values.length + 1).fill(0);
    for (let s = values.length - 1; s >= 0; s--) out[s] = out[s + 1] + values[s];
    return out;
  };
  return {
    quantity,
    duration,
    cost,
    minDuration,
    minCost,
    durationTail: tail(minDuration),
    costTail: tail(minCost),
  };
}

export function prepareSplit(problem: SuggestProblem, index: number): Split {
  const quantities = problem.splits[index];
  const tables = new Map<number, LotTable>();
  const lastOf = new Map<number, number>();
  const twin: number[] = [];
  const lots = quantities.map((q, lot) => {
    twin.push(lastOf.get(q) ?? -1);
    lastOf.set(q, lot);
    let table = tables.get(q);
    if (!table) {
      table = lotTable(problem, q);
      tables.set(q, table);
    }
    return table;
  });
  return { index, quantities, lots, twin };
}

/** Each plant's bookings as a searchable list. */
export function calendarsOf(problem: SuggestProblem): IntervalList[] {
  return problem.bookings.map((b) => new IntervalList(b));
}

/** Two plans are the same suggestion when the same quantities go to the same plants. */
function assignmentKey(split: Split, plan: FoundPlan): string {
  return plan.steps
    .map((steps, lot) => `${split.quantities[lot]}:${steps.map((s) => s.option).join(',')}`)
    .sort()
    .join('|');
}

/**
 * The k best plans found so far, best first, at most one per assignment of plants to lots (the
 * best-timed one): alternatives differ in where the chips go, not only in when.
 */
export class TopPlans {
  readonly plans: FoundPlan[] = [];
  private readonly byKey = new Map<string, FoundPlan>();
  private readonly keyOf = new Map<FoundPlan, string>();
  private readonly bestBySplit = new Map<number, FoundPlan>();

  constructor(private readonly k: number) {}

  get full(): boolean {
    return this.plans.length >= this.k;
  }

  /** The score a new plan must beat to enter, once k are held. */
  bar(): Score | undefined {
    return this.full ? this.plans[this.k - 1].score : undefined;
  }

  best(): FoundPlan | undefined {
    return this.plans[0];
  }

  /** The best plan offered for a split, kept or not. */
  bestOfSplit(split: number): FoundPlan | undefined {
    return this.bestBySplit.get(split);
  }

  offer(split: Split, plan: FoundPlan): void {
    const seen = this.bestBySplit.get(split.index);
    if (!seen || compareScores(plan.score, seen.score) < 0) this.bestBySplit.set(split.index, plan);
    const key = assignmentKey(split, plan);
    const same = this.byKey.get(key);
    if (same) {
      if (compareScores(plan.score, same.score) >= 0) return;
      this.plans.splice(this.plans.indexOf(same), 1);
      this.keyOf.delete(same);
    } else {
      const bar = this.bar();
      if (bar && compareScores(plan.score, bar) >= 0) return;
    }
    let at = this.plans.findIndex((p) => compareScores(plan.score, p.score) < 0);
    if (at < 0) at = this.plans.length;
    this.plans.splice(at, 0, plan);
    this.byKey.set(key, plan);
    this.keyOf.set(plan, key);
    while (this.plans.length > this.k) {
      const dropped = this.plans.pop()!;
      this.byKey.delete(this.keyOf.get(dropped)!);
      this.keyOf.delete(dropped);
    }
  }
}
