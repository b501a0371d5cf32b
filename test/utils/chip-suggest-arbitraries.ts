import fc from 'fast-check';
import { Decimal } from '../../src/platform/money.ts';
import type { ExistingBooking } from '../../src/chip/chip-plan.types.ts';
import type { ChipOptions, SuggestRequest } from '../../src/chip/suggest/suggest-plans.rules.ts';
import { SuggestObjective } from '../../src/chip/suggest/suggest-problem.rules.ts';
import { PlantStatus } from '../../src/chip/plant.entity.ts';

/**
 * Small random factories for the suggester's tests: a chip of 1-3 steps over a few plants,
 * random calendars and maintenance, a few small lots, and a brute-force search that tries
 * every plant and every start tick, independent of the suggester's own reasoning.
 */

export interface Instance {
  options: ChipOptions;
  bookings: Map<number, ExistingBooking[]>;
  now: number;
  request: SuggestRequest;
}

const money = fc.integer({ min: 1, max: 40 }).map((n) => new Decimal(n).div(2));
const unitTime = fc.constantFrom('0.5', '1', '1.5', '2', '3').map((t) => new Decimal(t));

/** Disjoint [start, end) intervals inside [0, horizon), sorted. */
function calendar(horizon: number) {
  return fc
    .uniqueArray(fc.integer({ min: 0, max: horizon - 1 }), { maxLength: 8 })
    .chain((cuts) => {
      const points = [...cuts].sort((a, b) => a - b);
      const out: { start: number; end: number }[] = [];
      points.forEach((p, i) => {
        if (out.length === 0 || p >= out[out.length - 1].end) {
          out.push({ start: p, end: Math.min(horizon, p + 1 + (i % 3)) });
        }
      });
      return fc.constant(out);
    });
}

export function instances(options: { maxOps: number; horizon: number; maxLots?: number }) {
  return fc
    .record({
      plants: fc.integer({ min: 2, max: 4 }),
      steps: fc.integer({ min: 1, max: 3 }),
      now: fc.integer({ min: 0, max: 4 }),
      seedLots: fc.array(fc.integer({ min: 1, max: 3 }), {
        minLength: 1,
        maxLength: options.maxLots ?? 3,
      }),
    })
    .chain(({ plants, steps, now, seedLots }) => {
      const lots = seedLots.slice(0, Math.max(1, Math.floor(options.maxOps / steps)));
      return fc.record({
        now: fc.constant(now),
        lots: fc.constant(lots),
        statuses: fc.array(
          fc.oneof(
            { arbitrary: fc.constant(PlantStatus.RUNNING), weight: 4 },
            { arbitrary: fc.constant(PlantStatus.MAINTENANCE), weight: 1 },
          ),
          { minLength: plants, maxLength: plants },
        ),
        capable: fc.array(
          fc.uniqueArray(fc.integer({ min: 0, max: plants - 1 }), { minLength: 1, maxLength: 3 }),
          { minLength: steps, maxLength: steps },
        ),
        figures: fc.array(fc.tuple(money, unitTime), {
          minLength: steps * plants,
          maxLength: steps * plants,
        }),
        calendars: fc.array(calendar(options.horizon), { minLength: plants, maxLength: plants }),
        budget: fc.option(
          fc.integer({ min: 20, max: 400 }).map((n) => new Decimal(n)),
          {
            nil: undefined,
          },
        ),
        expectedTime: fc.option(
          fc.integer({ min: options.horizon / 4, max: options.horizon + 6 }),
          {
            nil: undefined,
          },
        ),
        objective: fc.constantFrom(
          SuggestObjective.CHEAPEST,
          SuggestObjective.EARLIEST_FINISH,
          SuggestObjective.WEIGHTED,
        ),
        tickPrice: money,
        k: fc.integer({ min: 1, max: 3 }),
      });
    })
    .map((r): Instance => {
      const plants = r.statuses.map((status, i) => ({ id: 10 + i, name: `P${i}`, status }));
      const capabilities = r.capable.flatMap((list, s) =>
        list.map((p) => {
          const [unitCost, time] = r.figures[s * plants.length + p];
          return { step: s + 1, plantId: 10 + p, unitCost, unitTime: time };
        }),
      );
      const bookings = new Map(
        r.calendars.map((list, i) => [
          10 + i,
          list.map((b, n) => ({ plantId: 10 + i, orderId: `o${n}`, lot: 0, step: 1, ...b })),
        ]),
      );
      return {
        options: { chip: { id: 1, name: 'T1', stepCount: r.capable.length }, plants, capabilities },
        bookings,
        now: r.now,
        request: {
          splits: [r.lots],
          budget: r.budget,
          expectedTime: r.expectedTime,
          objective: r.objective,
          tickPrice: r.objective === SuggestObjective.WEIGHTED ? r.tickPrice : undefined,
          k: r.k,
        },
      };
    });
}

