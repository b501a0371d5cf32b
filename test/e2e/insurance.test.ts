import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  CancelOrderDocument,
  ConsumerVehiclesDocument,
  DriversOfVehicleDocument,
  InsuranceCatalogDocument,
  InsuranceOrderDocument,
  InsuranceOrdersDocument,
  MyVehiclesDocument,
  PayOrderDocument,
  PlaceAnDriverOrderDocument,
  PlaceAnPlanOrderDocument,
  PlaceAnSaleOrderDocument,
  UpdateOrderStateDocument,
  VehicleByIdDocument,
} from '../generated/graphql.ts';
import { expireDueOrders } from '../../src/insurance/insurance-order-expiry.job.ts';
import { seedInsurance } from '../../src/insurance/insurance.seed.ts';
import {
  countRows,
  endPeriod,
  ids,
  insuranceRowCounts,
  paidPlanOrder,
  seedPlanInput,
  thirdConsumerPlanInput,
} from './insurance-fixtures.ts';
import { concurrently, demo, startTestApp, type TestApp } from '../utils/test-app.ts';

let t: TestApp;
let consumer: string;
let other: string;
let third: string;
let operator: string;
let statements = 0;
let counting = false;
beforeAll(async () => {
  t = await startTestApp({
    onQuery: () => void (counting && statements++),
    // The tests run the expiry sweep themselves; the clock's own must not race them.
    config: { insuranceExpirySweepMs: 3_600_000 },
  });
  [consumer, other, third, operator] = await Promise.all([
    t.login(demo.consumer),
    t.login(demo.otherConsumer),
    t.login(demo.thirdConsumer),
    t.login(demo.operator),
  ]);
});
afterAll(() => t?.close());

let keys = 0;
const pay = (orderId: string, token: string) =>
  t.gql(PayOrderDocument, { orderId, payType: 'BALANCE', key: `k-${++keys}` }, { token });

describe('the insurance catalog', () => {
  it('lists plans with their items, running promotions and a driver fee of 50.00 to anyone', async () => {
    const res = await t.gql(InsuranceCatalogDocument);
    expect(res.errors).toBeUndefined();
    const plans = res.data!.insurancePlans;
    expect(plans.map((p) => p.id)).toContain(ids.basic);
    expect(plans.find((p) => p.id === ids.basic)!.items).toEqual([
      { id: ids.damage, name: '车辆损失险 Vehicle damage', price: '2000.00' },
      { id: ids.thirdParty, name: '第三者责任险 Third-party liability', price: '1000.00' },
    ]);
    expect(res.data!.promotions).toContainEqual({
      id: ids.newCustomer,
      name: '新客立减 New customer',
      price: '500.00',
    });
    expect(res.data!.driverFee).toBe('50.00');
  });

  it('shows a consumer their vehicles, quotations newest first, and the drivers they may add', async () => {
    const res = await t.gql(MyVehiclesDocument, {}, { token: consumer });
    const me = res.data!.me!;
    expect(me.vehicles.map((v) => v.plateNumber)).toEqual(['京A·12345', '京A·67890']);
    expect(me.vehicles[0]).toMatchObject({ value: '100000.00', owner: { id: demo.consumer.id } });
    expect(me.vehicles[1].quotations.map((q) => q.id)).toEqual([
      ids.secondCarQuotation,
      ids.secondCarOldQuotation,
    ]);
    const quoted = me.vehicles[0].quotations[0].items.find((i) => i.planItem.id === ids.damage)!;
    expect(quoted).toMatchObject({ price: '2000.00', plan: { id: ids.basic } });
    expect(me.drivers.map((d) => d.id)).toEqual(ids.drivers);
  });

  it("lets staff read a consumer's vehicles and drivers", async () => {
    await paidPlanOrder(t, other, {
      ...seedPlanInput(),
      vehicleId: ids.otherCar,
      quotationId: ids.otherCarQuotation,
      plans: [
        { planId: ids.compulsory, items: [{ planItemId: ids.compulsoryItem, price: '1425.00' }] },
      ],
      promotionId: null,
      summary: '1425.00',
      payment: '1425.00',
      vehicleValue: '200000.00',
    });
    const res = await t.gql(
      ConsumerVehiclesDocument,
      { consumerId: demo.otherConsumer.id },
      { token: operator },
    );
    expect(res.errors).toBeUndefined();
    const owner = res.data!.orders.edges[0].node.consumer;
    expect(owner.vehicles.map((v) => v.id)).toEqual([ids.otherCar]);
    expect(owner.drivers).toHaveLength(2);
  });

  it('answers vehicle(id) for its owner and staff, FORBIDDEN for another consumer, null when unknown', async () => {
    const own = await t.gql(VehicleByIdDocument, { id: ids.car }, { token: consumer });
    expect(own.data?.vehicle).toMatchObject({ plateNumber: '京A·12345', drivers: [] });
    const staff = await t.gql(VehicleByIdDocument, { id: ids.car }, { token: operator });
    expect(staff.data?.vehicle?.id).toBe(ids.car);
    const foreign = await t.gql(VehicleByIdDocument, { id: ids.car }, { token: other });
    expect(foreign.errors?.[0].extensions?.code).toBe('FORBIDDEN');
    for (const id of ['00000000-0000-4000-8000-000000000000', 'not-a-uuid']) {
      const res = await t.gql(VehicleByIdDocument, { id }, { token: consumer });
      expect(res.errors).toBeUndefined();
      expect(res.data?.vehicle).toBeNull();
    }
    const anonymous = await t.gql(VehicleByIdDocument, { id: ids.car });
    expect(anonymous.errors?.[0].extensions?.code).toBe('UNAUTHENTICATED');
  });
});

