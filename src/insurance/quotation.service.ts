import type { EntityManager } from '@mikro-orm/postgresql';
import type { RequestContext } from '../context.ts';
import { catalogHistory } from '../platform/catalog/catalog-history.service.ts';
import { catalogPayload, created, lockById } from '../platform/catalog/catalog-write.ts';
import { BusinessError, ErrorCode } from '../platform/errors.ts';
import { isUuid } from '../platform/ids.ts';
import { InputChecks } from '../platform/input.rules.ts';
import { toMoneyString } from '../platform/money.ts';
import { noticeToOrders } from '../platform/orders/order-notices.ts';
import { ORDER_LIMITS } from './insurance-pricing.rules.ts';
import type { QuotationPayload } from './insurance-catalog.types.ts';
import { InsurancePlanItem, Quotation, QuotedItem } from './plan.entity.ts';
import { Vehicle } from './vehicle.entity.ts';
import type { CreateQuotationInput } from './vehicle-registry.input.ts';

const DAY_MS = 24 * 3600 * 1000;
/** How long a quotation may be valid, and how far back its window may start. */
export const QUOTATION_LIMITS = { validDays: 366, backdateDays: 1 };

/**
 * Staff quote a vehicle's price of plan items for a validity window (OPERATOR and ADMIN: it
 * is underwriters' work). A quotation's prices never change; staff may withdraw it, which
 * ends its window at once, and each unpaid order placed on it hears so live (a
 * QUOTATION_WITHDRAWN event): neither it nor a new order can be paid for on it any more.
 */
export class QuotationEditor {
  createQuotation(ctx: RequestContext, input: CreateQuotationInput): Promise<QuotationPayload> {
    return catalogPayload(ctx, 'quotation', (em, actor) => this.addQuotation(em, actor, input));
  }

  withdrawQuotation(ctx: RequestContext, quotationId: string): Promise<QuotationPayload> {
    return catalogPayload(ctx, 'quotation', (em, actor) => this.withdraw(em, actor, quotationId));
  }

  /**
   * A quotation of 1 to 100 distinct plan items at this vehicle's prices, valid from
   * `validFrom` (issue time if left out, at most a day before it) until `validUntil` (after
   * both, at most 366 days after validFrom). `issuedAt` is now, except for the demo data.
   */
  async addQuotation(
    em: EntityManager,
    actorId: string | null,
    input: CreateQuotationInput,
    options: { id?: string; issuedAt?: Date } = {},
  ): Promise<Quotation> {
    const vehicle = isUuid(input.vehicleId) ? await em.findOne(Vehicle, input.vehicleId) : null;
    if (!vehicle) {
      throw BusinessError.of(ErrorCode.NOT_FOUND, 'No vehicle has this id.', [
        'input',
        'vehicleId',
      ]);
    }
    const issuedAt = options.issuedAt ?? new Date();
    const checks = new InputChecks();
    const validFrom = input.validFrom ?? issuedAt;
    if (validFrom.getTime() < issuedAt.getTime() - QUOTATION_LIMITS.backdateDays * DAY_MS) {
      checks.add(ErrorCode.INVALID_INPUT, 'validFrom may be at most a day back.', [
        'input',
        'validFrom',
      ]);
    }
    const until = input.validUntil.getTime();
    if (until <= validFrom.getTime() || until <= issuedAt.getTime()) {
      checks.add(ErrorCode.INVALID_INPUT, 'validUntil must be after validFrom and now.', [
        'input',
        'validUntil',
      ]);
    } else if (until > validFrom.getTime() + QUOTATION_LIMITS.validDays * DAY_MS) {
      checks.add(
        ErrorCode.INVALID_INPUT,
        `A quotation is valid for at most ${QUOTATION_LIMITS.validDays} days.`,
        ['input', 'validUntil'],
      );
    }
    const items = await this.checkItems(em, input, checks);
    checks.throwIfAny();
    const quotation = em.create(Quotation, {
      id: options.id ?? crypto.randomUUID(),
      vehicleId: vehicle.id,
      createdAt: issuedAt,
      validFrom,
      validUntil: input.validUntil,
      withdrawnAt: null,
    });
    await em.flush();
    for (const item of items) {
      em.create(QuotedItem, { id: crypto.randomUUID(), quotationId: quotation.id, ...item });
    }
    catalogHistory.record(em, {
      entityType: 'QUOTATION',
      entityId: quotation.id,
      actorId,
      action: 'CREATED',
      changes: created({
        vehicleId: vehicle.id,
        validFrom,
        validUntil: input.validUntil,
        items: items.map((i) => ({ planItemId: i.planItemId, price: toMoneyString(i.price) })),
      }),
    });
    return quotation;
  }

  /** Ends a quotation's window now; INVALID_TRANSITION when it has ended already. */
  async withdraw(
    em: EntityManager,
    actorId: string | null,
    quotationId: string,
  ): Promise<Quotation> {
    const quotation = await lockById(em, Quotation, quotationId, isUuid, {
      message: 'No quotation has this id.',
      field: ['quotationId'],
    });
    const now = new Date();
    if (quotation.withdrawnAt || quotation.validUntil <= now) {
      throw BusinessError.of(
        ErrorCode.INVALID_TRANSITION,
        'This quotation has ended already: it was withdrawn or its window is past.',
        ['quotationId'],
      );
    }
    quotation.withdrawnAt = now;
    catalogHistory.record(em, {
      entityType: 'QUOTATION',
      entityId: quotation.id,
      actorId,
      action: 'WITHDRAWN',
      changes: { withdrawnAt: { from: null, to: now.toISOString() } },
    });
    const pending = await em.execute<{ order_id: string }[]>(
      `select x.order_id from (
          select order_id, quotation_id from plan_order_ext where vehicle_id = ?
          union all select order_id, quotation_id from sale_order_ext where vehicle_id = ?
        ) x join orders o on o.id = x.order_id
        where x.quotation_id = ? and o.status = 'PENDING_PAYMENT'`,
      [quotation.vehicleId, quotation.vehicleId, quotation.id],
    );
    await noticeToOrders(
      em,
      pending.map((p) => p.order_id),
      'QUOTATION_WITHDRAWN',
      actorId,
      {
        quotationId: quotation.id,
        withdrawnAt: now.toISOString(),
      },
    );
    return quotation;
  }

  /** The items at their quoted prices: 1 to 100, each a known plan item, none twice. */
  private async checkItems(em: EntityManager, input: CreateQuotationInput, checks: InputChecks) {
    const items: Pick<QuotedItem, 'planItemId' | 'price'>[] = [];
    if (!checks.list(input.items, ORDER_LIMITS.itemsPerOrder, 'Items', ['input', 'items'])) {
      return items;
    }
    const wanted = [...new Set(input.items.map((i) => i.planItemId).filter(isUuid))];
    const known = new Set(
      (wanted.length ? await em.find(InsurancePlanItem, { id: { $in: wanted } }) : []).map(
        (i) => i.id,
      ),
    );
    input.items.forEach((item, i) => {
      const at = ['input', 'items', i];
      if (!known.has(item.planItemId)) {
        checks.add(ErrorCode.NOT_FOUND, 'No plan item has this id.', [...at, 'planItemId']);
      } else if (items.some((other) => other.planItemId === item.planItemId)) {
        checks.add(ErrorCode.INVALID_INPUT, 'This item is quoted twice.', [...at, 'planItemId']);
      } else {
        const price = checks.money(item.price, 'The price', [...at, 'price']);
        items.push({ planItemId: item.planItemId, price });
      }
    });
    return items;
  }
}

export const quotationEditor = new QuotationEditor();
