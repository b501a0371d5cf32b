import type { EntityManager } from '@mikro-orm/postgresql';
import type { RequestContext } from '../context.ts';
import { requireViewer } from '../platform/auth/roles.ts';
import { bank } from '../platform/bank/bank.service.ts';
import { BusinessError, ErrorCode, badInput, userError } from '../platform/errors.ts';
import { runIdempotent } from '../platform/idempotency/idempotency.service.ts';
import { OrderKind } from '../platform/orders/order.entity.ts';
import { committedOrder, createOrder } from '../platform/orders/order-lifecycle.ts';
import type { ChipOrderPayload } from './chip-order.types.ts';
import { chipOrders } from './chip-order.service.ts';
import type { ChipPlanInput } from './chip-plan.input.ts';
import { MAX_LOTS, MAX_STEPS, MAX_TICK } from './chip-plan.input.ts';
import { computeKpi, kpiOutOfRange } from './chip-plan-kpi.rules.ts';
import type { Plan, ScheduledLot } from './chip-plan.types.ts';
import {
  bookingWindows,
  insertBookings,
  loadOverlappingBookings,
  loadPlanCatalog,
  scheduleRows,
} from './chip-plan.repository.ts';
import {
  judgeClashes,
  judgeLots,
  judgeTotals,
  listedViolations,
  sortViolations,
} from './chip-plan.rules.ts';
import { yieldToEventLoop } from '../platform/event-loop.ts';
import { ChipPlanAnalysis, PlanViolation, PlanViolationCode } from './chip-plan.types.ts';
import { productionClock } from './production-clock.service.ts';

/** A confirmation refused because its plan is not feasible now; carries the analysis. */
class PlanInfeasibleError extends BusinessError {
  constructor(readonly analysis: ChipPlanAnalysis) {
    super([
      userError(
        ErrorCode.PLAN_INFEASIBLE,
        `The plan is not feasible: ${analysis.violationCount} violation(s), see analysis.violations.`,
        ['input'],
      ),
    ]);
  }
}

/** SQLSTATE 23P01: the bookings' exclusion constraint refused an overlap. */
function isBookingConflict(err: unknown): boolean {
  return (err as { code?: string } | null)?.code === '23P01';
}

interface Judged {
  analysis: ChipPlanAnalysis;
  /** Every lot fully scheduled (present when the KPIs are). */
  lots?: ScheduledLot[];
  chipIds: Map<string, number>;
}

/**
 * Chip plans: `analyze` is the first confirmation (judge, KPIs, nothing saved);
 * `confirm` the second (judge again against the bookings as they are, debit, book, all in
 * one transaction, at most once per idempotency key). The rules live in chip-plan.rules.ts,
 * the KPIs in chip-plan-kpi.rules.ts; this service reads what they need and writes what they allow.
 */
export class ChipPlanService {
  async analyze(ctx: RequestContext, input: ChipPlanInput): Promise<ChipPlanAnalysis> {
    const plan = toPlan(input);
    return (await this.judge(ctx.em, plan, await productionClock.now(ctx.em), false)).analysis;
  }

  async confirm(
    ctx: RequestContext,
    input: ChipPlanInput,
    idempotencyKey: string,
  ): Promise<ChipOrderPayload> {
    const viewer = requireViewer(ctx);
    const plan = toPlan(input);
    let judged: ChipPlanAnalysis | undefined;
    // Drawn now, so the key's claim stores the result and the transaction's end writes nothing.
    const orderId = crypto.randomUUID();
    const request = {
      consumerId: viewer.id,
      key: idempotencyKey,
      operation: 'confirmChipOrder',
      input: planHashInput(plan),
      result: { orderId },
    };
    try {
      return await runIdempotent<{ orderId: string }, ChipOrderPayload>(
        ctx.em,
        request,
        async (tx) => {
          // The clock and the plants stay as judged until commit; bookings are guarded by
          // the exclusion constraint.
          const now = await productionClock.now(tx, { forShare: true });
          const { analysis, lots, chipIds } = await this.judge(tx, plan, now, true);
          judged = analysis;
          if (!analysis.feasible || !analysis.kpi || !lots) throw new PlanInfeasibleError(analysis);
          const kpi = analysis.kpi;
          // The order, its event and its schedule in one statement; the bookings after the debit.
          const order = await createOrder(
            tx,
            {
              id: orderId,
              kind: OrderKind.CHIP,
              consumerId: viewer.id,
              payment: kpi.totalCost,
              actorId: viewer.id,
              data: {
                totalCost: kpi.totalCost.toFixed(2),
                lots: lots.length,
                finishTime: kpi.finishTime,
              },
            },
            ({ id }) => scheduleRows(id, plan, lots, chipIds),
          );
          await bank.debit(tx, viewer.id, kpi.totalCost, `Chip order ${order.orderNo}`, order.id);
          await insertBookings(tx, order.id, lots);
          return { stored: { orderId }, payload: { order, analysis, errors: [] } };
        },
        async (stored) => ({
          order: await committedOrder(ctx.em, stored.orderId),
          analysis: await chipOrders.storedAnalysis(ctx, stored.orderId),
          errors: [],
        }),
        (err) =>
          err instanceof PlanInfeasibleError
            ? { analysis: err.analysis, errors: err.errors }
            : { analysis: judged ?? null, errors: err.errors },
      );
    } catch (err) {
      if (isBookingConflict(err)) return this.lostRace(ctx, plan);
      throw err;
    }
  }

