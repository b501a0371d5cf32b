import type { EntityManager } from '@mikro-orm/postgresql';
import type { RequestContext } from '../context.ts';
import {
  catalogPayload,
  editAtVersion,
  recordCreated,
  type UniqueField,
} from '../platform/catalog/catalog-write.ts';
import { BusinessError, ErrorCode } from '../platform/errors.ts';
import { isUuid } from '../platform/ids.ts';
import { InputChecks } from '../platform/input.rules.ts';
import { noticeToOrders } from '../platform/orders/order-notices.ts';
import type {
  InsurancePlanItemPayload,
  InsurancePlanPayload,
  PromotionPayload,
} from './insurance-catalog.types.ts';
import { InsurancePlan, InsurancePlanItem, Promotion } from './plan.entity.ts';
import type {
  AddInsurancePlanItemInput,
  CreateInsurancePlanInput,
  CreatePromotionInput,
  UpdateInsurancePlanInput,
  UpdateInsurancePlanItemInput,
  UpdatePromotionInput,
} from './plan-catalog.input.ts';

/** Sizes the tables' CHECKs also hold. */
export const PLAN_CATALOG_LIMITS = { name: 100, itemsPerPlan: 50, position: 1_000_000 };

const unique = (constraint: string, message: string): UniqueField[] => [
  { constraint, field: ['input', 'name'], message },
];
const PLAN_NAMES = unique('insurance_plans_name_key', 'Another plan has this name.');
const ITEM_NAMES = unique(
  'insurance_plan_items_plan_id_name_key',
  'The plan already has an item of this name.',
);
const PROMOTION_NAMES = unique('promotions_name_key', 'Another promotion has this name.');

/** Ids the demo data fixes; the API always makes new ones. */
export interface FixedIds {
  id?: string;
  itemIds?: string[];
}

/** The row to edit: NOT_FOUND at `input.<field>` for an id no `what` has. */
const target = (id: string, what: string, field: string, expectedVersion: number) => ({
  id,
  validId: isUuid,
  notFound: { message: `No ${what} has this id.`, field: ['input', field] },
  expectedVersion,
});

/**
 * ADMIN's changes to the insurance catalogue: plans, their items and list prices, promotions.
 * Each runs in one transaction with its history entry; edits lock the row and apply only at
 * the version read (else STALE_UPDATE). List prices never touch quotations or orders; a
 * promotion's change is announced live on the unpaid plan orders that use it, which must then
 * be placed again (payment checks the price again). The `add*`/`change*` methods are the rules
 * on the caller's transaction (the demo data loads through them).
 */
export class PlanCatalogEditor {
  createPlan(ctx: RequestContext, input: CreateInsurancePlanInput): Promise<InsurancePlanPayload> {
    return catalogPayload(ctx, 'plan', (em, actor) => this.addPlan(em, actor, input), PLAN_NAMES);
  }

  updatePlan(ctx: RequestContext, input: UpdateInsurancePlanInput): Promise<InsurancePlanPayload> {
    return catalogPayload(
      ctx,
      'plan',
      (em, actor) => this.changePlan(em, actor, input),
      PLAN_NAMES,
    );
  }

  addItem(
    ctx: RequestContext,
    input: AddInsurancePlanItemInput,
  ): Promise<InsurancePlanItemPayload> {
    return catalogPayload(
      ctx,
      'item',
      (em, actor) => this.addPlanItem(em, actor, input),
      ITEM_NAMES,
    );
  }

  updateItem(
    ctx: RequestContext,
    input: UpdateInsurancePlanItemInput,
  ): Promise<InsurancePlanItemPayload> {
    return catalogPayload(
      ctx,
      'item',
      (em, actor) => this.changePlanItem(em, actor, input),
      ITEM_NAMES,
    );
  }

  createPromotion(ctx: RequestContext, input: CreatePromotionInput): Promise<PromotionPayload> {
    return catalogPayload(
      ctx,
      'promotion',
      (em, actor) => this.addPromotion(em, actor, input),
      PROMOTION_NAMES,
    );
  }

