import { earliestFit, IntervalList } from './suggest-calendar.rules.ts';
import { type Label, lotFrontier, stepsOf } from './suggest-bounds.rules.ts';
import {
  compareScores,
  type FoundPlan,
  type PlacedStep,
  scoreOf,
  type Score,
  type Split,
  SuggestObjective,
  type SuggestProblem,
  type TopPlans,
} from './suggest-problem.rules.ts';

/**
 * The three ways the suggester builds plans. All are generators that yield now and then, so a
 * caller can spread the work over many turns of the event loop and stop it at a deadline.
 *
 * - `greedyPlan`: lot after lot, each gets the best schedule of its own Pareto frontier against
 *   the bookings and the lots placed before it. Fast, and optimal whenever it meets the bound.
 * - `exhaustiveSearch`: branch and bound over every semi-active schedule (each operation at the
 *   earliest fit after its lot's previous step and its plant's previous operation), generated in
 *   (start, lot) order so each schedule is met once. Any feasible plan can be shifted left into
 *   one of these without costing more or finishing later, so when the search runs out of nodes
 *   the best it kept is optimal.
 * - `improvePlan`: ruin and recreate on the greedy machinery, for plans too large to search.
 */

/** How a lot chooses among its frontier's schedules in a greedy pass. */
function choose(
  problem: SuggestProblem,
  labels: Label[],
  pick: SuggestObjective,
  finishSoFar: number,
): Label {
  if (pick === SuggestObjective.CHEAPEST) return labels[labels.length - 1];
  // A lot ending before the plan's current finish costs the plan no time: take the cheapest such.
  const horizon = Math.max(finishSoFar, labels[0].end);
  if (pick === SuggestObjective.EARLIEST_FINISH) {
    return labels.filter((l) => l.end <= horizon).at(-1)!;
  }
  const weighed = (l: Label) => l.cost + problem.tickPriceCents * Math.max(l.end, finishSoFar);
  return labels.reduce((best, l) => (weighed(l) < weighed(best) ? l : best));
}

/** Labels kept per step in a greedy pass: enough choice, bounded work per lot. */
const GREEDY_LABELS = 24;

/** Some lots placed: their steps, and their operations in each plant's list. */
interface Placement {
  placed: IntervalList[];
  steps: (PlacedStep[] | undefined)[];
  spent: number;
  finish: number;
}

function place(
  problem: SuggestProblem,
  split: Split,
  p: Placement,
  lot: number,
  steps: PlacedStep[],
) {
  const table = split.lots[lot];
  p.steps[lot] = steps;
  steps.forEach((step, s) => {
    const plant = problem.steps[s][step.option].plant;
    const end = step.start + table.duration[s][step.option];
    p.placed[plant].insert(step.start, end);
    p.spent += table.cost[s][step.option];
    p.finish = Math.max(p.finish, end);
  });
}

/**
 * Places the lots of `order`, one after the other, each on the schedule its frontier offers
 * that `pick` likes best, within the budget left minus the least the lots after it will cost.
 * False when some lot has no schedule left.
 */
function* placeLots(
  problem: SuggestProblem,
  split: Split,
  booked: IntervalList[],
  p: Placement,
  order: number[],
  pick: SuggestObjective,
): Generator<void, boolean> {
  let reserved = order.reduce((total, lot) => total + split.lots[lot].costTail[0], 0);
  for (const lot of order) {
    reserved -= split.lots[lot].costTail[0];
    const { labels } = lotFrontier(
      problem,
      split.lots[lot],
      booked,
      {
        from: problem.now,
        deadline: problem.expectedTime,
        costCap: problem.budgetCents - p.spent - reserved,
        maxLabels: GREEDY_LABELS,
      },
      p.placed,
    );
    if (labels.length === 0) return false;
    place(problem, split, p, lot, stepsOf(choose(problem, labels, pick, p.finish)));
    yield;
  }
  return true;
}

function found(problem: SuggestProblem, split: Split, p: Placement): FoundPlan {
  return {
    split: split.index,
    steps: p.steps as PlacedStep[][],
    costCents: p.spent,
    finish: p.finish,
    score: scoreOf(problem, p.spent, p.finish, split.lots.length),
  };
}

