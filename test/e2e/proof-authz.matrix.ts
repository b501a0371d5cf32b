import type { TypedDocumentNode } from '@graphql-typed-document-node/core';
import * as D from '../generated/graphql.ts';
import { ids, secondsAgo, tomorrow } from './insurance-fixtures.ts';
import { ACTOR_ACCOUNTS, type Actor, type ProofFixtures } from '../utils/proof-fixtures.ts';
import { demo } from '../utils/test-app.ts';
import { START_CURSOR } from '../../src/platform/events/order-event.mapping.ts';
import { ProofCatalog } from '../utils/proof-catalog.ts';

/**
 * The authorization matrix: one row per root field of the schema, saying what each actor gets.
 * docs/testing.md, Proof, explains the convention; test/e2e/proof-authz.test.ts runs it and fails when
 * the schema has a root field without a row here.
 *
 * - ALLOWED: no UNAUTHENTICATED or FORBIDDEN error and the object was not hidden. A business
 *   answer in the payload (INSUFFICIENT_BALANCE, ...) still counts as allowed, but only the
 *   codes the row lists in `tolerated`: anything else means the fixture is wrong.
 * - UNAUTHENTICATED / FORBIDDEN: a GraphQL error with that code on the field (over graphql-ws
 *   too: a socket without a valid token is acknowledged, its subscriptions refused).
 * - NOT_FOUND: the object exists but is hidden from the actor: a NOT_FOUND payload error, or
 *   (rows with `nullIsHidden`) a null answer. Services answer so where telling "not yours"
 *   apart from "does not exist" would leak which ids exist.
 *
 * "owner" owns every object the row's operation touches (demo consumer 89638599); "other" is
 * another CONSUMER (89638600) acting on the owner's object. For a field with no object (a
 * catalogue, a new order) both are simply consumers acting for themselves.
 */
export type Outcome = 'ALLOWED' | 'UNAUTHENTICATED' | 'FORBIDDEN' | 'NOT_FOUND';

export interface Operation {
  document: TypedDocumentNode<any, any>;
  variables?: Record<string, unknown>;
  /** A token of the actor's own for this call (a fresh session), instead of the shared one. */
  token?: string;
}

export interface MatrixRow {
  /** `Query.order`, `Mutation.payOrder`, `Subscription.orderStatusChanged`. */
  field: string;
  /**
   * Subscriptions go over graphql-ws: the row passes when the first result arrives (so the
   * operation should make one come at once, e.g. a replay with `after`). Without a valid token
   * the socket is acknowledged and the subscription fails with UNAUTHENTICATED.
   */
  transport?: 'http' | 'ws';
  /** What `actor` sends; mutation rows make a fresh object for every call. */
  operation(fx: ProofFixtures, actor: Actor): Promise<Operation>;
  expect: Record<Actor, Outcome>;
  /** Payload error codes an ALLOWED call may still answer with. */
  tolerated?: string[];
  /** A null answer means the object was hidden from the caller (NOT_FOUND). */
  nullIsHidden?: boolean;
}

const expectation = (
  anonymous: Outcome,
  owner: Outcome,
  other: Outcome,
  operator: Outcome,
  admin: Outcome,
): Record<Actor, Outcome> => ({ anonymous, owner, other, operator, admin });

/** Role decorators and ownership rules, as the matrix spells them. */
const ANYONE = expectation('ALLOWED', 'ALLOWED', 'ALLOWED', 'ALLOWED', 'ALLOWED');
const LOGGED_IN = expectation('UNAUTHENTICATED', 'ALLOWED', 'ALLOWED', 'ALLOWED', 'ALLOWED');
const OWNER_OR_STAFF = expectation('UNAUTHENTICATED', 'ALLOWED', 'FORBIDDEN', 'ALLOWED', 'ALLOWED');
const OWNER_ONLY = expectation('UNAUTHENTICATED', 'ALLOWED', 'FORBIDDEN', 'FORBIDDEN', 'FORBIDDEN');
const STAFF = expectation('UNAUTHENTICATED', 'FORBIDDEN', 'FORBIDDEN', 'ALLOWED', 'ALLOWED');
const ADMIN = expectation('UNAUTHENTICATED', 'FORBIDDEN', 'FORBIDDEN', 'FORBIDDEN', 'ALLOWED');
/** Placing an insurance order for the owner's vehicle: nobody else has it (NOT_FOUND). */
const OWN_VEHICLE = expectation(
  'UNAUTHENTICATED',
  'ALLOWED',
  'NOT_FOUND',
  'NOT_FOUND',
  'NOT_FOUND',
);