  updatePromotion(ctx: RequestContext, input: UpdatePromotionInput): Promise<PromotionPayload> {
    return catalogPayload(
      ctx,
      'promotion',
      (em, actor) => this.changePromotion(em, actor, input),
      PROMOTION_NAMES,
    );
  }

  /** A plan with its first items (1 to 50, distinct names), listed last unless placed. */
  async addPlan(
    em: EntityManager,
    actorId: string | null,
    input: CreateInsurancePlanInput,
    ids: FixedIds = {},
  ): Promise<InsurancePlan> {
    const checks = new InputChecks();
    const { name: maxName, itemsPerPlan, position: maxPosition } = PLAN_CATALOG_LIMITS;
    const name = checks.text(input.name, maxName, 'The name', ['input', 'name']);
    if (input.position != null) {
      checks.int(input.position, 0, maxPosition, 'The position', ['input', 'position']);
    }
    const items: { name: string; price: InsurancePlanItem['price'] }[] = [];
    if (checks.list(input.items, itemsPerPlan, 'Items', ['input', 'items'])) {
      input.items.forEach((item, i) => {
        const at = ['input', 'items', i];
        const itemName = checks.text(item.name, maxName, 'The item name', [...at, 'name']);
        if (items.some((other) => other.name === itemName)) {
          checks.add(ErrorCode.INVALID_INPUT, `Item "${itemName}" is listed twice.`, [
            ...at,
            'name',
          ]);
        }
        items.push({
          name: itemName,
          price: checks.money(item.price, 'The price', [...at, 'price']),
        });
      });
    }
    checks.throwIfAny();
    const [{ next }] = await em.execute<{ next: number }[]>(
      `select coalesce(max(position), 0) + 1 as next from insurance_plans`,
    );
    const plan = em.create(InsurancePlan, {
      id: ids.id ?? crypto.randomUUID(),
      name,
      position: input.position ?? next,
      createdAt: new Date(),
      version: 1,
    });
    recordCreated(
      em,
      { entityType: 'INSURANCE_PLAN', entityId: plan.id, actorId },
      { name, position: plan.position },
    );
    await em.flush();
    for (const [position, item] of items.entries()) {
      this.newItem(em, actorId, plan.id, item, position, ids.itemIds?.[position]);
    }
    return plan;
  }

  async changePlan(
    em: EntityManager,
    actorId: string | null,
    input: UpdateInsurancePlanInput,
  ): Promise<InsurancePlan> {
    const { name: maxName, position: maxPosition } = PLAN_CATALOG_LIMITS;
    const { row } = await editAtVersion(em, actorId, {
      entity: InsurancePlan,
      entityType: 'INSURANCE_PLAN',
      ...target(input.planId, 'plan', 'planId', input.expectedVersion),
      named: (plan) => `Plan "${plan.name}"`,
      patch: (checks) => ({
        name: checks.optionalText(input.name, maxName, 'The name', ['input', 'name']),
        position:
          input.position == null
            ? undefined
            : checks.int(input.position, 0, maxPosition, 'The position', ['input', 'position']),
      }),
    });
    return row;
  }

  /** One more item of a plan, listed after its others. */
  async addPlanItem(
    em: EntityManager,
    actorId: string | null,
    input: AddInsurancePlanItemInput,
    ids: FixedIds = {},
  ): Promise<InsurancePlanItem> {
    const plan = isUuid(input.planId) ? await em.findOne(InsurancePlan, input.planId) : null;
    if (!plan)
      throw BusinessError.of(ErrorCode.NOT_FOUND, 'No plan has this id.', ['input', 'planId']);
    const checks = new InputChecks();
    const name = checks.text(input.name, PLAN_CATALOG_LIMITS.name, 'The name', ['input', 'name']);
    const price = checks.money(input.price, 'The price', ['input', 'price']);
    checks.throwIfAny();
    const [{ next }] = await em.execute<{ next: number }[]>(
      `select coalesce(max(position), -1) + 1 as next from insurance_plan_items where plan_id = ?`,
      [plan.id],
    );
    return this.newItem(em, actorId, plan.id, { name, price }, next, ids.id);
  }

