import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  runToEnd,
  suggestPlans,
  SuggestObstacleCode,
} from '../../src/chip/suggest/suggest.rules.ts';
import {
  buildProblem,
  catalogOf,
  judgeSuggestion,
  planOf,
} from '../../src/chip/suggest/suggest-plans.rules.ts';
import { SuggestObjective } from '../../src/chip/suggest/suggest-problem.rules.ts';
import { bruteForce, type Instance, instances } from '../utils/chip-suggest-arbitraries.ts';

/** Runs the suggester with no time limit, so small instances are searched to the end. */
function suggest(instance: Instance, timeBudgetMs = Infinity) {
  const { problem, plantIds } = buildProblem(
    instance.options,
    instance.bookings,
    instance.now,
    instance.request,
  );
  const outcome = runToEnd(suggestPlans(problem, { timeBudgetMs }));
  const plans = outcome.plans.map((found) => ({
    found,
    plan: planOf(found, problem, instance.options, plantIds, instance.request),
  }));
  return { outcome, plans };
}

describe('the plan suggester on random small factories', () => {
  it('suggests only plans that the analysis rules find feasible', () => {
    fc.assert(
      fc.property(instances({ maxOps: 6, horizon: 40 }), (instance) => {
        const { plans } = suggest(instance);
        const catalog = catalogOf(instance.options);
        for (const { found, plan } of plans) {
          const judged = judgeSuggestion(plan, catalog, instance.now, instance.bookings);
          expect(judged.violations).toEqual([]);
          expect(judged.kpi!.totalCost.times(100).toNumber()).toBe(found.costCents);
          expect(judged.kpi!.finishTime).toBe(found.finish);
        }
      }),
      { numRuns: 300 },
    );
  });

  it('finds the optimum an exhaustive search over every plant and tick finds, and says so', () => {
    fc.assert(
      fc.property(instances({ maxOps: 4, horizon: 16 }), (instance) => {
        const brute = bruteForce(instance);
        const { outcome } = suggest(instance);
        if (brute.best === undefined) {
          expect(outcome.plans).toEqual([]);
          expect(outcome.obstacles.map((o) => o.code)).not.toContain(
            SuggestObstacleCode.TIME_BUDGET_EXHAUSTED,
          );
          return;
        }
        expect(outcome.plans.length).toBeGreaterThan(0);
        expect(outcome.plans[0].score[0]).toBe(brute.best);
        expect(outcome.optimal).toBe(true);
        expect(outcome.scoreLowerBound).toBeLessThanOrEqual(brute.best);
        expect(outcome.costLowerBoundCents).toBeLessThanOrEqual(brute.minCost!);
        expect(outcome.finishLowerBound).toBeLessThanOrEqual(brute.minFinish!);
        const scores = outcome.plans.map((p) => p.score[0]);
        expect(scores).toEqual([...scores].sort((a, b) => a - b));
      }),
      { numRuns: 200 },
    );
  });

  it('proves a plan optimal without searching when the greedy plan meets the bound', () => {
    fc.assert(
      fc.property(instances({ maxOps: 6, horizon: 40 }), (instance) => {
        instance.request = {
          ...instance.request,
          objective: SuggestObjective.CHEAPEST,
          budget: undefined,
          expectedTime: undefined,
          k: 1,
        };
        const { outcome } = suggest(instance);
        if (outcome.plans.length === 0) return;
        expect(outcome.optimal).toBe(true);
        expect(outcome.plans[0].score[0]).toBe(outcome.costLowerBoundCents);
      }),
      { numRuns: 100 },
    );
  });

  it('with no time left, returns the first greedy plan or says it ran out, never a false proof', () => {
    fc.assert(
      fc.property(instances({ maxOps: 4, horizon: 16 }), (instance) => {
        const brute = bruteForce(instance);
        const { outcome, plans } = suggest(instance, 0);
        const catalog = catalogOf(instance.options);
        for (const { plan } of plans) {
          expect(
            judgeSuggestion(plan, catalog, instance.now, instance.bookings).violations,
          ).toEqual([]);
        }
        if (brute.best !== undefined) {
          expect(outcome.obstacles.map((o) => o.code)).not.toContain(
            SuggestObstacleCode.NO_FEASIBLE_PLAN,
          );
          if (outcome.plans.length === 0) {
            expect(outcome.obstacles.map((o) => o.code)).toEqual([
              SuggestObstacleCode.TIME_BUDGET_EXHAUSTED,
            ]);
          }
          if (outcome.optimal) expect(outcome.plans[0].score[0]).toBe(brute.best);
          expect(outcome.scoreLowerBound ?? -Infinity).toBeLessThanOrEqual(brute.best);
        } else {
          expect(outcome.plans).toEqual([]);
        }
      }),
      { numRuns: 200 },
    );
  });

  it('never states a bound that a plan it found beats, with many lots on busy plants', () => {
    fc.assert(
      fc.property(instances({ maxOps: 60, horizon: 60, maxLots: 20 }), (instance) => {
        const { outcome, plans } = suggest(instance, 30);
        const catalog = catalogOf(instance.options);
        for (const { found, plan } of plans) {
          expect(
            judgeSuggestion(plan, catalog, instance.now, instance.bookings).violations,
          ).toEqual([]);
          expect(found.score[0]).toBeGreaterThanOrEqual(outcome.scoreLowerBound!);
          expect(found.costCents).toBeGreaterThanOrEqual(outcome.costLowerBoundCents!);
          expect(found.finish).toBeGreaterThanOrEqual(outcome.finishLowerBound!);
        }
        expect(outcome.optimal).toBe(
          plans.length > 0 && plans[0].found.score[0] === outcome.scoreLowerBound,
        );
      }),
      { numRuns: 60 },
    );
  });
});
