import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  AddInsurancePlanItemDocument,
  CancelOrderDocument,
  CreateInsurancePlanDocument,
  CreatePromotionDocument,
  CreateQuotationDocument,
  MyVehiclesDocument,
  PayOrderDocument,
  PlaceAnPlanOrderDocument,
  PlaceAnSaleOrderDocument,
  RegisterDriverDocument,
  RegisterVehicleDocument,
  UpdateDriverDocument,
  UpdateInsurancePlanItemDocument,
  UpdateOrderStateDocument,
  UpdatePromotionDocument,
  UpdateVehicleDocument,
  VehicleByIdDocument,
  WithdrawQuotationDocument,
} from '../generated/graphql.ts';
import { START_CURSOR } from '../../src/platform/events/order-event.mapping.ts';
import { LiveSocket } from '../utils/live-client.ts';
import { demo, startTestApp, type TestApp } from '../utils/test-app.ts';
import { apiPlan, apiQuotation, apiVehicle, inDays, payloadOf, tag } from './catalog-fixtures.ts';
import { ids, tomorrow } from './insurance-fixtures.ts';
import { balanceOf } from '../utils/ledger.ts';

let t: TestApp;
let admin: string;
let operator: string;
let consumer: string;
let other: string;

beforeAll(async () => {
  t = await startTestApp();
  [admin, operator, consumer, other] = await Promise.all([
    t.login(demo.admin),
    t.login(demo.operator),
    t.login(demo.consumer),
    t.login(demo.otherConsumer),
  ]);
});
afterAll(() => t?.close());

/** A new plan of one item, a new vehicle of the consumer, and a quotation of it at 700.00. */
async function quotedVehicle(ownerId = demo.consumer.id) {
  const { planId, itemId } = await apiPlan(t, admin, '800.00');
  const vehicle = await apiVehicle(t, operator, ownerId);
  const quotation = await apiQuotation(t, operator, vehicle.id, [
    { planItemId: itemId, price: '700.00' },
  ]);
  return { planId, itemId, vehicle, quotationId: quotation.id };
}

const planInput = (q: Awaited<ReturnType<typeof quotedVehicle>>, promotion?: string) => ({
  vehicleId: q.vehicle.id,
  quotationId: q.quotationId,
  plans: [{ planId: q.planId, items: [{ planItemId: q.itemId, price: '700.00' }] }],
  promotionId: promotion,
  serviceRatio: 0,
  summary: '700.00',
  payment: promotion ? '600.00' : '700.00',
  vehicleValue: '100000.00',
  expectAt: tomorrow(),
});

async function placePlan(input: ReturnType<typeof planInput>, token = consumer) {
  const res = await t.gql(PlaceAnPlanOrderDocument, { input }, { token });
  return payloadOf<{ order: { id: string } }>(res, 'placeAnPlanOrder').order.id;
}

const pay = (orderId: string, token = consumer) =>
  t.gql(PayOrderDocument, { orderId, payType: 'BALANCE', key: `ins-cat-${orderId}` }, { token });

describe('plans and items', () => {
  it('creates a plan with its items, refusing a name listed twice; list prices never touch quotations', async () => {
    const twice = await t.gql(
      CreateInsurancePlanDocument,
      {
        input: {
          name: `险 ${tag()}`,
          items: [
            { name: '车损', price: '1.00' },
            { name: '车损', price: '-2.00' },
          ],
        },
      },
      { token: admin },
    );
    expect(twice.data!.createInsurancePlan.errors.map((e) => [e.code, e.field])).toEqual([
      ['INVALID_INPUT', ['input', 'items', '1', 'name']],
      ['INVALID_INPUT', ['input', 'items', '1', 'price']],
    ]);

    const q = await quotedVehicle();
    const more = await t.gql(
      AddInsurancePlanItemDocument,
      { input: { planId: q.planId, name: '玻璃 Glass', price: '100.00' } },
      { token: admin },
    );
    expect(more.data!.addInsurancePlanItem.item).toMatchObject({ price: '100.00', version: 1 });
    const repriced = await t.gql(
      UpdateInsurancePlanItemDocument,
      { input: { planItemId: q.itemId, expectedVersion: 1, price: '999.00' } },
      { token: admin },
    );
    expect(repriced.data!.updateInsurancePlanItem.item).toMatchObject({
      price: '999.00',
      version: 2,
    });
    // The quotation still sells the item at 700.00.
    const orderId = await placePlan(planInput(q));
    expect((await pay(orderId)).data!.payOrder.transaction!.amount).toBe('-700.00');
  });
});