describe('demo data', () => {
  it('can be seeded again without adding or changing anything', async () => {
    const tables = [
      'vehicles',
      'drivers',
      'insurance_plans',
      'insurance_plan_items',
      'quotations',
      'quoted_items',
      'promotions',
    ];
    const count = async () => Promise.all(tables.map((table) => countRows(t, table)));
    const before = await count();
    expect(before.every((n) => n > 0)).toBe(true);
    await seedInsurance(t.app.orm.em.fork());
    expect(await count()).toEqual(before);
  });
});

describe('placeAnPlanOrder', () => {
  it('places the seed example: 6000 of items less the 500 promotion is 5500.00, waiting for payment', async () => {
    const res = await t.gql(
      PlaceAnPlanOrderDocument,
      { input: seedPlanInput() },
      { token: consumer },
    );
    expect(res.data?.placeAnPlanOrder.errors).toEqual([]);
    const order = res.data!.placeAnPlanOrder.order!;
    expect(order).toMatchObject({
      kind: 'PLAN',
      status: 'PENDING_PAYMENT',
      statusCode: 1,
      statusLabel: '待支付',
      payment: '5500.00',
      summary: '6000.00',
      serviceRatio: 0,
      vehicleValue: '100000.00',
      quotationId: ids.carQuotation,
      promotion: { id: ids.newCustomer, price: '500.00' },
      vehicle: { id: ids.car },
      startAt: null,
      stopAt: null,
      underwrite: null,
    });
    expect(order.orderNo).toMatch(/^PL\d{14}$/);
    expect(order.plans.map((p) => p.id)).toEqual([ids.basic, ids.addOns]);
    expect(order.items.map((i) => [i.planItem.id, i.price])).toEqual([
      [ids.thirdParty, '1000.00'],
      [ids.damage, '2000.00'],
      [ids.theft, '1000.00'],
      [ids.waiver, '2000.00'],
    ]);
    // The seed's order_items: each item's parent is its plan within this order.
    const { rows } = await t.db.query(
      `select plan_id, price from insurance_order_items where order_id = $1 order by position`,
      [order.id],
    );
    expect(rows.map((r) => r.plan_id)).toEqual([ids.basic, ids.basic, ids.addOns, ids.addOns]);
    const events = await t.db.query(
      `select type, to_status from order_events where order_id = $1`,
      [order.id],
    );
    expect(events.rows).toEqual([{ type: 'ORDER_CREATED', to_status: 'PENDING_PAYMENT' }]);
  });

  it('adds the service fee before the promotion: 6000 × (1 + 0.05) − 200 = 6100.00', async () => {
    const input = seedPlanInput({
      serviceRatio: 0.05,
      promotionId: ids.singlesDay,
      payment: '6100.00',
    });
    const res = await t.gql(PlaceAnPlanOrderDocument, { input }, { token: consumer });
    expect(res.data?.placeAnPlanOrder.errors).toEqual([]);
    expect(res.data?.placeAnPlanOrder.order).toMatchObject({
      payment: '6100.00',
      serviceRatio: 0.05,
    });
  });

  it('rounds the service fee half-up to cents: 6000 × 1.0333 = 6199.80, without a promotion', async () => {
    const input = seedPlanInput({ serviceRatio: 0.0333, promotionId: null, payment: '6199.80' });
    const res = await t.gql(PlaceAnPlanOrderDocument, { input }, { token: consumer });
    expect(res.data?.placeAnPlanOrder.errors).toEqual([]);
  });

  it("refuses wrong prices with PRICE_MISMATCH naming the server's figures, and saves nothing", async () => {
    const before = await insuranceRowCounts(t);
    const input = seedPlanInput({ summary: '5900.00', payment: '6000.00' });
    input.plans[0].items[0].price = '900.00';
    const res = await t.gql(PlaceAnPlanOrderDocument, { input }, { token: consumer });
    const payload = res.data!.placeAnPlanOrder;
    expect(payload.order).toBeNull();
    expect(payload.errors).toEqual([
      {
        code: 'PRICE_MISMATCH',
        message: 'Item "第三者责任险 Third-party liability" is quoted at 1000.00, not 900.00.',
        field: ['input', 'plans', '0', 'items', '0', 'price'],
      },
      {
        code: 'PRICE_MISMATCH',
        message: 'summary (the sum of the quoted item prices) should be 6000.00, not 5900.00.',
        field: ['input', 'summary'],
      },
      {
        code: 'PRICE_MISMATCH',
        message: 'payment should be 5500.00 = 6000.00 × (1 + 0) − 500.00, not 6000.00.',
        field: ['input', 'payment'],
      },
    ]);
    expect(await insuranceRowCounts(t)).toEqual(before);
  });

  it("refuses an unknown vehicle and another consumer's alike, as NOT_FOUND", async () => {
    for (const vehicleId of [ids.otherCar, '00000000-0000-4000-8000-000000000000', 'x']) {
      const res = await t.gql(
        PlaceAnPlanOrderDocument,
        { input: seedPlanInput({ vehicleId }) },
        { token: consumer },
      );
      expect(res.data?.placeAnPlanOrder.errors).toEqual([
        {
          code: 'NOT_FOUND',
          message: 'You have no vehicle with this id.',
          field: ['input', 'vehicleId'],
        },
      ]);
    }
  });

  it("refuses another vehicle's quotation", async () => {
    const res = await t.gql(
      PlaceAnPlanOrderDocument,
      { input: seedPlanInput({ quotationId: ids.secondCarQuotation }) },
      { token: consumer },
    );
    expect(res.data?.placeAnPlanOrder.errors.map((e) => [e.code, e.field])).toEqual([
      ['NOT_FOUND', ['input', 'quotationId']],
    ]);
  });

  it('refuses no plans, an empty plan, an item of another plan, a plan or item twice, an unknown plan', async () => {
    const before = await insuranceRowCounts(t);
    const none = await t.gql(
      PlaceAnPlanOrderDocument,
      { input: seedPlanInput({ plans: [] }) },
      { token: consumer },
    );
    expect(none.data?.placeAnPlanOrder.errors.map((e) => [e.code, e.field])).toEqual([
      ['INVALID_INPUT', ['input', 'plans']],
    ]);
    const input = seedPlanInput({
      plans: [
        { planId: ids.basic, items: [] },
        { planId: ids.addOns, items: [{ planItemId: ids.damage, price: '2000.00' }] },
        {
          planId: ids.compulsory,
          items: [
            { planItemId: ids.compulsoryItem, price: '950.00' },
            { planItemId: ids.compulsoryItem, price: '950.00' },
          ],
        },
        { planId: ids.compulsory, items: [{ planItemId: ids.compulsoryItem, price: '950.00' }] },
        { planId: '00000000-0000-4000-8000-000000000000', items: [] },
      ],
    });
    const res = await t.gql(PlaceAnPlanOrderDocument, { input }, { token: consumer });
    expect(res.data?.placeAnPlanOrder.errors.map((e) => [e.code, e.field!.join('.')])).toEqual([
      ['INVALID_INPUT', 'input.plans.0.items'],
      ['INVALID_INPUT', 'input.plans.1.items.0.planItemId'],
      ['INVALID_INPUT', 'input.plans.2.items.1.planItemId'],
      ['INVALID_INPUT', 'input.plans.3.planId'],
      ['NOT_FOUND', 'input.plans.4.planId'],
    ]);
    expect(await insuranceRowCounts(t)).toEqual(before);
  });

  it('refuses a service ratio outside 0..1 or finer than four places, an unknown promotion, a wrong vehicle value, a past expectAt', async () => {
    const cases: [Partial<ReturnType<typeof seedPlanInput>>, string, string][] = [
      [{ serviceRatio: 1.5 }, 'INVALID_INPUT', 'serviceRatio'],
      [{ serviceRatio: -0.1 }, 'INVALID_INPUT', 'serviceRatio'],
      [{ serviceRatio: 0.00001 }, 'INVALID_INPUT', 'serviceRatio'],
      [{ promotionId: '00000000-0000-4000-8000-000000000000' }, 'NOT_FOUND', 'promotionId'],
      [{ vehicleValue: '90000.00' }, 'PRICE_MISMATCH', 'vehicleValue'],
      [{ expectAt: '2016-08-01T00:00:00.000+08:00' }, 'INVALID_INPUT', 'expectAt'],
    ];
    for (const [override, code, field] of cases) {
      const res = await t.gql(
        PlaceAnPlanOrderDocument,
        { input: seedPlanInput(override) },
        { token: consumer },
      );
      expect(res.data?.placeAnPlanOrder.errors.map((e) => [e.code, e.field])).toEqual([
        [code, ['input', field]],
      ]);
    }
  });

  it('rejects a price with three decimal places at the edge as BAD_USER_INPUT', async () => {
    const res = await t.gql(
      PlaceAnPlanOrderDocument,
      { input: seedPlanInput({ payment: '5500.001' }) },
      { token: consumer },
    );
    expect(res.errors?.[0].extensions?.code).toBe('BAD_USER_INPUT');
  });

  it('pays into PAID 已支付 (code 2), and cancels only before payment', async () => {
    const placed = await t.gql(
      PlaceAnPlanOrderDocument,
      { input: seedPlanInput() },
      { token: consumer },
    );
    const orderId = placed.data!.placeAnPlanOrder.order!.id;
    const paid = await pay(orderId, consumer);
    expect(paid.data?.payOrder.order).toMatchObject({ status: 'PAID' });
    expect(paid.data?.payOrder.transaction?.amount).toBe('-5500.00');
    const order = await t.gql(InsuranceOrderDocument, { id: orderId }, { token: consumer });
    expect(order.data?.order).toMatchObject({ statusCode: 2, statusLabel: '已支付' });
    const cancel = await t.gql(CancelOrderDocument, { orderId }, { token: consumer });
    expect(cancel.data?.cancelOrder.errors[0].code).toBe('INVALID_TRANSITION');

    const another = await t.gql(
      PlaceAnPlanOrderDocument,
      { input: seedPlanInput() },
      { token: consumer },
    );
    const cancelled = await t.gql(
      CancelOrderDocument,
      { orderId: another.data!.placeAnPlanOrder.order!.id },
      { token: consumer },
    );
    expect(cancelled.data?.cancelOrder.order?.status).toBe('CANCELLED');
  });
});

