import * as D from '../generated/graphql.ts';
import {
  apiFactory,
  apiPlan,
  apiQuotation,
  apiShop,
  apiVehicle,
  inDays,
  payloadOf,
  tag,
} from '../e2e/catalog-fixtures.ts';
import type { ProofFixtures } from './proof-fixtures.ts';
import { demo } from './test-app.ts';

/**
 * Fresh catalogue objects for the matrix's catalogue rows, made through the API by ADMIN (each
 * call a new one, so no actor's try sees another's), and the valid inputs the rows send.
 */
export class ProofCatalog {
  constructor(private readonly fx: ProofFixtures) {}

  private get admin(): string {
    return this.fx.tokens.admin!;
  }

  shopInput() {
    const name = tag();
    return { cnName: `证店 ${name}`, enName: `Proof shop ${name}` };
  }

  async shop(): Promise<{ id: string; productIds: string[] }> {
    return apiShop(this.fx.t, this.admin, [{ price: '5.00', stock: 100 }]);
  }

  async productInput() {
    return { shopId: (await this.shop()).id, name: `商品 ${tag()}`, price: '9.90', stock: 10 };
  }

  async productId(): Promise<string> {
    return (await this.shop()).productIds[0];
  }

  async plan() {
    return apiPlan(this.fx.t, this.admin);
  }

  planInput() {
    return { name: `证险 ${tag()}`, items: [{ name: '车损 Damage', price: '500.00' }] };
  }

  async promotionId(): Promise<string> {
    const res = await this.fx.t.gql(
      D.ProofCreatePromotionDocument,
      { input: { name: `促销 ${tag()}`, price: '10.00' } },
      { token: this.admin },
    );
    return payloadOf<{ promotion: { id: string } }>(res, 'createPromotion').promotion.id;
  }

  vehicleInput() {
    return { ownerId: demo.consumer.id, plateNumber: `证${tag()}`, value: '50000.00' };
  }

  async vehicleId(): Promise<string> {
    return (await apiVehicle(this.fx.t, this.admin, demo.consumer.id)).id;
  }

  driverInput() {
    return { ownerId: demo.consumer.id, name: '证人 Witness', licenseNo: `L${tag()}` };
  }

  async driverId(): Promise<string> {
    const res = await this.fx.t.gql(
      D.ProofRegisterDriverDocument,
      { input: this.driverInput() },
      { token: this.admin },
    );
    return payloadOf<{ driver: { id: string } }>(res, 'registerDriver').driver.id;
  }

  async quotationInput() {
    const [{ itemId }, vehicleId] = await Promise.all([this.plan(), this.vehicleId()]);
    return { vehicleId, validUntil: inDays(30), items: [{ planItemId: itemId, price: '450.00' }] };
  }

  async quotationId(): Promise<string> {
    const input = await this.quotationInput();
    return (await apiQuotation(this.fx.t, this.admin, input.vehicleId, input.items)).id;
  }

  chipInput() {
    return { name: `P${tag()}`, operations: [{ name: 'Etching' }, { name: 'Packaging' }] };
  }

  plantInput() {
    return { name: `Proof plant ${tag()}` };
  }

  /** A new chip of one step and a new plant that can do it. */
  async capability() {
    const factory = await apiFactory(this.fx.t, this.admin, 1);
    return { plantId: factory.plants[0].id, chipName: factory.chipName, step: 1 };
  }

  /** A new chip of one step, and a new plant that cannot do it yet. */
  async capabilityInput() {
    const { chipName } = await this.capability();
    const res = await this.fx.t.gql(
      D.ProofCreatePlantDocument,
      { input: this.plantInput() },
      { token: this.admin },
    );
    const plant = payloadOf<{ plant: { id: string } }>(res, 'createPlant').plant;
    return { plantId: plant.id, chipName, step: 1, unitCost: '12.00', unitTime: 0.25 };
  }
}
