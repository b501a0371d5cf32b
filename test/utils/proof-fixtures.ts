import { randomUUID } from 'node:crypto';
import {
  ProofAlterUnderwriteResultDocument,
  ProofCancelOrderDocument,
  ProofConfirmChipOrderDocument,
  ProofConfirmShopOrderDocument,
  ProofCreateUnderwriteDocument,
  ProofDepositDocument,
  ProofFillUnderwriteDocument,
  ProofPayOrderDocument,
  ProofPlaceAnDriverOrderDocument,
  ProofPlaceAnPlanOrderDocument,
  ProofPlaceAnSaleOrderDocument,
  ProofProductionClockDocument,
  ProofSubmitUnderwriteResultDocument,
  type PlaceAnDriverOrderInput,
  type PlaceAnPlanOrderInput,
  type PlaceAnSaleOrderInput,
} from '../generated/graphql.ts';
import { ids, secondsAgo, seedPlanInput, tomorrow } from '../e2e/insurance-fixtures.ts';
import { ADDRESS, makeShop, type TestShop } from '../e2e/shop-fixtures.ts';
import { ck101Lot } from './chip-plans.ts';
import { demo, type Account, type TestApp } from './test-app.ts';

/** The five callers every root field is tried with (docs/testing.md, Proof). */
export const ACTORS = ['anonymous', 'owner', 'other', 'operator', 'admin'] as const;
export type Actor = (typeof ACTORS)[number];

/** Who each actor is: the owner owns every fixture; `other` is another CONSUMER. */
export const ACTOR_ACCOUNTS: Record<Exclude<Actor, 'anonymous'>, Account> = {
  owner: demo.consumer,
  other: demo.otherConsumer,
  operator: demo.operator,
  admin: demo.admin,
};

/** Fails with the whole response when a payload carries errors or the call failed. */
function payload<T extends { errors: { code: string }[] }>(
  res: { data?: Record<string, unknown> | null; errors?: unknown },
  field: string,
): T {
  const value = res.data?.[field] as T | undefined;
  if (!value || value.errors.length > 0) {
    throw new Error(`fixture ${field} failed: ${JSON.stringify(res)}`);
  }
  return value;
}

/**
 * Fresh objects made through the real API, each owned by `owner` (89638599): every call makes
 * a new one, so a mutation tried by one actor never sees what another actor's try did.
 */
export class ProofFixtures {
  readonly tokens = {} as Record<Actor, string | undefined>;
  shop!: TestShop;
  /** Next start tick for a chip lot: far ahead of the clock and apart from the previous one. */
  private nextTick = 0;

  constructor(readonly t: TestApp) {}

  async setUp(): Promise<this> {
    this.tokens.anonymous = undefined;
    for (const [actor, account] of Object.entries(ACTOR_ACCOUNTS)) {
      this.tokens[actor as Actor] = await this.t.login(account);
    }
    // Enough money for every fixture and every try.
    const deposit = await this.t.gql(
      ProofDepositDocument,
      { consumerId: demo.consumer.id, amount: '10000000.00' },
      { token: this.tokens.admin },
    );
    if (!deposit.data?.deposit) throw new Error(`deposit failed: ${JSON.stringify(deposit)}`);
    this.shop = await makeShop(this.t, [{ price: '10.00', stock: 1_000_000 }]);
    const clock = await this.t.gql(ProofProductionClockDocument, {});
    this.nextTick = clock.data!.productionClock.now + 100_000;
    return this;
  }

  get ownerToken(): string {
    return this.tokens.owner!;
  }

  key(): string {
    return `proof-${randomUUID()}`;
  }

  /** A shop order waiting for payment. */
  async pendingShopOrder(): Promise<string> {
    const res = await this.t.gql(
      ProofConfirmShopOrderDocument,
      { input: this.shopOrderInput() },
      { token: this.ownerToken },
    );
    return payload<{ order: { id: string }; errors: [] }>(res, 'confirmShopOrder').order.id;
  }

  shopOrderInput(count = 1) {
    return {
      shopId: this.shop.id,
      address: ADDRESS,
      products: [{ productId: this.shop.productIds[0], count }],
    };
  }

  async pay(orderId: string): Promise<void> {
    const res = await this.t.gql(
      ProofPayOrderDocument,
      { orderId, payType: 'BALANCE', idempotencyKey: this.key() },
      { token: this.ownerToken },
    );
    payload(res, 'payOrder');
  }

  async paidShopOrder(): Promise<string> {
    const id = await this.pendingShopOrder();
    await this.pay(id);
    return id;
  }

  async cancelledShopOrder(): Promise<string> {
    const id = await this.pendingShopOrder();
    const res = await this.t.gql(
      ProofCancelOrderDocument,
      { orderId: id },
      { token: this.ownerToken },
    );
    payload(res, 'cancelOrder');
    return id;
  }