describe('placeAnDriverOrder', () => {
  const seedDriverInput = {
    vehicleId: ids.car,
    driverIds: ids.drivers,
    summary: '200.00',
    payment: '200.00',
  };

  it('places the seed example (4 drivers at 50.00: 200.00); once paid it is EFFECTIVE for a year and the drivers count', async () => {
    const res = await t.gql(
      PlaceAnDriverOrderDocument,
      { input: seedDriverInput },
      { token: consumer },
    );
    expect(res.data?.placeAnDriverOrder.errors).toEqual([]);
    const order = res.data!.placeAnDriverOrder.order!;
    expect(order).toMatchObject({
      kind: 'DRIVER',
      status: 'PENDING_PAYMENT',
      summary: '200.00',
      payment: '200.00',
    });
    expect(order.orderNo).toMatch(/^DR/);
    expect(order.drivers.map((d) => d.id)).toEqual(ids.drivers);
    const before = await t.gql(
      DriversOfVehicleDocument,
      { vehicleId: ids.car },
      { token: consumer },
    );
    expect(before.data?.driversOfVehicle).toEqual([]);

    const paid = await pay(order.id, consumer);
    expect(paid.data?.payOrder.order?.status).toBe('EFFECTIVE');
    const after = await t.gql(InsuranceOrderDocument, { id: order.id }, { token: consumer });
    const effective = after.data!.order!;
    expect(effective).toMatchObject({ status: 'EFFECTIVE', statusCode: 5, statusLabel: '已生效' });
    const { startAt, stopAt } = effective as { startAt: string; stopAt: string };
    const start = new Date(startAt);
    expect(Math.abs(start.getTime() - Date.now())).toBeLessThan(60_000);
    const stop = new Date(start);
    stop.setUTCFullYear(stop.getUTCFullYear() + 1);
    expect(stopAt).toBe(stop.toISOString());
    expect(effective.events.map((e) => [e.type, e.toStatus])).toEqual([
      ['ORDER_CREATED', 'PENDING_PAYMENT'],
      ['STATUS_CHANGED', 'PAID'],
      ['STATUS_CHANGED', 'EFFECTIVE'],
    ]);
    const drivers = await t.gql(
      DriversOfVehicleDocument,
      { vehicleId: ids.car },
      { token: consumer },
    );
    expect(drivers.data?.driversOfVehicle.map((d) => d.id)).toEqual(ids.drivers);
    const vehicle = await t.gql(VehicleByIdDocument, { id: ids.car }, { token: consumer });
    expect(vehicle.data?.vehicle?.drivers.map((d) => d.name)).toEqual([
      '张伟 Zhang Wei',
      '王芳 Wang Fang',
      '李娜 Li Na',
      '刘洋 Liu Yang',
    ]);
  });

  it('refuses a driver who already drives the vehicle under an effective order', async () => {
    const res = await t.gql(
      PlaceAnDriverOrderDocument,
      {
        input: {
          vehicleId: ids.car,
          driverIds: [ids.drivers[0]],
          summary: '50.00',
          payment: '50.00',
        },
      },
      { token: consumer },
    );
    expect(res.data?.placeAnDriverOrder.errors.map((e) => [e.code, e.field])).toEqual([
      ['INVALID_INPUT', ['input', 'driverIds', '0']],
    ]);
  });

  it('refuses a wrong summary or payment with the fee in the message, and saves nothing', async () => {
    const before = await insuranceRowCounts(t);
    const res = await t.gql(
      PlaceAnDriverOrderDocument,
      {
        input: {
          vehicleId: ids.secondCar,
          driverIds: ids.drivers,
          summary: '100.00',
          payment: '90.00',
        },
      },
      { token: consumer },
    );
    expect(res.data?.placeAnDriverOrder.errors).toEqual([
      {
        code: 'PRICE_MISMATCH',
        message: 'summary (4 drivers × 50.00) should be 200.00, not 100.00.',
        field: ['input', 'summary'],
      },
      {
        code: 'PRICE_MISMATCH',
        message: 'payment (the summary) should be 200.00, not 90.00.',
        field: ['input', 'payment'],
      },
    ]);
    expect(await insuranceRowCounts(t)).toEqual(before);
  });

  it("refuses another consumer's driver or vehicle, an unknown driver, a driver twice, and no drivers", async () => {
    const cases: [Record<string, unknown>, string, string[]][] = [
      [{ driverIds: [ids.otherDriver] }, 'NOT_FOUND', ['input', 'driverIds', '0']],
      [
        { driverIds: ['00000000-0000-4000-8000-000000000000'] },
        'NOT_FOUND',
        ['input', 'driverIds', '0'],
      ],
      [
        { driverIds: [ids.drivers[1], ids.drivers[1]], summary: '100.00', payment: '100.00' },
        'INVALID_INPUT',
        ['input', 'driverIds', '1'],
      ],
      [{ driverIds: [] }, 'INVALID_INPUT', ['input', 'driverIds']],
      [{ vehicleId: ids.otherCar }, 'NOT_FOUND', ['input', 'vehicleId']],
    ];
    for (const [override, code, field] of cases) {
      const input = {
        vehicleId: ids.secondCar,
        driverIds: [ids.drivers[0]],
        summary: '50.00',
        payment: '50.00',
        ...override,
      };
      const res = await t.gql(
        PlaceAnDriverOrderDocument,
        { input: input as any },
        { token: consumer },
      );
      expect(res.data?.placeAnDriverOrder.errors.map((e) => [e.code, e.field])).toEqual([
        [code, field],
      ]);
    }
  });

  it('lets only one of two orders adding the same driver take effect, even when paid at once', async () => {
    const place = () =>
      t.gql(
        PlaceAnDriverOrderDocument,
        {
          input: {
            vehicleId: ids.secondCar,
            driverIds: [ids.drivers[1]],
            summary: '50.00',
            payment: '50.00',
          },
        },
        { token: consumer },
      );
    const orderIds = [
      (await place()).data!.placeAnDriverOrder.order!.id,
      (await place()).data!.placeAnDriverOrder.order!.id,
    ];
    const paid = await concurrently(2, (i) => pay(orderIds[i], consumer));
    const outcomes = paid.map((r) => r.data!.payOrder);
    expect(outcomes.filter((o) => o.order?.status === 'EFFECTIVE')).toHaveLength(1);
    expect(outcomes.flatMap((o) => o.errors.map((e) => e.code))).toEqual(['INVALID_INPUT']);
    const { rows } = await t.db.query(
      `select count(*)::int as n from bank_transactions where order_id = any($1::uuid[])`,
      [orderIds],
    );
    expect(rows[0].n).toBe(1);
    const drivers = await t.gql(
      DriversOfVehicleDocument,
      { vehicleId: ids.secondCar },
      { token: consumer },
    );
    expect(drivers.data?.driversOfVehicle.map((d) => d.id)).toEqual([ids.drivers[1]]);
  });

  it('makes an order EFFECTIVE when staff records an offline payment with updateOrderState', async () => {
    const placed = await t.gql(
      PlaceAnDriverOrderDocument,
      {
        input: {
          vehicleId: ids.thirdCar,
          driverIds: ids.thirdDrivers,
          summary: '100.00',
          payment: '100.00',
        },
      },
      { token: third },
    );
    const orderId = placed.data!.placeAnDriverOrder.order!.id;
    const res = await t.gql(
      UpdateOrderStateDocument,
      { orderId, status: 'PAID' },
      { token: operator },
    );
    expect(res.data?.updateOrderState.errors).toEqual([]);
    expect(res.data?.updateOrderState.order).toMatchObject({ status: 'EFFECTIVE', statusCode: 5 });
    const drivers = await t.gql(
      DriversOfVehicleDocument,
      { vehicleId: ids.thirdCar },
      { token: third },
    );
    expect(drivers.data?.driversOfVehicle.map((d) => d.id)).toEqual(ids.thirdDrivers);
    // Nothing moved through the bank: it was paid offline.
    const { rows } = await t.db.query(
      `select count(*)::int as n from bank_transactions where order_id = $1`,
      [orderId],
    );
    expect(rows[0].n).toBe(0);
    const byHand = await t.gql(
      UpdateOrderStateDocument,
      { orderId, status: 'PAID' },
      { token: third },
    );
    expect(byHand.errors?.[0].extensions?.code).toBe('FORBIDDEN');
  });
});