describe('quotations', () => {
  it('refuses a window that ends before it starts, or lasts more than 366 days, and an unknown item', async () => {
    const vehicle = await apiVehicle(t, operator, demo.consumer.id);
    const res = await t.gql(
      CreateQuotationDocument,
      {
        input: {
          vehicleId: vehicle.id,
          validFrom: inDays(10),
          validUntil: inDays(5),
          items: [{ planItemId: '00000000-0000-4000-8000-000000000000', price: '1.00' }],
        },
      },
      { token: operator },
    );
    expect(res.data!.createQuotation.errors.map((e) => [e.code, e.field])).toEqual([
      ['INVALID_INPUT', ['input', 'validUntil']],
      ['NOT_FOUND', ['input', 'items', '0', 'planItemId']],
    ]);
    const long = await t.gql(
      CreateQuotationDocument,
      { input: { vehicleId: vehicle.id, validUntil: inDays(400), items: [] } },
      { token: operator },
    );
    expect(long.data!.createQuotation.errors.map((e) => e.field)).toEqual([
      ['input', 'validUntil'],
      ['input', 'items'],
    ]);
  });

  it('refuses to order on an expired quotation (the demo one of 京A·67890, 40 days old)', async () => {
    const res = await t.gql(
      PlaceAnSaleOrderDocument,
      {
        input: {
          vehicleId: ids.secondCar,
          quotationId: ids.secondCarOldQuotation,
          items: [{ planItemId: ids.damage, price: '1600.00' }],
          summary: '1600.00',
          payment: '1600.00',
        },
      },
      { token: consumer },
    );
    expect(res.data!.placeAnSaleOrder.errors).toEqual([
      {
        code: 'QUOTATION_EXPIRED',
        message: expect.stringMatching(/^The quotation expired at .+; ask for a new one\.$/),
        field: ['input', 'quotationId'],
      },
    ]);
  });

  it('checks the quotation again at payment: past its window, neither payOrder nor an offline payment goes through', async () => {
    const q = await quotedVehicle();
    const [online, offline] = [await placePlan(planInput(q)), await placePlan(planInput(q))];
    // Its window ends while the orders wait for payment.
    await t.db.query(
      `update quotations set valid_from = now() - interval '31 days',
         valid_until = now() - interval '1 second' where id = $1`,
      [q.quotationId],
    );
    const before = await balanceOf(t, demo.consumer.id);
    const paid = await pay(online);
    expect(paid.data!.payOrder.errors).toEqual([
      { code: 'QUOTATION_EXPIRED', message: expect.stringContaining('expired at') },
    ]);
    expect(await balanceOf(t, demo.consumer.id)).toBe(before);
    const byHand = await t.gql(
      UpdateOrderStateDocument,
      { orderId: offline, status: 'PAID' },
      { token: operator },
    );
    expect(byHand.data!.updateOrderState.errors.map((e) => e.code)).toEqual(['QUOTATION_EXPIRED']);
    expect(
      (await t.gql(CancelOrderDocument, { orderId: online }, { token: consumer })).data!.cancelOrder
        .order!.status,
    ).toBe('CANCELLED');
  });

  it('withdraws a quotation: its unpaid orders hear it live and can no longer be paid', async () => {
    const q = await quotedVehicle();
    const orderId = await placePlan(planInput(q));
    const socket = new LiveSocket(t.wsUrl, consumer);
    try {
      // Replayed from the start: once ORDER_CREATED is here, the subscription is live.
      const stream = socket.subscribe({ orderId, after: START_CURSOR });
      expect((await stream.take()).type).toBe('ORDER_CREATED');
      const withdrawn = await t.gql(
        WithdrawQuotationDocument,
        { quotationId: q.quotationId },
        { token: operator },
      );
      expect(withdrawn.data!.withdrawQuotation.quotation).toMatchObject({ valid: false });
      const event = await stream.take();
      expect(event).toMatchObject({
        orderId,
        type: 'QUOTATION_WITHDRAWN',
        actor: { id: demo.operator.id },
        data: { quotationId: q.quotationId },
      });
    } finally {
      await socket.dispose();
    }
    expect((await pay(orderId)).data!.payOrder.errors[0]).toMatchObject({
      code: 'QUOTATION_EXPIRED',
      message: expect.stringContaining('withdrawn'),
    });
    const again = await t.gql(
      WithdrawQuotationDocument,
      { quotationId: q.quotationId },
      { token: operator },
    );
    expect(again.data!.withdrawQuotation.errors.map((e) => e.code)).toEqual(['INVALID_TRANSITION']);
  });
});

