import { earliestFit, type IntervalList, PlantCapacity } from './suggest-calendar.rules.ts';
import type { LotTable, Split, SuggestProblem } from './suggest-problem.rules.ts';

/**
 * One lot's schedules and the lower bounds the suggester proves its plans against. A lot alone
 * (the other lots of the plan ignored) is a shortest path through its steps: for a fixed choice
 * of plants, starting every step at the earliest fit is best, and a later ready time never gives
 * an earlier fit, so (cost, end) labels dominate each other and the Pareto frontier is exact.
 */

export interface Label {
  cost: number;
  end: number;
  option: number;
  start: number;
  prev: Label | null;
}

export interface Frontier {
  /** Sorted by end, ascending; costs strictly descending. */
  labels: Label[];
  /** Labels were dropped past `maxLabels`: the frontier is then a sample, not exact. */
  truncated: boolean;
}

/**
 * The Pareto frontier (cost, finish) of one lot's schedules starting at `from`, against the
 * bookings and the operations already `placed`, finishing by `deadline` and costing at most
 * `costCap`. Past `maxLabels` per step, an even sample is kept, always with the earliest and
 * the cheapest label.
 */
export function lotFrontier(
  problem: SuggestProblem,
  lot: LotTable,
  booked: IntervalList[],
  options: { from: number; deadline: number; costCap: number; maxLabels: number },
  placed?: IntervalList[],
): Frontier {
  let labels: Label[] = [{ cost: 0, end: options.from, option: -1, start: -1, prev: null }];
  let truncated = false;
  for (let s = 0; s < problem.steps.length; s++) {
    const candidates: Label[] = [];
    const stepOptions = problem.steps[s];
    for (const label of labels) {
      for (let o = 0; o < stepOptions.length; o++) {
        const cost = label.cost + lot.cost[s][o];
        if (cost + lot.costTail[s + 1] > options.costCap) continue;
        const plant = stepOptions[o].plant;
        const d = lot.duration[s][o];
        const start = earliestFit(booked[plant], label.end, d, placed?.[plant]);
        const end = start + d;
        if (end + lot.durationTail[s + 1] > options.deadline) continue;
        candidates.push({ cost, end, option: o, start, prev: label });
      }
    }
    candidates.sort((a, b) => a.end - b.end || a.cost - b.cost);
    const kept: Label[] = [];
    for (const c of candidates) {
      if (kept.length === 0 || c.cost < kept[kept.length - 1].cost) kept.push(c);
    }
    if (kept.length > options.maxLabels) {
      truncated = true;
      labels = sample(kept, options.maxLabels);
    } else {
      labels = kept;
    }
    if (labels.length === 0) break;
  }
  return { labels, truncated };
}

/** `n` labels evenly spread over `all`, the first and the last among them. */
function sample<T>(all: T[], n: number): T[] {
  if (n <= 1) return [all[0]];
  return Array.from({ length: n }, (_, i) => all[Math.round((i * (all.length - 1)) / (n - 1))]);
}

/** A label's steps, first to last. */
export function stepsOf(label: Label): { option: number; start: number }[] {
  const out: { option: number; start: number }[] = [];
  for (let l: Label | null = label; l && l.prev; l = l.prev) {
    out.push({ option: l.option, start: l.start });
  }
  return out.reverse();
}

/**
 * When one lot alone can be ready for each step at the earliest: ready[s] is the earliest end
 * of its step s - 1 (ready[0] = now), ready[steps] its earliest finish. Exact, since a later
 * ready time never fits earlier; in any plan the lot's step s starts at ready[s] or later.
 */
export function aloneReadyTimes(
  problem: SuggestProblem,
  lot: LotTable,
  booked: IntervalList[],
): number[] {
  const ready = [problem.now];
  for (let s = 0; s < problem.steps.length; s++) {
    let best = Infinity;
    problem.steps[s].forEach((o, i) => {
      const d = lot.duration[s][i];
      best = Math.min(best, earliestFit(booked[o.plant], ready[s], d) + d);
    });
    ready.push(best);
  }
  return ready;
}

/** What each plant of step s can take from `from` on, for the split's shortest operation there. */
function stepCapacities(
  problem: SuggestProblem,
  split: Split,
  booked: IntervalList[],
  s: number,
  from: number,
): PlantCapacity[] {
  return problem.steps[s].map((o, i) => {
    const shortest = Math.min(...split.lots.map((lot) => lot.duration[s][i]));
    return new PlantCapacity(booked[o.plant], from, shortest);
  });
}