export interface BruteForceBest {
  /** The objective's least value over every feasible plan; undefined when there is none. */
  best?: number;
  /** The least cost and finish among the plans the search reached (pruned by the objective). */
  minCost?: number;
  minFinish?: number;
}

/**
 * Every plan, tick by tick: each operation of each lot (in lot, step order) on every usable
 * plant at every start from the clock to a horizon past every booking, kept when it overlaps
 * nothing, follows its lot's previous step, ends by the expected time and fits the budget.
 * Money in cents; the score as the suggester defines it. A partial plan already scoring worse
 * than the best complete one is not followed (scores only grow as operations are added).
 */
export function bruteForce(instance: Instance): BruteForceBest {
  const { options, bookings, now, request } = instance;
  const quantities = request.splits[0];
  const usable = options.plants.filter((p) => p.status !== PlantStatus.MAINTENANCE);
  const stepOptions = Array.from({ length: options.chip.stepCount }, (_, s) =>
    options.capabilities.filter((c) => c.step === s + 1 && usable.some((p) => p.id === c.plantId)),
  );
  const ops = quantities.flatMap((q, lot) => stepOptions.map((_, s) => ({ lot, s, q })));
  const lastBooking = Math.max(0, ...[...bookings.values()].flat().map((b) => b.end));
  const longest = ops.reduce(
    (t, op) =>
      t + Math.max(0, ...stepOptions[op.s].map((c) => c.unitTime.times(op.q).ceil().toNumber())),
    0,
  );
  const horizon = Math.min(request.expectedTime ?? Infinity, Math.max(now, lastBooking) + longest);
  const budget = request.budget ? request.budget.times(100).toNumber() : Infinity;
  const price = request.tickPrice ? request.tickPrice.times(100).toNumber() : 0;
  const busy = new Map<number, { start: number; end: number }[]>(
    usable.map((p) => [p.id, [...(bookings.get(p.id) ?? [])]]),
  );
  const out: BruteForceBest = {};
  const lotEnd: number[] = quantities.map(() => now);
  const scoreOf = (cost: number, finish: number) =>
    request.objective === SuggestObjective.CHEAPEST
      ? cost
      : request.objective === SuggestObjective.EARLIEST_FINISH
        ? finish
        : cost + price * (finish - now);
  const visit = (i: number, cost: number, finish: number) => {
    // Cost and finish only grow deeper down: a partial plan already worse cannot become best.
    if (cost > budget || scoreOf(cost, finish) > (out.best ?? Infinity)) return;
    if (i === ops.length) {
      const score = scoreOf(cost, finish);
      out.best = Math.min(out.best ?? Infinity, score);
      out.minCost = Math.min(out.minCost ?? Infinity, cost);
      out.minFinish = Math.min(out.minFinish ?? Infinity, finish);
      return;
    }
    const { lot, s, q } = ops[i];
    for (const c of stepOptions[s]) {
      const d = c.unitTime.times(q).ceil().toNumber();
      const list = busy.get(c.plantId)!;
      for (let start = lotEnd[lot]; start + d <= horizon; start++) {
        if (list.some((b) => b.start < start + d && start < b.end)) continue;
        const saved = lotEnd[lot];
        lotEnd[lot] = start + d;
        list.push({ start, end: start + d });
        visit(i + 1, cost + c.unitCost.times(q).times(100).toNumber(), Math.max(finish, start + d));
        list.pop();
        lotEnd[lot] = saved;
      }
    }
  };
  visit(0, 0, now);
  return out;
}
