import type { EntityManager } from '@mikro-orm/postgresql';
import type { RequestContext } from '../../context.ts';
import { bank } from '../../platform/bank/bank.service.ts';
import { BusinessError, ErrorCode } from '../../platform/errors.ts';
import { toMoneyString } from '../../platform/money.ts';
import { type Order, OrderStatus } from '../../platform/orders/order.entity.ts';
import { transition } from '../../platform/orders/order-lifecycle.ts';
import { PlanOrderExt } from '../insurance-order.entity.ts';
import { setPeriod } from '../insurance-order-lifecycle.service.ts';
import { lockUnderwrite, recordEvent, underwriteWrite } from './underwrite.repository.ts';
import { type Underwrite, UnderwriteResult } from './underwrite.entity.ts';
import { checkClientTime, checkNotStale } from './underwrite.rules.ts';

/**
 * Underwriting results and the money that follows them (staff only; the caller becomes the
 * underwrite's operator).
 *
 * - submitUnderwriteResult: once, on a filled underwrite of an UNDERWRITING order. PASSED
 *   makes the order EFFECTIVE from expectAt for a year; FAILED makes it REJECTED and refunds
 *   everything paid for it.
 * - alterUnderwriteResult: corrects a result with a newer result time. PASSED → FAILED moves
 *   EFFECTIVE → REJECTED with a refund; FAILED → PASSED moves REJECTED → EFFECTIVE with a new
 *   debit of what was refunded, which fails with INSUFFICIENT_BALANCE and then changes
 *   nothing. An expired order's result can no longer change.
 */
export class UnderwriteResultService {
  submit(ctx: RequestContext, id: string, result: UnderwriteResult, at: Date) {
    return underwriteWrite(ctx, async ({ em, viewer, found }) => {
      const { order, underwrite } = await lockUnderwrite(em, viewer, id);
      if (underwrite.result) {
        return found.add(
          ErrorCode.INVALID_TRANSITION,
          `This underwrite already has the result ${underwrite.result}; correct it with alterUnderwriteResult.`,
          ['underwriteId'],
        );
      }
      if (order.status !== OrderStatus.UNDERWRITING) {
        return found.add(
          ErrorCode.INVALID_TRANSITION,
          `A result is submitted while underwriting; the order is ${order.status}.`,
          ['underwriteId'],
        );
      }
      if (underwrite.certificateState === null || underwrite.certificateState === undefined) {
        return found.add(
          ErrorCode.INVALID_TRANSITION,
          'The inspection has not been filled in yet (fillUnderwrite).',
          ['underwriteId'],
        );
      }
      checkClientTime(found, at, ['resultUpdateTime']);
      if (found.any) return;
      underwrite.realTime = new Date();
      const money = await this.apply(em, order, result, viewer.id);
      this.record(em, order, underwrite, result, at, viewer.id, { previous: null, ...money });
      return underwrite.id;
    });
  }

  alter(ctx: RequestContext, id: string, result: UnderwriteResult, at: Date) {
    return underwriteWrite(ctx, async ({ em, viewer, found }) => {
      const { order, underwrite } = await lockUnderwrite(em, viewer, id);
      const previous = underwrite.result;
      if (!previous) {
        return found.add(
          ErrorCode.INVALID_TRANSITION,
          'This underwrite has no result to alter yet; submit one with submitUnderwriteResult.',
          ['underwriteId'],
        );
      }
      // Checked here, not only in apply(): a "correction" to the same result skips apply but
      // would still rewrite the result time and operator of an expired order.
      if (order.status !== OrderStatus.EFFECTIVE && order.status !== OrderStatus.REJECTED) {
        return found.add(
          ErrorCode.INVALID_TRANSITION,
          `The result of a ${order.status} plan order can no longer change.`,
          ['underwriteId'],
        );
      }
      checkClientTime(found, at, ['resultUpdateTime']);
      checkNotStale(found, at, underwrite.resultUpdateTime, 'The result', ['resultUpdateTime']);
      if (found.any) return;
      const money = previous === result ? {} : await this.apply(em, order, result, viewer.id);
      this.record(em, order, underwrite, result, at, viewer.id, { previous, ...money });
      return underwrite.id;
    });
  }

  /** Moves the order to the result's status with its money and period; returns the ledger ids. */
  private async apply(
    em: EntityManager,
    order: Order,
    result: UnderwriteResult,
    actorId: string,
  ): Promise<Record<string, string>> {
    const from = order.status;
    const movable =
      result === UnderwriteResult.FAILED
        ? [OrderStatus.UNDERWRITING, OrderStatus.EFFECTIVE]
        : [OrderStatus.UNDERWRITING, OrderStatus.REJECTED];
    if (!movable.includes(from)) {
      throw BusinessError.of(
        ErrorCode.INVALID_TRANSITION,
        `The result of a ${from} plan order cannot become ${result} any more.`,
        ['underwriteId'],
      );
    }
    if (result === UnderwriteResult.FAILED) {
      const refund = await bank.refundOrder(
        em,
        order.consumer.id,
        order.id,
        `Refund of plan order ${order.orderNo}: underwriting failed`,
      );
      const money: Record<string, string> = refund
        ? { refundTransactionId: refund.id, refunded: toMoneyString(refund.amount) }
        : {};
      transition(em, order, OrderStatus.REJECTED, { actorId, data: money });
      await setPeriod(em, order, null);
      return money;
    }
    const money: Record<string, string> = {};
    if (from === OrderStatus.REJECTED) {
      // Take back what the rejection refunded (nothing when it was paid offline).
      const owed = order.payment.minus(await bank.netPaid(em, order.consumer.id, order.id));
      if (owed.gt(0) && (await this.wasPaidByBank(em, order))) {
        const debit = await bank.debit(
          em,
          order.consumer.id,
          owed,
          `Payment of plan order ${order.orderNo}: underwriting passed on review`,
          order.id,
        );
        Object.assign(money, { debitTransactionId: debit.id, debited: toMoneyString(owed) });
      }
    }
    const ext = await em.findOneOrFail(PlanOrderExt, { orderId: order.id }, { refresh: true });
    const period = await setPeriod(em, order, ext.expectAt);
    transition(em, order, OrderStatus.EFFECTIVE, {
      actorId,
      data: {
        ...money,
        startAt: period.startAt!.toISOString(),
        stopAt: period.stopAt!.toISOString(),
      },
    });
    return money;
  }

  private async wasPaidByBank(em: EntityManager, order: Order): Promise<boolean> {
    const [row] = await em.execute<{ n: string }[]>(
      `select count(*) as n from bank_transactions where order_id = ? and amount < 0`,
      [order.id],
    );
    return Number(row.n) > 0;
  }

  private record(
    em: EntityManager,
    order: Order,
    underwrite: Underwrite,
    result: UnderwriteResult,
    at: Date,
    actorId: string,
    data: Record<string, unknown>,
  ): void {
    Object.assign(underwrite, { result, resultUpdateTime: at, operatorId: actorId });
    recordEvent({ em, order, underwrite }, 'UNDERWRITE_RESULT', actorId, {
      result,
      resultUpdateTime: at.toISOString(),
      ...data,
    });
  }
}

export const underwriteResults = new UnderwriteResultService();
