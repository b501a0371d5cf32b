import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  AddPlantCapabilityDocument,
  AnalyzeChipOrderDocument,
  CatalogHistoryDocument,
  ConfirmChipOrderDocument,
  ConfirmShopOrderDocument,
  CreateChipDocument,
  CreateInsurancePlanDocument,
  CreatePlantDocument,
  CreateProductDocument,
  CreatePromotionDocument,
  CreateQuotationDocument,
  CreateShopDocument,
  PayOrderDocument,
  PlaceAnPlanOrderDocument,
  ProductionClockDocument,
  QuoteCartDocument,
  RegisterVehicleDocument,
} from '../generated/graphql.ts';
import { demo, startTestApp, type TestApp } from '../utils/test-app.ts';
import { inDays, payloadOf, tag } from './catalog-fixtures.ts';
import { tomorrow } from './insurance-fixtures.ts';
import { ADDRESS } from './shop-fixtures.ts';

/*
 * Issue 15's "done": a new shop, insurer and fab set up through GraphQL alone (no SQL, no demo
 * catalogue), and a consumer orders from each of them.
 */

let t: TestApp;
let admin: string;
let operator: string;
let buyer: string;
const name = tag();

beforeAll(async () => {
  t = await startTestApp();
  [admin, operator, buyer] = await Promise.all([
    t.login(demo.admin),
    t.login(demo.operator),
    t.login(demo.otherConsumer),
  ]);
});
afterAll(() => t?.close());

const pay = async (orderId: string) => {
  const res = await t.gql(
    PayOrderDocument,
    { orderId, payType: 'BALANCE', key: `setup-${orderId}` },
    { token: buyer },
  );
  return payloadOf<{ order: { status: string }; transaction: { amount: string } }>(res, 'payOrder');
};