describe('placeAnSaleOrder', () => {
  it('places a sale order at the quoted prices; paid, it is EFFECTIVE', async () => {
    const input = {
      vehicleId: ids.secondCar,
      quotationId: ids.secondCarQuotation,
      items: [
        { planItemId: ids.compulsoryItem, price: '760.00' },
        { planItemId: ids.glass, price: '240.00' },
      ],
      summary: '1000.00',
      payment: '1000.00',
    };
    const res = await t.gql(PlaceAnSaleOrderDocument, { input }, { token: consumer });
    expect(res.data?.placeAnSaleOrder.errors).toEqual([]);
    const order = res.data!.placeAnSaleOrder.order!;
    expect(order).toMatchObject({
      kind: 'SALE',
      status: 'PENDING_PAYMENT',
      summary: '1000.00',
      quotationId: ids.secondCarQuotation,
    });
    expect(order.items.map((i) => i.planItem.id)).toEqual([ids.compulsoryItem, ids.glass]);
    // The seed's order_items: a sale order's items have the order itself as parent.
    const { rows } = await t.db.query(
      `select plan_id from insurance_order_items where order_id = $1`,
      [order.id],
    );
    expect(rows.map((r) => r.plan_id)).toEqual([null, null]);
    const paid = await pay(order.id, consumer);
    expect(paid.data?.payOrder.order?.status).toBe('EFFECTIVE');
  });

  it("refuses a price other than the quoted one, an unquoted item, no items, and another consumer's vehicle", async () => {
    const base = {
      vehicleId: ids.secondCar,
      quotationId: ids.secondCarQuotation,
      summary: '760.00',
      payment: '760.00',
    };
    const wrongPrice = await t.gql(
      PlaceAnSaleOrderDocument,
      {
        input: {
          ...base,
          items: [{ planItemId: ids.compulsoryItem, price: '950.00' }],
          summary: '950.00',
          payment: '950.00',
        },
      },
      { token: consumer },
    );
    expect(wrongPrice.data?.placeAnSaleOrder.errors.map((e) => e.message)).toEqual([
      'Item "交强险 Compulsory liability" is quoted at 760.00, not 950.00.',
      'summary (the sum of the quoted item prices) should be 760.00, not 950.00.',
      'payment (the summary) should be 760.00, not 950.00.',
    ]);
    // A plan item added to the catalog after the quotation was made has no quoted price.
    const { rows } = await t.db.query(
      `insert into insurance_plan_items (plan_id, name, price) values ($1, 'New coverage', 10) returning id`,
      [ids.compulsory],
    );
    const unquoted = await t.gql(
      PlaceAnSaleOrderDocument,
      { input: { ...base, items: [{ planItemId: rows[0].id, price: '10.00' }] } },
      { token: consumer },
    );
    expect(unquoted.data?.placeAnSaleOrder.errors.map((e) => [e.code, e.field])).toEqual([
      ['INVALID_INPUT', ['input', 'items', '0', 'planItemId']],
    ]);
    const empty = await t.gql(
      PlaceAnSaleOrderDocument,
      { input: { ...base, items: [] } },
      { token: consumer },
    );
    expect(empty.data?.placeAnSaleOrder.errors[0].code).toBe('INVALID_INPUT');
    const foreign = await t.gql(
      PlaceAnSaleOrderDocument,
      { input: { ...base, vehicleId: ids.otherCar, items: [] } },
      { token: consumer },
    );
    expect(foreign.data?.placeAnSaleOrder.errors[0].code).toBe('NOT_FOUND');
  });

  it('saves nothing when a price, the summary or the payment is not the quoted one', async () => {
    const before = await insuranceRowCounts(t);
    const res = await t.gql(
      PlaceAnSaleOrderDocument,
      {
        input: {
          vehicleId: ids.secondCar,
          quotationId: ids.secondCarQuotation,
          items: [
            { planItemId: ids.compulsoryItem, price: '760.00' },
            { planItemId: ids.glass, price: '200.00' },
          ],
          summary: '960.00',
          payment: '900.00',
        },
      },
      { token: consumer },
    );
    expect(res.data?.placeAnSaleOrder.order).toBeNull();
    expect(res.data?.placeAnSaleOrder.errors.map((e) => [e.code, e.field!.join('.')])).toEqual([
      ['PRICE_MISMATCH', 'input.items.1.price'],
      ['PRICE_MISMATCH', 'input.summary'],
      ['PRICE_MISMATCH', 'input.payment'],
    ]);
    expect(await insuranceRowCounts(t)).toEqual(before);
  });

  it('refuses an unknown vehicle as NOT_FOUND for driver and sale orders alike, saving nothing', async () => {
    const before = await insuranceRowCounts(t);
    for (const vehicleId of ['00000000-0000-4000-8000-000000000000', 'not-a-uuid']) {
      const driver = await t.gql(
        PlaceAnDriverOrderDocument,
        { input: { vehicleId, driverIds: [ids.drivers[0]], summary: '50.00', payment: '50.00' } },
        { token: consumer },
      );
      const sale = await t.gql(
        PlaceAnSaleOrderDocument,
        {
          input: {
            vehicleId,
            quotationId: ids.secondCarQuotation,
            items: [{ planItemId: ids.compulsoryItem, price: '760.00' }],
            summary: '760.00',
            payment: '760.00',
          },
        },
        { token: consumer },
      );
      for (const errors of [
        driver.data?.placeAnDriverOrder.errors,
        sale.data?.placeAnSaleOrder.errors,
      ]) {
        expect(errors).toEqual([
          {
            code: 'NOT_FOUND',
            message: 'You have no vehicle with this id.',
            field: ['input', 'vehicleId'],
          },
        ]);
      }
    }
    expect(await insuranceRowCounts(t)).toEqual(before);
  });
});