describe('promotions', () => {
  it('checks the price again at payment: a promotion repriced or ended since is PRICE_MISMATCH, announced live', async () => {
    const created = await t.gql(
      CreatePromotionDocument,
      { input: { name: `立减 ${tag()}`, price: '100.00' } },
      { token: admin },
    );
    const promotion = payloadOf<{ promotion: { id: string } }>(
      created,
      'createPromotion',
    ).promotion;
    const q = await quotedVehicle();
    const orderId = await placePlan(planInput(q, promotion.id));
    const ended = await t.gql(
      UpdatePromotionDocument,
      { input: { promotionId: promotion.id, expectedVersion: 1, active: false } },
      { token: admin },
    );
    expect(ended.data!.updatePromotion.promotion).toMatchObject({ active: false, version: 2 });
    const { rows } = await t.db.query(
      `select type, data from order_events where order_id = $1 order by id`,
      [orderId],
    );
    expect(rows.at(-1)).toEqual({
      type: 'PROMOTION_CHANGED',
      data: { promotionId: promotion.id, changes: { active: { from: true, to: false } } },
    });
    const before = await balanceOf(t, demo.consumer.id);
    expect((await pay(orderId)).data!.payOrder.errors).toEqual([
      {
        code: 'PRICE_MISMATCH',
        message:
          'The price changed since the order was placed: it is now 700.00 = 700.00 × (1 + 0), not 600.00. Cancel the order and place it again.',
      },
    ]);
    expect(await balanceOf(t, demo.consumer.id)).toBe(before);
    // Placing it again without the ended promotion works, and pays the full price.
    const placedAgain = await placePlan(planInput(q));
    expect((await pay(placedAgain)).data!.payOrder.transaction!.amount).toBe('-700.00');
  });
});

describe('vehicles and drivers', () => {
  it('registers a vehicle a consumer then sees and insures; refuses staff owners and taken plates', async () => {
    const vehicle = await apiVehicle(t, operator, demo.otherConsumer.id);
    const mine = await t.gql(MyVehiclesDocument, {}, { token: other });
    expect(JSON.stringify(mine.data)).toContain(vehicle.id);
    const staffOwner = await t.gql(
      RegisterVehicleDocument,
      { input: { ownerId: demo.operator.id, plateNumber: `员${tag()}`, value: '1.00' } },
      { token: operator },
    );
    expect(staffOwner.data!.registerVehicle.errors).toEqual([
      { code: 'NOT_FOUND', message: 'No consumer has this id.', field: ['input', 'ownerId'] },
    ]);
    const taken = await t.gql(
      RegisterVehicleDocument,
      { input: { ownerId: demo.consumer.id, plateNumber: '京A·12345', value: '1.00' } },
      { token: operator },
    );
    expect(taken.data!.registerVehicle.errors).toEqual([
      {
        code: 'INVALID_INPUT',
        message: 'Another vehicle has this plate number.',
        field: ['input', 'plateNumber'],
      },
    ]);
  });

  it('hands a vehicle to another owner only once none of its orders depends on the owner', async () => {
    const q = await quotedVehicle();
    const orderId = await placePlan(planInput(q));
    const transfer = (version: number) =>
      t.gql(
        UpdateVehicleDocument,
        {
          input: {
            vehicleId: q.vehicle.id,
            expectedVersion: version,
            ownerId: demo.otherConsumer.id,
          },
        },
        { token: operator },
      );
    const refused = await transfer(1);
    expect(refused.data!.updateVehicle.errors).toEqual([
      {
        code: 'IN_USE',
        message: expect.stringMatching(/still has live orders \(PL\d+\)/),
        field: ['input', 'ownerId'],
      },
    ]);
    await t.gql(CancelOrderDocument, { orderId }, { token: consumer });
    const moved = await transfer(1);
    expect(moved.data!.updateVehicle.vehicle).toMatchObject({
      owner: { id: demo.otherConsumer.id },
      version: 2,
    });
    // The old owner lost it; the new one orders on its quotation.
    expect(
      (await t.gql(VehicleByIdDocument, { id: q.vehicle.id }, { token: consumer })).errors?.[0]
        .extensions?.code,
    ).toBe('FORBIDDEN');
    await placePlan(planInput(q), other);
  });

  it('registers and corrects a driver at the version read', async () => {
    const made = await t.gql(
      RegisterDriverDocument,
      { input: { ownerId: demo.consumer.id, name: '周 Zhou', licenseNo: `L${tag()}` } },
      { token: operator },
    );
    const driver = payloadOf<{ driver: { id: string } }>(made, 'registerDriver').driver;
    const fix = (expectedVersion: number) =>
      t.gql(
        UpdateDriverDocument,
        { input: { driverId: driver.id, expectedVersion, name: '周杰 Zhou Jie' } },
        { token: admin },
      );
    expect((await fix(1)).data!.updateDriver.driver).toMatchObject({
      name: '周杰 Zhou Jie',
      version: 2,
    });
    expect((await fix(1)).data!.updateDriver.errors.map((e) => e.code)).toEqual(['STALE_UPDATE']);
  });
});
