import { randomBytes } from 'node:crypto';
import {
  AddPlantCapabilityDocument,
  CreateChipDocument,
  CreateInsurancePlanDocument,
  CreatePlantDocument,
  CreateProductDocument,
  CreateQuotationDocument,
  CreateShopDocument,
  RegisterVehicleDocument,
} from '../generated/graphql.ts';
import type { GraphQLResponse, TestApp } from '../utils/test-app.ts';

/** Helpers of the catalogue tests: everything made through the API, as staff would. */

export const tag = () => randomBytes(4).toString('hex');

/** The payload of `field`, failing with the whole response when it carries errors. */
export function payloadOf<T>(res: GraphQLResponse<unknown>, field: string): T {
  const value = (res.data as Record<string, { errors?: unknown[] } | undefined> | null)?.[field];
  if (!value || (value.errors?.length ?? 0) > 0) {
    throw new Error(`${field} failed: ${JSON.stringify(res)}`);
  }
  return value as T;
}

export const inDays = (days: number) =>
  new Date(Date.now() + days * 24 * 3600 * 1000).toISOString();

/** A new shop with products, made by ADMIN through createShop and createProduct. */
export async function apiShop(
  t: TestApp,
  adminToken: string,
  products: { name?: string; price: string; stock: number }[],
) {
  const name = tag();
  const res = await t.gql(
    CreateShopDocument,
    { input: { cnName: `新店 ${name}`, enName: `New shop ${name}` } },
    { token: adminToken },
  );
  const shop = payloadOf<{ shop: { id: string; version: number } }>(res, 'createShop').shop;
  const productIds: string[] = [];
  for (const [i, p] of products.entries()) {
    const made = await t.gql(
      CreateProductDocument,
      {
        input: { shopId: shop.id, name: p.name ?? `商品 ${i + 1}`, price: p.price, stock: p.stock },
      },
      { token: adminToken },
    );
    productIds.push(payloadOf<{ product: { id: string } }>(made, 'createProduct').product.id);
  }
  return { id: shop.id, productIds };
}

/** A new plan with one item at `price`, made by ADMIN. */
export async function apiPlan(t: TestApp, adminToken: string, price = '800.00') {
  const res = await t.gql(
    CreateInsurancePlanDocument,
    { input: { name: `险 Plan ${tag()}`, items: [{ name: '车损 Damage', price }] } },
    { token: adminToken },
  );
  const plan = payloadOf<{ plan: { id: string; items: { id: string }[] } }>(
    res,
    'createInsurancePlan',
  ).plan;
  return { planId: plan.id, itemId: plan.items[0].id };
}

/** A new vehicle of `ownerId` (value 100000.00), registered by staff. */
export async function apiVehicle(t: TestApp, staffToken: string, ownerId: string) {
  const res = await t.gql(
    RegisterVehicleDocument,
    { input: { ownerId, plateNumber: `测${tag()}`, value: '100000.00' } },
    { token: staffToken },
  );
  return payloadOf<{ vehicle: { id: string; version: number } }>(res, 'registerVehicle').vehicle;
}

/** A quotation of one item for a vehicle, valid for `days` from now. */
export async function apiQuotation(
  t: TestApp,
  staffToken: string,
  vehicleId: string,
  items: { planItemId: string; price: string }[],
  days = 30,
) {
  const res = await t.gql(
    CreateQuotationDocument,
    { input: { vehicleId, validUntil: inDays(days), items } },
    { token: staffToken },
  );
  return payloadOf<{ quotation: { id: string } }>(res, 'createQuotation').quotation;
}

/** A new chip of `steps` steps, each done by one new plant at 10.00 and 0.5 ticks a chip. */
export async function apiFactory(t: TestApp, adminToken: string, steps = 2) {
  const chipName = `T${tag()}`;
  const chip = await t.gql(
    CreateChipDocument,
    {
      input: {
        name: chipName,
        operations: Array.from({ length: steps }, (_, i) => ({ name: `Step ${i + 1}` })),
      },
    },
    { token: adminToken },
  );
  payloadOf(chip, 'createChip');
  const plants: { id: string; name: string }[] = [];
  for (let step = 1; step <= steps; step++) {
    const made = await t.gql(
      CreatePlantDocument,
      { input: { name: `Plant ${chipName}-${step}` } },
      { token: adminToken },
    );
    const plant = payloadOf<{ plant: { id: string; name: string } }>(made, 'createPlant').plant;
    const cap = await t.gql(
      AddPlantCapabilityDocument,
      { input: { plantId: plant.id, chipName, step, unitCost: '10.00', unitTime: 0.5 } },
      { token: adminToken },
    );
    payloadOf(cap, 'addPlantCapability');
    plants.push(plant);
  }
  return { chipName, plants };
}

/** A plan for a chip made by apiFactory: one lot of `quantity`, its steps back to back from `at`. */
export function factoryPlan(
  factory: { chipName: string; plants: { name: string }[] },
  at: number,
  quantity = 10,
  budget = '100000.00',
) {
  const ticks = Math.ceil(quantity * 0.5);
  return {
    budget,
    expectedTime: at + ticks * factory.plants.length + 10,
    lots: [
      {
        chipName: factory.chipName,
        quantity,
        plantNames: factory.plants.map((p) => p.name),
        startTimes: factory.plants.map((_, i) => at + i * ticks),
      },
    ],
  };
}