const emptyPlacement = (problem: SuggestProblem, split: Split, booked: IntervalList[]) => ({
  placed: booked.map(() => new IntervalList()),
  steps: new Array<PlacedStep[] | undefined>(split.lots.length),
  spent: 0,
  finish: problem.now,
});

/** One greedy pass: every lot placed in `order`. Undefined when some lot finds no schedule. */
export function* greedyPlan(
  problem: SuggestProblem,
  split: Split,
  booked: IntervalList[],
  pick: SuggestObjective,
  order: number[],
): Generator<void, FoundPlan | undefined> {
  const p = emptyPlacement(problem, split, booked);
  const ok = yield* placeLots(problem, split, booked, p, order, pick);
  return ok ? found(problem, split, p) : undefined;
}

/** Deterministic pseudo-random integers in [0, n) (mulberry32): the search stays pure. */
function randomness(seed: number): (n: number) => number {
  let a = seed;
  return (n) => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) % n;
  };
}

/** Most lots taken out and put back per round of improvement. */
const MAX_RUIN = 6;

/**
 * Ruin and recreate, until `stop()`: take a few lots out of the split's best plan (the one
 * finishing last among them, unless the objective is cost alone), put them back in a random
 * order through their frontiers, keep the result when it scores no worse, and offer every
 * complete plan to `top`. Improves large plans that branch and bound cannot cover in time.
 */
export function* improvePlan(
  problem: SuggestProblem,
  split: Split,
  booked: IntervalList[],
  top: TopPlans,
  start: FoundPlan,
  stop: () => boolean,
): Generator<void, void> {
  const lots = split.lots.length;
  if (lots < 2) return;
  const random = randomness(split.index + 1);
  const endOf = (plan: FoundPlan, lot: number) => {
    const s = problem.steps.length - 1;
    const last = plan.steps[lot][s];
    return last.start + split.lots[lot].duration[s][last.option];
  };
  let current = start;
  while (!stop()) {
    const out = new Set<number>();
    if (problem.objective !== SuggestObjective.CHEAPEST) {
      let latest = 0;
      for (let lot = 1; lot < lots; lot++) {
        if (endOf(current, lot) > endOf(current, latest)) latest = lot;
      }
      out.add(latest);
    }
    const size = 1 + random(Math.min(lots, MAX_RUIN));
    while (out.size < Math.max(2, size)) out.add(random(lots));
    const p = emptyPlacement(problem, split, booked);
    current.steps.forEach((steps, lot) => {
      if (!out.has(lot)) place(problem, split, p, lot, steps);
    });
    const order = [...out];
    for (let i = order.length - 1; i > 0; i--) {
      const j = random(i + 1);
      [order[i], order[j]] = [order[j], order[i]];
    }
    if (yield* placeLots(problem, split, booked, p, order, problem.objective)) {
      const plan = found(problem, split, p);
      top.offer(split, plan);
      if (compareScores(plan.score, current.score) <= 0) current = plan;
    }
    yield;
  }
}

/** Children kept per node; past it the search is no longer exhaustive (and says so). */
const MAX_CHILDREN = 64;
/** Nodes between yields. */
const NODES_PER_TURN = 128;

interface Child {
  lot: number;
  option: number;
  start: number;
  end: number;
  cost: number;
  key: number;
  tie: number;
}

interface Frame {
  children: Child[];
  next: number;
  /** The move that led here, and what it changed (undefined at the root). */
  move?: Child;
  undo?: { ready: number; free: number; finish: number; lastStart: number; lastLot: number };
}

export interface SearchProgress {
  nodes: number;
  /** Every schedule was either met or proved no better than what was kept. */
  exhausted: boolean;
}

/**
 * Branch and bound over the split's semi-active schedules, offering every complete one to
 * `top` and pruning what cannot enter it, until `stop()` says so; `progress` counts the nodes
 * and says at the end whether the search was exhaustive.
 */