  /**
   * Another confirmation booked the same plant time between our judgement and our insert, and
   * the database refused ours. Judge again against what is committed now, so the client sees
   * the booking that won.
   */
  private async lostRace(ctx: RequestContext, plan: Plan): Promise<ChipOrderPayload> {
    const em = ctx.em.fork();
    const { analysis } = await this.judge(em, plan, await productionClock.now(em), false);
    if (!analysis.violations.some((v) => v.code === PlanViolationCode.PLANT_BUSY)) {
      analysis.violations.push(
        Object.assign(new PlanViolation(), {
          code: PlanViolationCode.PLANT_BUSY,
          message: 'A plant of this plan was booked by another order at the same moment.',
          lot: null,
          step: null,
          plantName: null,
        }),
      );
      analysis.violationCount += 1;
      analysis.feasible = false;
    }
    return { analysis, errors: new PlanInfeasibleError(analysis).errors };
  }

  /**
   * Reads what the rules need and applies them all. A plan of 1000 lots takes some 0.1 s of
   * rules: the event loop is given back between them, so other requests are served meanwhile.
   */
  private async judge(em: EntityManager, plan: Plan, now: number, lock: boolean): Promise<Judged> {
    const catalog = await loadPlanCatalog(em, plan, { lockPlants: lock });
    const lotJudgement = judgeLots(plan, catalog, now);
    await yieldToEventLoop();
    const operations = lotJudgement.timed.flat();
    const bookings = await loadOverlappingBookings(em, bookingWindows(operations));
    const clashes = judgeClashes(operations, bookings);
    await yieldToEventLoop();
    const totals = judgeTotals(plan, lotJudgement.timed, lotJudgement.complete);
    await yieldToEventLoop();
    const violations = sortViolations([...lotJudgement.violations, ...clashes, ...totals]);
    await yieldToEventLoop();
    const chipIds = new Map([...catalog.chips.values()].map((c) => [c.name, c.id]));
    // KPIs need every lot scheduled, and ticks a GraphQL Int can carry (beyond that the plan
    // is LATE anyway, since expectedTime is an Int).
    const expressible = operations.every((op) => op.end <= MAX_TICK);
    const lots: ScheduledLot[] | undefined =
      lotJudgement.complete && expressible
        ? plan.lots.map((lot, index) => ({
            lot: index,
            packageId: lot.packageId,
            chipName: lot.chipName,
            quantity: lot.quantity,
            operations: lotJudgement.timed[index],
          }))
        : undefined;
    const kpi = lots ? computeKpi(lots, plan.budget, plan.expectedTime) : null;
    // Ends fit an Int, but sums and differences of them may not (two lots each waiting 2e9
    // ticks): refused before anything is written, so a confirmation never debits for them.
    const overflow = kpi && kpiOutOfRange(kpi);
    if (overflow) {
      throw badInput(
        `The plan's ${overflow.figure} would be ${overflow.value} ticks, beyond what a GraphQL Int carries (${-MAX_TICK - 1} to ${MAX_TICK}); bring its start times closer together.`,
        { field: ['input'], figure: overflow.figure },
      );
    }
    const analysis = Object.assign(new ChipPlanAnalysis(), {
      feasible: violations.length === 0,
      violations: listedViolations(violations),
      violationCount: violations.length,
      kpi,
    });
    return { analysis, lots, chipIds };
  }
}

/** Checks what validation decorators cannot (budget sign) and copies the input into a Plan. */
function toPlan(input: ChipPlanInput): Plan {
  if (input.lots.length > MAX_LOTS) {
    throw badInput(`A plan holds at most ${MAX_LOTS} lots.`, { field: ['input', 'lots'] });
  }
  input.lots.forEach((lot, i) => {
    if (lot.plantNames.length > MAX_STEPS || lot.startTimes.length > MAX_STEPS) {
      throw badInput(`A lot lists at most ${MAX_STEPS} steps.`, { field: ['input', 'lots', i] });
    }
  });
  if (!input.budget.gt(0)) {
    throw badInput('budget must be positive.', { field: ['input', 'budget'] });
  }
  if (input.expectedTime < 0) {
    throw badInput('expectedTime must not be negative.', { field: ['input', 'expectedTime'] });
  }
  return {
    budget: input.budget,
    expectedTime: input.expectedTime,
    lots: input.lots.map((lot) => ({
      packageId: lot.packageId ?? null,
      chipName: lot.chipName,
      quantity: lot.quantity,
      plantNames: [...lot.plantNames],
      startTimes: [...lot.startTimes],
    })),
  };
}

/** Plain JSON of the plan: what the idempotency key's request hash is taken over. */
function planHashInput(plan: Plan) {
  return { ...plan, budget: plan.budget.toFixed(2) };
}

export const chipPlans = new ChipPlanService();
