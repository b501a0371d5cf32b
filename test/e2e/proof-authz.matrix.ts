import type { TypedDocumentNode } from '@graphql-typed-document-node/core';
import * as D from '../generated/graphql.ts';
import { ids, secondsAgo, tomorrow } from './insurance-fixtures.ts';
import { ACTOR_ACCOUNTS, type Actor, type ProofFixtures } from '../utils/proof-fixtures.ts';
import { demo } from '../utils/test-app.ts';
import { START_CURSOR } from '../../src/platform/events/order-event.mapping.ts';

/**
 * The authorization matrix: one row per root field of the schema, saying what each actor gets.
 * README, Proof, explains the convention; test/e2e/proof-authz.test.ts runs it and fails when
 * the schema has a root field without a row here.
 *
 * - ALLOWED: no UNAUTHENTICATED or FORBIDDEN error and the object was not hidden. A business
 *   answer in the payload (INSUFFICIENT_BALANCE, ...) still counts as allowed, but only the
 *   codes the row lists in `tolerated`: anything else means the fixture is wrong.
 * - UNAUTHENTICATED / FORBIDDEN: a GraphQL error with that code on the field (over graphql-ws,
 *   a socket closed with 4403 for want of a valid token is UNAUTHENTICATED).
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
}

export interface MatrixRow {
  /** `Query.order`, `Mutation.payOrder`, `Subscription.orderStatusChanged`. */
  field: string;
  /**
   * Subscriptions go over graphql-ws: the row passes when the first result arrives (so the
   * operation should make one come at once, e.g. a replay with `after`). A socket the server
   * closes with 4403 at connection_init (no valid token) counts as UNAUTHENTICATED.
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