const op = (document: TypedDocumentNode<any, any>, variables?: Record<string, unknown>) =>
  Promise.resolve({ document, variables });

/** Objects the query rows read, made once per test file. */
const shared = new WeakMap<ProofFixtures, Promise<{ orderId: string; planOrderId: string }>>();
function readFixtures(fx: ProofFixtures) {
  let made = shared.get(fx);
  if (!made) {
    made = (async () => ({
      orderId: await fx.paidShopOrder(),
      planOrderId: (await fx.underwriting()).orderId,
    }))();
    shared.set(fx, made);
  }
  return made;
}

const PLANT_ID = '1';

const catalog = (fx: ProofFixtures) => new ProofCatalog(fx);
/** Today's inspections, for the schedule row. */
const today = () => ({
  from: new Date(Date.now() - 12 * 3600 * 1000).toISOString(),
  to: new Date(Date.now() + 12 * 3600 * 1000).toISOString(),
});

export const matrix: MatrixRow[] = [
  // Queries
  { field: 'Query.chips', operation: () => op(D.ProofChipsDocument), expect: ANYONE },
  {
    field: 'Query.chip',
    operation: () => op(D.ProofChipDocument, { name: 'CK101' }),
    expect: ANYONE,
  },
  { field: 'Query.plants', operation: () => op(D.ProofPlantsDocument), expect: LOGGED_IN },
  {
    field: 'Query.plant',
    operation: () => op(D.ProofPlantDocument, { id: PLANT_ID }),
    expect: LOGGED_IN,
    nullIsHidden: true,
  },
  {
    field: 'Query.productionClock',
    operation: () => op(D.ProofProductionClockDocument),
    expect: ANYONE,
  },
  {
    field: 'Query.vehicle',
    operation: () => op(D.ProofVehicleDocument, { id: ids.car }),
    expect: OWNER_OR_STAFF,
    nullIsHidden: true,
  },
  {
    field: 'Query.driversOfVehicle',
    operation: () => op(D.ProofDriversOfVehicleDocument, { vehicleId: ids.car }),
    expect: OWNER_OR_STAFF,
  },
  {
    field: 'Query.insurancePlans',
    operation: () => op(D.ProofInsurancePlansDocument),
    expect: ANYONE,
  },
  { field: 'Query.promotions', operation: () => op(D.ProofPromotionsDocument), expect: ANYONE },
  { field: 'Query.driverFee', operation: () => op(D.ProofDriverFeeDocument), expect: ANYONE },
  {
    field: 'Query.order',
    operation: async (fx) => op(D.ProofOrderDocument, { id: (await readFixtures(fx)).orderId }),
    expect: OWNER_OR_STAFF,
    nullIsHidden: true,
  },
  {
    // The owner's orders, asked for by consumer id.
    field: 'Query.orders',
    operation: () => op(D.ProofOrdersDocument, { consumerId: demo.consumer.id }),
    expect: OWNER_OR_STAFF,
  },
  {
    field: 'Query.underwriteByOrder',
    operation: async (fx) =>
      op(D.ProofUnderwriteByOrderDocument, { orderId: (await readFixtures(fx)).planOrderId }),
    expect: OWNER_OR_STAFF,
    nullIsHidden: true,
  },
  // Anonymous callers get null: that is `me`'s documented answer, not a refusal.
  { field: 'Query.me', operation: () => op(D.ProofMeDocument), expect: ANYONE },

  { field: 'Query.shops', operation: () => op(D.ProofShopsDocument), expect: ANYONE },
  {
    field: 'Query.shop',
    operation: (fx) => op(D.ProofShopDocument, { id: fx.shop.id }),
    expect: ANYONE,
    nullIsHidden: true,
  },
  {
    field: 'Query.cartQuote',
    operation: (fx) =>
      op(D.ProofCartQuoteDocument, {
        input: { shopId: fx.shop.id, products: [{ productId: fx.shop.productIds[0], count: 1 }] },
      }),
    expect: LOGGED_IN,
  },

  // Chip orders: anyone logged in plans and confirms for themselves.
  {
    field: 'Mutation.analyzeChipOrder',
    operation: (fx) => op(D.ProofAnalyzeChipOrderDocument, { input: fx.chipPlan() }),
    expect: LOGGED_IN,
  },
  {
    field: 'Query.suggestChipPlans',
    operation: () =>
      op(D.ProofSuggestChipPlansDocument, {
        input: { chipName: 'CK101', quantity: 1, timeBudgetMs: 50 },
      }),
    expect: LOGGED_IN,
  },
  {
    field: 'Mutation.confirmChipOrder',
    operation: (fx) =>
      op(D.ProofConfirmChipOrderDocument, { input: fx.chipPlan(), idempotencyKey: fx.key() }),
    expect: LOGGED_IN,
    // Staff accounts hold no money; the other consumer may run short too.
    tolerated: ['INSUFFICIENT_BALANCE'],
  },
  {
    // Sets the status the plant already has, so no other row is disturbed.
    field: 'Mutation.setPlantStatus',
    operation: () => op(D.ProofSetPlantStatusDocument, { plantId: PLANT_ID, status: 'RUNNING' }),
    expect: ADMIN,
  },
  {
    field: 'Mutation.advanceProductionClock',
    operation: () => op(D.ProofAdvanceProductionClockDocument, { ticks: 1 }),
    expect: ADMIN,
  },

  // Insurance placements, for the owner's vehicle.
  {
    field: 'Mutation.placeAnPlanOrder',
    operation: (fx) => op(D.ProofPlaceAnPlanOrderDocument, { input: fx.planOrderInput() }),
    expect: OWN_VEHICLE,
  },
  {
    field: 'Mutation.placeAnDriverOrder',
    operation: (fx) => op(D.ProofPlaceAnDriverOrderDocument, { input: fx.driverOrderInput() }),
    expect: OWN_VEHICLE,
  },
  {
    field: 'Mutation.placeAnSaleOrder',
    operation: (fx) => op(D.ProofPlaceAnSaleOrderDocument, { input: fx.saleOrderInput() }),
    expect: OWN_VEHICLE,
  },

  // The order core, on a fresh order of the owner each time.
  {
    field: 'Mutation.payOrder',
    operation: async (fx) =>
      op(D.ProofPayOrderDocument, {
        orderId: await fx.pendingShopOrder(),
        payType: 'BALANCE',
        idempotencyKey: fx.key(),
      }),
    // Only the owner's money pays for an order; staff record offline payments by hand instead.
    expect: OWNER_ONLY,
  },
  {
    field: 'Mutation.cancelOrder',
    operation: async (fx) => op(D.ProofCancelOrderDocument, { orderId: await fx.chipOrder() }),
    expect: OWNER_OR_STAFF,
  },
  {
    field: 'Mutation.deleteOrder',
    operation: async (fx) =>
      op(D.ProofDeleteOrderDocument, { orderId: await fx.cancelledShopOrder() }),
    // Deleting hides an order from its owner's own lists: nobody else may.
    expect: OWNER_ONLY,
  },
  {
    field: 'Mutation.updateOrderState',
    operation: async (fx) =>
      op(D.ProofUpdateOrderStateDocument, {
        orderId: await fx.paidShopOrder(),
        status: 'COMPLETED',
      }),
    expect: STAFF,
  },

  // Underwriting, each on its own plan order.
  {
    field: 'Mutation.createUnderwrite',
    operation: async (fx) =>
      op(D.ProofCreateUnderwriteDocument, {
        input: {
          orderId: await fx.paidPlanOrder(),
          planTime: tomorrow(),
          validatePlace: '北京市东城区',
          validateUpdateTime: secondsAgo(600),
        },
      }),
    expect: OWNER_OR_STAFF,
  },
  {
    field: 'Mutation.fillUnderwrite',
    operation: async (fx) =>
      op(D.ProofFillUnderwriteDocument, {
        input: fx.fillInput((await fx.underwriting()).underwriteId),
      }),
    expect: STAFF,
  },
  {
    field: 'Mutation.submitUnderwriteResult',
    operation: async (fx) =>
      op(D.ProofSubmitUnderwriteResultDocument, {
        underwriteId: (await fx.filledUnderwrite()).underwriteId,
        result: 'PASSED',
        resultUpdateTime: secondsAgo(30),
      }),
    expect: STAFF,
  },
  {
    field: 'Mutation.alterUnderwriteResult',
    operation: async (fx) =>
      op(D.ProofAlterUnderwriteResultDocument, {
        underwriteId: (await fx.passedUnderwrite()).underwriteId,
        result: 'PASSED',
        resultUpdateTime: secondsAgo(30),
      }),
    expect: STAFF,
  },
  {
    field: 'Mutation.alterValidatePlace',
    operation: async (fx) =>
      op(D.ProofAlterValidatePlaceDocument, {
        underwriteId: (await fx.underwriting()).underwriteId,
        validatePlace: '北京市西城区',
        validateUpdateTime: secondsAgo(30),
      }),
    expect: OWNER_OR_STAFF,
  },
  {
    field: 'Mutation.alterRealPlace',
    operation: async (fx) =>
      op(D.ProofAlterRealPlaceDocument, {
        underwriteId: (await fx.underwriting()).underwriteId,
        realPlace: '北京市朝阳区',
        realUpdateTime: secondsAgo(30),
      }),
    expect: STAFF,
  },
  {
    field: 'Mutation.alterNote',
    operation: async (fx) =>
      op(D.ProofAlterNoteDocument, {
        underwriteId: (await fx.underwriting()).underwriteId,
        note: '车况良好',
        noteUpdateTime: secondsAgo(30),
      }),
    expect: STAFF,
  },
  {
    field: 'Mutation.uploadPhotos',
    operation: async (fx) =>
      op(D.ProofUploadPhotosDocument, {
        underwriteId: (await fx.underwriting()).underwriteId,
        urls: ['https://photos.example.com/side.jpg'],
      }),
    expect: OWNER_OR_STAFF,
  },

  // Accounts.
  {
    // Everyone logs in as themselves; anonymous as the owner (it is how anyone gets a token).
    field: 'Mutation.login',
    operation: (_fx, actor) => {
      const account = ACTOR_ACCOUNTS[actor === 'anonymous' ? 'owner' : actor];
      return op(D.ProofLoginDocument, { consumerId: account.id, password: account.password });
    },
    expect: ANYONE,
  },
  {
    // A fresh session per actor: one call turns it in for a new pair.
    field: 'Mutation.refreshToken',
    operation: async (fx, actor) => {
      if (actor === 'anonymous') {
        return op(D.ProofRefreshTokenDocument, { refreshToken: 'not-a-refresh-token' });
      }
      const account = ACTOR_ACCOUNTS[actor];
      const res = await fx.t.gql(D.LoginDocument, {
        consumerId: account.id,
        password: account.password,
      });
      return op(D.ProofRefreshTokenDocument, { refreshToken: res.data!.login.refreshToken });
    },
    expect: LOGGED_IN,
  },
  {
    // Ends a fresh session of the actor's, not the one the other rows use.
    field: 'Mutation.logout',
    operation: async (fx, actor) => ({
      document: D.ProofLogoutDocument,
      token: actor === 'anonymous' ? undefined : await fx.t.login(ACTOR_ACCOUNTS[actor]),
    }),
    expect: LOGGED_IN,
  },
  {
    // A wrong old password: the call is allowed, the password (and every session) stays.
    field: 'Mutation.changePassword',
    operation: () =>
      op(D.ProofChangePasswordDocument, { oldPassword: 'not-it', newPassword: 'a-new-password' }),
    expect: LOGGED_IN,
    tolerated: ['WRONG_PASSWORD'],
  },
  {
    field: 'Mutation.createConsumer',
    operation: () =>
      op(D.ProofCreateConsumerDocument, {
        input: { name: 'Matrix consumer', password: 'matrix-password' },
      }),
    expect: ADMIN,
  },
  {
    field: 'Mutation.deposit',
    operation: () => op(D.ProofDepositDocument, { consumerId: demo.consumer.id, amount: '1.00' }),
    expect: ADMIN,
  },

  // Shop.
  {
    field: 'Mutation.confirmShopOrder',
    operation: (fx) =>
      op(D.ProofConfirmShopOrderDocument, {
        input: fx.shopOrderInput(),
        idempotencyKey: fx.key(),
      }),
    expect: LOGGED_IN,
  },

  // Managing the catalogue (docs/catalog.md): each try on a fresh object of its own.
  {
    field: 'Query.catalogHistory',
    operation: () => op(D.ProofCatalogHistoryDocument),
    expect: STAFF,
  },
  {
    field: 'Query.shopOrderLimits',
    operation: () => op(D.ProofShopOrderLimitsDocument),
    expect: ANYONE,
  },
  {
    field: 'Mutation.createShop',
    operation: (fx) => op(D.ProofCreateShopDocument, { input: catalog(fx).shopInput() }),
    expect: ADMIN,
  },
  {
    field: 'Mutation.updateShop',
    operation: async (fx) =>
      op(D.ProofUpdateShopDocument, {
        input: {
          shopId: (await catalog(fx).shop()).id,
          expectedVersion: 1,
          enName: `Renamed ${fx.key()}`,
        },
      }),
    expect: ADMIN,
  },
  {
    field: 'Mutation.createProduct',
    operation: async (fx) =>
      op(D.ProofCreateProductDocument, { input: await catalog(fx).productInput() }),
    expect: ADMIN,
  },
  {
    field: 'Mutation.updateProduct',
    operation: async (fx) =>
      op(D.ProofUpdateProductDocument, {
        input: { productId: await catalog(fx).productId(), expectedVersion: 1, price: '6.00' },
      }),
    expect: ADMIN,
  },
  {
    field: 'Mutation.adjustProductStock',
    operation: async (fx) =>
      op(D.ProofAdjustProductStockDocument, {
        input: { productId: await catalog(fx).productId(), delta: 5, reason: 'delivery' },
      }),
    expect: STAFF,
  },
  {
    field: 'Mutation.createInsurancePlan',
    operation: (fx) => op(D.ProofCreateInsurancePlanDocument, { input: catalog(fx).planInput() }),
    expect: ADMIN,
  },
  {
    field: 'Mutation.updateInsurancePlan',
    operation: async (fx) =>
      op(D.ProofUpdateInsurancePlanDocument, {
        input: { planId: (await catalog(fx).plan()).planId, expectedVersion: 1, position: 90 },
      }),
    expect: ADMIN,
  },
  {
    field: 'Mutation.addInsurancePlanItem',
    operation: async (fx) =>
      op(D.ProofAddInsurancePlanItemDocument, {
        input: { planId: (await catalog(fx).plan()).planId, name: '盗抢 Theft', price: '300.00' },
      }),
    expect: ADMIN,
  },
  {
    field: 'Mutation.updateInsurancePlanItem',
    operation: async (fx) =>
      op(D.ProofUpdateInsurancePlanItemDocument, {
        input: {
          planItemId: (await catalog(fx).plan()).itemId,
          expectedVersion: 1,
          price: '810.00',
        },
      }),
    expect: ADMIN,
  },
  {
    field: 'Mutation.createPromotion',
    operation: (fx) =>
      op(D.ProofCreatePromotionDocument, { input: { name: `促销 ${fx.key()}`, price: '20.00' } }),
    expect: ADMIN,
  },
  {
    field: 'Mutation.updatePromotion',
    operation: async (fx) =>
      op(D.ProofUpdatePromotionDocument, {
        input: { promotionId: await catalog(fx).promotionId(), expectedVersion: 1, price: '15.00' },
      }),
    expect: ADMIN,
  },
  {
    field: 'Mutation.registerVehicle',
    operation: (fx) => op(D.ProofRegisterVehicleDocument, { input: catalog(fx).vehicleInput() }),
    expect: STAFF,
  },
  {
    field: 'Mutation.updateVehicle',
    operation: async (fx) =>
      op(D.ProofUpdateVehicleDocument, {
        input: { vehicleId: await catalog(fx).vehicleId(), expectedVersion: 1, value: '90000.00' },
      }),
    expect: STAFF,
  },
  {
    field: 'Mutation.registerDriver',
    operation: (fx) => op(D.ProofRegisterDriverDocument, { input: catalog(fx).driverInput() }),
    expect: STAFF,
  },
  {
    field: 'Mutation.updateDriver',
    operation: async (fx) =>
      op(D.ProofUpdateDriverDocument, {
        input: { driverId: await catalog(fx).driverId(), expectedVersion: 1, name: '改名 Renamed' },
      }),
    expect: STAFF,
  },
  {
    field: 'Mutation.createQuotation',
    operation: async (fx) =>
      op(D.ProofCreateQuotationDocument, { input: await catalog(fx).quotationInput() }),
    expect: STAFF,
  },
  {
    field: 'Mutation.withdrawQuotation',
    operation: async (fx) =>
      op(D.ProofWithdrawQuotationDocument, { quotationId: await catalog(fx).quotationId() }),
    expect: STAFF,
  },
  {
    field: 'Mutation.createChip',
    operation: (fx) => op(D.ProofCreateChipDocument, { input: catalog(fx).chipInput() }),
    expect: ADMIN,
  },
  {
    field: 'Mutation.createPlant',
    operation: (fx) => op(D.ProofCreatePlantDocument, { input: catalog(fx).plantInput() }),
    expect: ADMIN,
  },
  {
    field: 'Mutation.removePlant',
    operation: async (fx) =>
      op(D.ProofRemovePlantDocument, { plantId: (await catalog(fx).capability()).plantId }),
    expect: ADMIN,
  },
  {
    field: 'Mutation.addPlantCapability',
    operation: async (fx) =>
      op(D.ProofAddPlantCapabilityDocument, { input: await catalog(fx).capabilityInput() }),
    expect: ADMIN,
  },
  {
    field: 'Mutation.updatePlantCapability',
    operation: async (fx) =>
      op(D.ProofUpdatePlantCapabilityDocument, {
        input: { ...(await catalog(fx).capability()), expectedVersion: 1, unitCost: '11.00' },
      }),
    expect: ADMIN,
  },
  {
    field: 'Mutation.removePlantCapability',
    operation: async (fx) =>
      op(D.ProofRemovePlantCapabilityDocument, {
        input: { ...(await catalog(fx).capability()), expectedVersion: 1 },
      }),
    expect: ADMIN,
  },

  // Staff work queues.
  {
    field: 'Query.ordersAwaitingAction',
    operation: () => op(D.ProofOrdersAwaitingActionDocument),
    expect: STAFF,
  },
  {
    field: 'Query.underwritingQueue',
    operation: () => op(D.ProofUnderwritingQueueDocument),
    expect: STAFF,
  },
  {
    field: 'Query.inspectionSchedule',
    operation: () => op(D.ProofInspectionScheduleDocument, today()),
    expect: STAFF,
  },

  // Live status, over graphql-ws: the owner's order, replayed from the first event.
  {
    field: 'Subscription.orderStatusChanged',
    transport: 'ws',
    operation: async (fx) =>
      op(D.ProofOrderStatusChangedDocument, {
        orderId: (await readFixtures(fx)).orderId,
        after: START_CURSOR,
      }),
    expect: OWNER_OR_STAFF,
  },
];