  /** A one-chip CK101 lot far ahead of the clock, apart from every other fixture's lot. */
  chipPlan() {
    const at = this.nextTick;
    this.nextTick += 10;
    return ck101Lot(at);
  }

  /** A confirmed (PAID) chip order. */
  async chipOrder(): Promise<string> {
    const res = await this.t.gql(
      ProofConfirmChipOrderDocument,
      { input: this.chipPlan(), idempotencyKey: this.key() },
      { token: this.ownerToken },
    );
    return payload<{ order: { id: string }; errors: [] }>(res, 'confirmChipOrder').order.id;
  }

  planOrderInput(): PlaceAnPlanOrderInput {
    return seedPlanInput();
  }

  driverOrderInput(): PlaceAnDriverOrderInput {
    return { vehicleId: ids.car, driverIds: [ids.drivers[0]], summary: '50.00', payment: '50.00' };
  }

  saleOrderInput(): PlaceAnSaleOrderInput {
    return {
      vehicleId: ids.car,
      quotationId: ids.carQuotation,
      items: [{ planItemId: ids.thirdParty, price: '1000.00' }],
      summary: '1000.00',
      payment: '1000.00',
    };
  }

  async pendingPlanOrder(): Promise<string> {
    const res = await this.t.gql(
      ProofPlaceAnPlanOrderDocument,
      { input: this.planOrderInput() },
      { token: this.ownerToken },
    );
    return payload<{ order: { id: string }; errors: [] }>(res, 'placeAnPlanOrder').order.id;
  }

  async pendingDriverOrder(): Promise<string> {
    const res = await this.t.gql(
      ProofPlaceAnDriverOrderDocument,
      { input: this.driverOrderInput() },
      { token: this.ownerToken },
    );
    return payload<{ order: { id: string }; errors: [] }>(res, 'placeAnDriverOrder').order.id;
  }

  async pendingSaleOrder(): Promise<string> {
    const res = await this.t.gql(
      ProofPlaceAnSaleOrderDocument,
      { input: this.saleOrderInput() },
      { token: this.ownerToken },
    );
    return payload<{ order: { id: string }; errors: [] }>(res, 'placeAnSaleOrder').order.id;
  }

  async paidPlanOrder(): Promise<string> {
    const id = await this.pendingPlanOrder();
    await this.pay(id);
    return id;
  }

  /** A paid plan order with its inspection booked (UNDERWRITING). */
  async underwriting(): Promise<{ orderId: string; underwriteId: string }> {
    const orderId = await this.paidPlanOrder();
    const res = await this.t.gql(
      ProofCreateUnderwriteDocument,
      {
        input: {
          orderId,
          planTime: tomorrow(),
          validatePlace: '北京市东城区东直门东方银座',
          validateUpdateTime: secondsAgo(600),
        },
      },
      { token: this.ownerToken },
    );
    const created = payload<{ underwrite: { id: string }; errors: [] }>(res, 'createUnderwrite');
    return { orderId, underwriteId: created.underwrite.id };
  }

  fillInput(underwriteId: string) {
    return {
      underwriteId,
      realPlace: '北京市朝阳区验车中心',
      certificateState: 'COMPLETE' as const,
      problems: [],
      photos: ['https://photos.example.com/front.jpg'],
    };
  }

  /** Underwriting, with the operator's inspection filled in. */
  async filledUnderwrite(): Promise<{ orderId: string; underwriteId: string }> {
    const made = await this.underwriting();
    const res = await this.t.gql(
      ProofFillUnderwriteDocument,
      { input: this.fillInput(made.underwriteId) },
      { token: this.tokens.operator },
    );
    payload(res, 'fillUnderwrite');
    return made;
  }

  /** Filled and PASSED: the order is EFFECTIVE. */
  async passedUnderwrite(): Promise<{ orderId: string; underwriteId: string }> {
    const made = await this.filledUnderwrite();
    const res = await this.t.gql(
      ProofSubmitUnderwriteResultDocument,
      { underwriteId: made.underwriteId, result: 'PASSED', resultUpdateTime: secondsAgo(120) },
      { token: this.tokens.operator },
    );
    payload(res, 'submitUnderwriteResult');
    return made;
  }

  /** Re-states a result, for rows that need the alter path exercised once already. */
  async alterResult(underwriteId: string, result: 'PASSED' | 'FAILED'): Promise<void> {
    const res = await this.t.gql(
      ProofAlterUnderwriteResultDocument,
      { underwriteId, result, resultUpdateTime: secondsAgo(60) },
      { token: this.tokens.operator },
    );
    payload(res, 'alterUnderwriteResult');
  }
}