/** 1, 2, 3, ... n, thinned out geometrically past 8: the order statistics the bound looks at. */
function ranks(n: number): number[] {
  const out: number[] = [];
  for (let r = 1; r < n; r = Math.max(r + 1, Math.floor(r * 1.25))) out.push(r);
  out.push(n);
  return out;
}

/**
 * A tick no plan of the split can finish before. Per step, a lower bound on the j-th earliest
 * completion of that step over the lots, C(j): the ops completing j-th or earlier, from the
 * i-th to the j-th, all start at or after the i-th earliest release R(i) (the previous step's
 * C(i), or the i-th earliest ready time of a lot alone), so the step's plants must have
 * j - i + 1 slots in [R(i), C(j)], a plant's free pieces holding floor(piece / its shortest
 * operation) each. The finish is then at least C(lots) plus the shortest tail after the step,
 * and at least each lot's finish alone. Every count ignores something real plans respect,
 * never the reverse; ranks are sampled (a skipped rank takes the bound of the one below).
 */
export function finishLowerBound(
  problem: SuggestProblem,
  split: Split,
  booked: IntervalList[],
  readyByTable: Map<LotTable, number[]>,
): number {
  const steps = problem.steps.length;
  const lots = split.lots.length;
  const sampled = ranks(lots);
  let bound = problem.now;
  for (const lot of split.lots) bound = Math.max(bound, readyByTable.get(lot)![steps]);
  let completion: number[] = new Array(lots).fill(problem.now);
  for (let s = 0; s < steps; s++) {
    const alone = split.lots.map((lot) => readyByTable.get(lot)![s]).sort((a, b) => a - b);
    const release = alone.map((r, i) => Math.max(r, completion[i]));
    const plants = stepCapacities(problem, split, booked, s, release[0]);
    const slots = (a: number, b: number) => {
      let total = 0;
      for (const plant of plants) total += plant.within(a, b).slots;
      return total;
    };
    // The least T with `need` slots in [from, T]: slots grow with T, the last gap is unbounded.
    const earliest = (from: number, need: number) => {
      let lo = from;
      let hi = from + 1;
      while (slots(from, hi) < need) hi = from + 2 * (hi - from);
      while (lo < hi) {
        const mid = Math.floor((lo + hi) / 2);
        if (slots(from, mid) >= need) hi = mid;
        else lo = mid + 1;
      }
      return lo;
    };
    const next = new Array<number>(lots);
    let last = 0;
    let at = 0;
    for (const j of sampled) {
      let c = at > 0 ? next[at - 1] : release[0];
      for (const i of ranks(j)) c = Math.max(c, earliest(release[i - 1], j - i + 1));
      for (; at < j; at++) next[at] = at === j - 1 ? c : last;
      last = c;
    }
    completion = next;
    const tail = Math.min(...split.lots.map((lot) => lot.durationTail[s + 1]));
    bound = Math.max(bound, completion[lots - 1] + tail);
  }
  return bound;
}

/**
 * A cost no plan of the split finishing by the expected time can undercut: per step, every
 * lot's operation must fit some plant's free pieces between the earliest ready time for the
 * step and the expected time minus the shortest tail after it, each plant holding at most
 * floor(piece / its shortest operation) per piece. Filling those slots with the largest lots on
 * the cheapest plants first is the least that relaxed assignment costs (cost grows with
 * quantity alike on every plant); the steps' least costs add up. Infinity when the slots are
 * too few.
 */
export function capacityCostBound(
  problem: SuggestProblem,
  split: Split,
  booked: IntervalList[],
  readyByTable: Map<LotTable, number[]>,
): number {
  const bySize = split.lots
    .map((_, i) => i)
    .sort((a, b) => split.quantities[b] - split.quantities[a]);
  let total = 0;
  problem.steps.forEach((options, s) => {
    const from = Math.min(...split.lots.map((lot) => readyByTable.get(lot)![s]));
    const to = problem.expectedTime - Math.min(...split.lots.map((lot) => lot.durationTail[s + 1]));
    const room = stepCapacities(problem, split, booked, s, from).map(
      (plant) => plant.within(from, to).slots,
    );
    const cheapestFirst = options
      .map((o, i) => i)
      .sort((a, b) => options[a].unitCost.comparedTo(options[b].unitCost));
    let k = 0;
    for (const lot of bySize) {
      while (k < cheapestFirst.length && room[cheapestFirst[k]] === 0) k++;
      if (k === cheapestFirst.length) {
        total = Infinity;
        return;
      }
      room[cheapestFirst[k]]--;
      total += split.lots[lot].cost[s][cheapestFirst[k]];
    }
  });
  return total;
}