export function* exhaustiveSearch(
  problem: SuggestProblem,
  split: Split,
  booked: IntervalList[],
  top: TopPlans,
  stop: () => boolean,
  progress: SearchProgress,
): Generator<void, void> {
  const { now, expectedTime: deadline, budgetCents: budget } = problem;
  const lots = split.lots;
  const stepCount = problem.steps.length;
  const ready = lots.map(() => now);
  const next = lots.map(() => 0);
  const free = booked.map(() => now);
  const chosen: PlacedStep[][] = lots.map(() => []);
  let cost = 0;
  let remainingCost = lots.reduce((t, l) => t + l.costTail[0], 0);
  let finish = now;
  let lastStart = -Infinity;
  let lastLot = -1;
  let left = lots.length * stepCount;
  let truncated = false;

  const lowerBound = (): Score => {
    let latest = finish;
    for (let l = 0; l < lots.length; l++) {
      if (next[l] < stepCount) {
        latest = Math.max(latest, Math.max(ready[l], lastStart) + lots[l].durationTail[next[l]]);
      }
    }
    return scoreOf(problem, cost + remainingCost, latest, lots.length);
  };

  const children = (): Child[] => {
    const out: Child[] = [];
    for (let l = 0; l < lots.length; l++) {
      const s = next[l];
      if (s === stepCount) continue;
      // Interchangeable lots start in index order.
      if (s === 0 && split.twin[l] >= 0 && next[split.twin[l]] === 0) continue;
      const lot = lots[l];
      const others = remainingCost - lot.minCost[s];
      problem.steps[s].forEach((o, i) => {
        const c = lot.cost[s][i];
        if (cost + c + others > budget) return;
        const d = lot.duration[s][i];
        const start = earliestFit(booked[o.plant], Math.max(ready[l], free[o.plant]), d);
        if (start < lastStart || (start === lastStart && l < lastLot)) return;
        const end = start + d;
        if (end + lot.durationTail[s + 1] > deadline) return;
        const [key, tie] = scoreOf(problem, c - lot.minCost[s], end, 0);
        out.push({ lot: l, option: i, start, end, cost: c, key, tie });
      });
    }
    out.sort((a, b) => a.key - b.key || a.tie - b.tie || a.start - b.start);
    if (out.length > MAX_CHILDREN) {
      truncated = true;
      out.length = MAX_CHILDREN;
    }
    return out;
  };

  const apply = (move: Child): Frame['undo'] => {
    const s = next[move.lot];
    const plant = problem.steps[s][move.option].plant;
    const undo = { ready: ready[move.lot], free: free[plant], finish, lastStart, lastLot };
    ready[move.lot] = move.end;
    free[plant] = move.end;
    next[move.lot] = s + 1;
    chosen[move.lot].push({ option: move.option, start: move.start });
    cost += move.cost;
    remainingCost -= lots[move.lot].minCost[s];
    finish = Math.max(finish, move.end);
    lastStart = move.start;
    lastLot = move.lot;
    left--;
    return undo;
  };

  const revert = (move: Child, undo: NonNullable<Frame['undo']>) => {
    const s = next[move.lot] - 1;
    const plant = problem.steps[s][move.option].plant;
    ready[move.lot] = undo.ready;
    free[plant] = undo.free;
    next[move.lot] = s;
    chosen[move.lot].pop();
    cost -= move.cost;
    remainingCost += lots[move.lot].minCost[s];
    ({ finish, lastStart, lastLot } = undo);
    left++;
  };

  const stack: Frame[] = [{ children: children(), next: 0 }];
  while (stack.length > 0) {
    if (++progress.nodes % NODES_PER_TURN === 0) {
      yield;
      if (stop()) return;
    }
    const frame = stack[stack.length - 1];
    if (frame.next >= frame.children.length) {
      stack.pop();
      if (frame.move) revert(frame.move, frame.undo!);
      continue;
    }
    const move = frame.children[frame.next++];
    const undo = apply(move);
    if (left === 0) {
      top.offer(split, {
        split: split.index,
        steps: chosen.map((c) => [...c]),
        costCents: cost,
        finish,
        score: scoreOf(problem, cost, finish, lots.length),
      });
      revert(move, undo!);
      continue;
    }
    const bar = top.bar();
    const hopeless = bar !== undefined && compareScores(lowerBound(), bar) >= 0;
    const kids = hopeless ? [] : children();
    if (kids.length === 0) {
      revert(move, undo!);
      continue;
    }
    stack.push({ children: kids, next: 0, move, undo });
  }
  progress.exhausted = !truncated;
}