describe('bad ids', () => {
  it("gives no drivers for an unknown vehicle, and FORBIDDEN for another consumer's", async () => {
    for (const vehicleId of ['00000000-0000-4000-8000-000000000000', 'not-a-uuid']) {
      const res = await t.gql(DriversOfVehicleDocument, { vehicleId }, { token: consumer });
      expect(res.errors).toBeUndefined();
      expect(res.data?.driversOfVehicle).toEqual([]);
    }
    const foreign = await t.gql(
      DriversOfVehicleDocument,
      { vehicleId: ids.otherCar },
      { token: consumer },
    );
    expect(foreign.errors?.[0].extensions?.code).toBe('FORBIDDEN');
  });

  it('answers updateOrderState on an unknown order with NOT_FOUND', async () => {
    for (const orderId of ['00000000-0000-4000-8000-000000000000', 'not-a-uuid']) {
      const res = await t.gql(
        UpdateOrderStateDocument,
        { orderId, status: 'EXPIRED' },
        { token: operator },
      );
      expect(res.data?.updateOrderState).toEqual({
        order: null,
        errors: [{ code: 'NOT_FOUND', message: 'No such order.' }],
      });
    }
  });
});

describe('expiry', () => {
  it('moves EFFECTIVE orders past their stopAt to EXPIRED 已失效 (code 9) by the clock, and their drivers stop counting', async () => {
    const placed = await t.gql(
      PlaceAnDriverOrderDocument,
      {
        input: {
          vehicleId: ids.otherCar,
          driverIds: [ids.otherDriver],
          summary: '50.00',
          payment: '50.00',
        },
      },
      { token: other },
    );
    const orderId = placed.data!.placeAnDriverOrder.order!.id;
    await pay(orderId, other);
    expect(await expireDueOrders(t.app.orm.em.fork())).toBe(0);
    const inTwoYears = new Date(Date.now() + 2 * 366 * 24 * 3600 * 1000);
    expect(await expireDueOrders(t.app.orm.em.fork(), inTwoYears)).toBeGreaterThanOrEqual(1);
    const order = await t.gql(InsuranceOrderDocument, { id: orderId }, { token: other });
    expect(order.data?.order).toMatchObject({
      status: 'EXPIRED',
      statusCode: 9,
      statusLabel: '已失效',
    });
    expect(order.data?.order?.events.at(-1)).toMatchObject({
      type: 'STATUS_CHANGED',
      toStatus: 'EXPIRED',
      actor: null,
    });
    const drivers = await t.gql(
      DriversOfVehicleDocument,
      { vehicleId: ids.otherCar },
      { token: other },
    );
    expect(drivers.data?.driversOfVehicle).toEqual([]);
  });

  it('refuses to expire a sale order by hand before its stopAt, then allows it after', async () => {
    const placed = await t.gql(
      PlaceAnSaleOrderDocument,
      {
        input: {
          vehicleId: ids.thirdCar,
          quotationId: ids.thirdCarQuotation,
          items: [{ planItemId: ids.glass, price: '360.00' }],
          summary: '360.00',
          payment: '360.00',
        },
      },
      { token: third },
    );
    const orderId = placed.data!.placeAnSaleOrder.order!.id;
    expect((await pay(orderId, third)).data?.payOrder.order?.status).toBe('EFFECTIVE');
    const expire = () =>
      t.gql(UpdateOrderStateDocument, { orderId, status: 'EXPIRED' }, { token: operator });
    const early = await expire();
    expect(early.data?.updateOrderState.errors.map((e) => e.code)).toEqual(['INVALID_TRANSITION']);
    const order = await t.gql(InsuranceOrderDocument, { id: orderId }, { token: third });
    expect(order.data?.order?.status).toBe('EFFECTIVE');
    expect(order.data?.order?.events.map((e) => e.toStatus).at(-1)).toBe('EFFECTIVE');
    await endPeriod(t, orderId, 'sale_order_ext');
    expect((await expire()).data?.updateOrderState.order?.status).toBe('EXPIRED');
  });
});