  async changePlanItem(
    em: EntityManager,
    actorId: string | null,
    input: UpdateInsurancePlanItemInput,
  ): Promise<InsurancePlanItem> {
    const { row } = await editAtVersion(em, actorId, {
      entity: InsurancePlanItem,
      entityType: 'INSURANCE_PLAN_ITEM',
      ...target(input.planItemId, 'plan item', 'planItemId', input.expectedVersion),
      named: (item) => `Item "${item.name}"`,
      patch: (checks) => ({
        name: checks.optionalText(input.name, PLAN_CATALOG_LIMITS.name, 'The name', [
          'input',
          'name',
        ]),
        price: checks.optionalMoney(input.price, 'The price', ['input', 'price']),
      }),
    });
    return row;
  }

  async addPromotion(
    em: EntityManager,
    actorId: string | null,
    input: CreatePromotionInput,
    ids: FixedIds = {},
  ): Promise<Promotion> {
    const checks = new InputChecks();
    const name = checks.text(input.name, PLAN_CATALOG_LIMITS.name, 'The name', ['input', 'name']);
    const price = checks.money(input.price, 'The price', ['input', 'price'], true);
    checks.throwIfAny();
    const promotion = em.create(Promotion, {
      id: ids.id ?? crypto.randomUUID(),
      name,
      price,
      active: true,
      createdAt: new Date(),
      version: 1,
    });
    recordCreated(
      em,
      { entityType: 'PROMOTION', entityId: promotion.id, actorId },
      { name, price },
    );
    return promotion;
  }

  /**
   * Renames, reprices or ends (active: false) a promotion. When its price or activity changes,
   * every unpaid plan order using it gets a PROMOTION_CHANGED event: its payment is now refused
   * as PRICE_MISMATCH, and it has to be placed again.
   */
  async changePromotion(
    em: EntityManager,
    actorId: string | null,
    input: UpdatePromotionInput,
  ): Promise<Promotion> {
    const { row: promotion, changes } = await editAtVersion(em, actorId, {
      entity: Promotion,
      entityType: 'PROMOTION',
      ...target(input.promotionId, 'promotion', 'promotionId', input.expectedVersion),
      named: (row) => `Promotion "${row.name}"`,
      patch: (checks) => ({
        name: checks.optionalText(input.name, PLAN_CATALOG_LIMITS.name, 'The name', [
          'input',
          'name',
        ]),
        price: checks.optionalMoney(input.price, 'The price', ['input', 'price'], true),
        active: input.active ?? undefined,
      }),
    });
    if (changes.price || changes.active) {
      const pending = await em.execute<{ order_id: string }[]>(
        `select x.order_id from plan_order_ext x join orders o on o.id = x.order_id
          where x.promotion_id = ? and o.status = 'PENDING_PAYMENT'`,
        [promotion.id],
      );
      await noticeToOrders(
        em,
        pending.map((p) => p.order_id),
        'PROMOTION_CHANGED',
        actorId,
        { promotionId: promotion.id, changes },
      );
    }
    return promotion;
  }

  private newItem(
    em: EntityManager,
    actorId: string | null,
    planId: string,
    item: { name: string; price: InsurancePlanItem['price'] },
    position: number,
    id: string = crypto.randomUUID(),
  ): InsurancePlanItem {
    const row = em.create(InsurancePlanItem, { id, planId, ...item, position, version: 1 });
    recordCreated(
      em,
      { entityType: 'INSURANCE_PLAN_ITEM', entityId: id, actorId },
      { planId, ...item, position },
    );
    return row;
  }
}

export const planCatalogEditor = new PlanCatalogEditor();