describe('a new business, set up through the API alone', () => {
  it('opens a shop with products, and a consumer buys from it', async () => {
    const shop = payloadOf<{ shop: { id: string } }>(
      await t.gql(
        CreateShopDocument,
        { input: { cnName: `花店 ${name}`, enName: `Flower shop ${name}` } },
        { token: admin },
      ),
      'createShop',
    ).shop;
    const products: string[] = [];
    for (const [product, price] of [
      ['玫瑰 Roses (12)', '99.00'],
      ['百合 Lilies (6)', '68.50'],
    ]) {
      const res = await t.gql(
        CreateProductDocument,
        { input: { shopId: shop.id, name: product, price, stock: 20 } },
        { token: admin },
      );
      products.push(payloadOf<{ product: { id: string } }>(res, 'createProduct').product.id);
    }
    const cart = {
      shopId: shop.id,
      products: [
        { productId: products[0], count: 2 },
        { productId: products[1], count: 1 },
      ],
    };
    const quote = await t.gql(QuoteCartDocument, { input: cart }, { token: buyer });
    expect(quote.data!.cartQuote).toMatchObject({ payment: '266.50', errors: [] });
    const confirmed = payloadOf<{ order: { id: string; payment: string } }>(
      await t.gql(
        ConfirmShopOrderDocument,
        { input: { ...cart, address: ADDRESS } },
        { token: buyer },
      ),
      'confirmShopOrder',
    ).order;
    expect(confirmed.payment).toBe('266.50');
    expect(await pay(confirmed.id)).toMatchObject({
      order: { status: 'PAID' },
      transaction: { amount: '-266.50' },
    });
  });

  it("starts an insurance plan, registers a customer's car and quotes it, and the customer insures it", async () => {
    const plan = payloadOf<{ plan: { id: string; items: { id: string }[] } }>(
      await t.gql(
        CreateInsurancePlanDocument,
        {
          input: {
            name: `全险 Full cover ${name}`,
            items: [
              { name: '车损 Damage', price: '3000.00' },
              { name: '三者 Third party', price: '1500.00' },
            ],
          },
        },
        { token: admin },
      ),
      'createInsurancePlan',
    ).plan;
    const promotion = payloadOf<{ promotion: { id: string } }>(
      await t.gql(
        CreatePromotionDocument,
        { input: { name: `开业 Opening ${name}`, price: '200.00' } },
        { token: admin },
      ),
      'createPromotion',
    ).promotion;
    const vehicle = payloadOf<{ vehicle: { id: string } }>(
      await t.gql(
        RegisterVehicleDocument,
        {
          input: { ownerId: demo.otherConsumer.id, plateNumber: `粤B·${name}`, value: '180000.00' },
        },
        { token: operator },
      ),
      'registerVehicle',
    ).vehicle;
    const [damage, thirdParty] = plan.items.map((i) => i.id);
    const quotation = payloadOf<{ quotation: { id: string; valid: boolean } }>(
      await t.gql(
        CreateQuotationDocument,
        {
          input: {
            vehicleId: vehicle.id,
            validUntil: inDays(30),
            items: [
              { planItemId: damage, price: '2700.00' },
              { planItemId: thirdParty, price: '1300.00' },
            ],
          },
        },
        { token: operator },
      ),
      'createQuotation',
    ).quotation;
    expect(quotation.valid).toBe(true);
    const placed = payloadOf<{ order: { id: string; payment: string } }>(
      await t.gql(
        PlaceAnPlanOrderDocument,
        {
          input: {
            vehicleId: vehicle.id,
            quotationId: quotation.id,
            plans: [
              {
                planId: plan.id,
                items: [
                  { planItemId: damage, price: '2700.00' },
                  { planItemId: thirdParty, price: '1300.00' },
                ],
              },
            ],
            promotionId: promotion.id,
            serviceRatio: 0.05,
            summary: '4000.00',
            payment: '4000.00',
            vehicleValue: '180000.00',
            expectAt: tomorrow(),
          },
        },
        { token: buyer },
      ),
      'placeAnPlanOrder',
    ).order;
    // 4000.00 × 1.05 − 200.00
    expect(placed.payment).toBe('4000.00');
    expect(await pay(placed.id)).toMatchObject({ transaction: { amount: '-4000.00' } });
  });

  it('sets up a chip with its steps and plants, and a consumer orders a lot of it', async () => {
    const chipName = `FL${name}`;
    payloadOf(
      await t.gql(
        CreateChipDocument,
        { input: { name: chipName, operations: [{ name: 'Lithography' }, { name: 'Packaging' }] } },
        { token: admin },
      ),
      'createChip',
    );
    const plants: string[] = [];
    for (const [step, [plant, unitCost, unitTime]] of [
      [`Fab ${name} North`, '12.00', 0.5],
      [`Fab ${name} South`, '8.00', 0.25],
    ].entries()) {
      const made = payloadOf<{ plant: { id: string; name: string } }>(
        await t.gql(CreatePlantDocument, { input: { name: String(plant) } }, { token: admin }),
        'createPlant',
      ).plant;
      payloadOf(
        await t.gql(
          AddPlantCapabilityDocument,
          {
            input: {
              plantId: made.id,
              chipName,
              step: step + 1,
              unitCost: String(unitCost),
              unitTime: Number(unitTime),
            },
          },
          { token: admin },
        ),
        'addPlantCapability',
      );
      plants.push(made.name);
    }
    const now = (await t.gql(ProductionClockDocument, {})).data!.productionClock.now;
    const input = {
      budget: '1000.00',
      expectedTime: now + 100,
      lots: [{ chipName, quantity: 40, plantNames: plants, startTimes: [now + 1, now + 21] }],
    };
    const analysis = await t.gql(AnalyzeChipOrderDocument, { input }, { token: buyer });
    expect(analysis.data!.analyzeChipOrder).toMatchObject({
      feasible: true,
      kpi: { totalCost: '800.00' },
    });
    const confirmed = payloadOf<{ order: { status: string; payment: string } }>(
      await t.gql(ConfirmChipOrderDocument, { input, key: `setup-chip-${name}` }, { token: buyer }),
      'confirmChipOrder',
    ).order;
    expect(confirmed).toMatchObject({ status: 'PAID', payment: '800.00' });
  });

  it('kept the history of every step, with who made it', async () => {
    const history = await t.gql(CatalogHistoryDocument, { first: 100 }, { token: operator });
    const made = history
      .data!.catalogHistory.edges.map((e) => e.node)
      // The demo data's entries have no actor.
      .filter((n) => n.action === 'CREATED' && n.actor)
      .map((n) => `${n.entityType} by ${n.actor?.id}`);
    expect(new Set(made)).toEqual(
      new Set([
        `SHOP by ${demo.admin.id}`,
        `PRODUCT by ${demo.admin.id}`,
        `INSURANCE_PLAN by ${demo.admin.id}`,
        `INSURANCE_PLAN_ITEM by ${demo.admin.id}`,
        `PROMOTION by ${demo.admin.id}`,
        `VEHICLE by ${demo.operator.id}`,
        `QUOTATION by ${demo.operator.id}`,
        `CHIP by ${demo.admin.id}`,
        `PLANT by ${demo.admin.id}`,
        `PLANT_CAPABILITY by ${demo.admin.id}`,
      ]),
    );
  });
});