describe('the expiry clock', () => {
  let fast: TestApp;
  beforeAll(async () => {
    fast = await startTestApp({ config: { insuranceExpirySweepMs: 200 } });
  });
  afterAll(() => fast?.close());

  it('expires an order by itself once its stopAt has passed, with an event by no one', async () => {
    const token = await fast.login(demo.consumer);
    const placed = await fast.gql(
      PlaceAnDriverOrderDocument,
      {
        input: {
          vehicleId: ids.car,
          driverIds: [ids.drivers[0]],
          summary: '50.00',
          payment: '50.00',
        },
      },
      { token },
    );
    const orderId = placed.data!.placeAnDriverOrder.order!.id;
    const paid = await fast.gql(
      PayOrderDocument,
      { orderId, payType: 'BALANCE', key: 'clock-1' },
      { token },
    );
    expect(paid.data?.payOrder.order?.status).toBe('EFFECTIVE');
    // Sweeps meanwhile leave it alone: its year has not passed.
    await new Promise((r) => setTimeout(r, 500));
    const read = () => fast.gql(InsuranceOrderDocument, { id: orderId }, { token });
    expect((await read()).data?.order?.status).toBe('EFFECTIVE');

    await endPeriod(fast, orderId, 'driver_order_ext');
    const deadline = Date.now() + 10_000;
    let order = (await read()).data!.order!;
    while (order.status !== 'EXPIRED' && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 100));
      order = (await read()).data!.order!;
    }
    expect(order).toMatchObject({ status: 'EXPIRED', statusCode: 9, statusLabel: '已失效' });
    expect(order.events.at(-1)).toMatchObject({
      type: 'STATUS_CHANGED',
      fromStatus: 'EFFECTIVE',
      toStatus: 'EXPIRED',
      actor: null,
    });
    const drivers = await fast.gql(DriversOfVehicleDocument, { vehicleId: ids.car }, { token });
    expect(drivers.data?.driversOfVehicle).toEqual([]);
  });
});

describe('listing insurance orders', () => {
  it('shows every kind with its own fields in a fixed number of SQL statements', async () => {
    const run = async (first: number) => {
      statements = 0;
      counting = true;
      const res = await t.gql(InsuranceOrdersDocument, { first }, { token: consumer });
      counting = false;
      expect(res.errors).toBeUndefined();
      return { count: statements, nodes: res.data!.orders.edges.map((e) => e.node) };
    };
    await paidPlanOrder(t, consumer, seedPlanInput());
    const small = await run(2);
    const large = await run(20);
    expect(large.nodes.length).toBeGreaterThan(6);
    expect(new Set(large.nodes.map((n) => n.kind))).toEqual(new Set(['PLAN', 'DRIVER', 'SALE']));
    expect(large.count).toBeLessThanOrEqual(small.count + 4);
  });

  it("keeps a consumer out of another consumer's insurance order", async () => {
    const orderId = await paidPlanOrder(t, third, thirdConsumerPlanInput());
    const res = await t.gql(InsuranceOrderDocument, { id: orderId }, { token: consumer });
    expect(res.errors?.[0].extensions?.code).toBe('FORBIDDEN');
  });
});
