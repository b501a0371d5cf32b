import type { EntityManager } from '@mikro-orm/postgresql';
import { Decimal, money } from '../platform/money.ts';
import { planCatalogEditor } from './plan-catalog.service.ts';
import { quotationEditor } from './quotation.service.ts';
import { vehicleRegistry } from './vehicle-registry.service.ts';

/*
 * Demo data for insurance (idempotent: fixed ids, "on conflict do nothing"). The first
 * vehicle's quotation makes docs/insurance.md's placeAnPlanOrder example work as written: two plans of
 * two items each at 1000 + 2000, summary 6000; its consumer has the four drivers of the
 * placeAnDriverOrder example there (4 × 50.00 = 200.00).
 */

const id = (group: number, n: number) =>
  `00000001-0000-4000-8000-${String(group).padStart(4, '0')}${String(n).padStart(8, '0')}`;

export const DEMO_INSURANCE = {
  plans: [
    { id: id(1, 1), name: '基本险 Basic', position: 1 },
    { id: id(1, 2), name: '附加险 Add-ons', position: 2 },
    { id: id(1, 3), name: '交强险 Compulsory', position: 3 },
    { id: id(1, 4), name: '玻璃划痕 Glass and scratches', position: 4 },
  ],
  items: [
    { id: id(2, 1), plan: 1, name: '车辆损失险 Vehicle damage', price: '2000.00' },
    { id: id(2, 2), plan: 1, name: '第三者责任险 Third-party liability', price: '1000.00' },
    { id: id(2, 3), plan: 2, name: '全车盗抢险 Theft', price: '1000.00' },
    { id: id(2, 4), plan: 2, name: '不计免赔 Deductible waiver', price: '2000.00' },
    { id: id(2, 5), plan: 3, name: '交强险 Compulsory liability', price: '950.00' },
    { id: id(2, 6), plan: 4, name: '玻璃单独破碎险 Glass breakage', price: '300.00' },
    { id: id(2, 7), plan: 4, name: '划痕险 Scratches', price: '400.00' },
  ],
  vehicles: [
    { id: id(3, 1), owner: '89638599', plate: '京A·12345', value: '100000.00', factor: '1' },
    { id: id(3, 2), owner: '89638599', plate: '京A·67890', value: '80000.00', factor: '0.8' },
    { id: id(3, 3), owner: '89638600', plate: '京B·54321', value: '200000.00', factor: '1.5' },
    { id: id(3, 4), owner: '89638601', plate: '沪C·11111', value: '150000.00', factor: '1.2' },
  ],
  // One quotation per vehicle, valid for a year, and an older one for the second vehicle that
  // expired after its 30 days; all items quoted.
  quotations: [
    { id: id(4, 1), vehicle: 1, daysAgo: 1, validDays: 365 },
    { id: id(4, 2), vehicle: 2, daysAgo: 40, validDays: 30 },
    { id: id(4, 3), vehicle: 2, daysAgo: 2, validDays: 365 },
    { id: id(4, 4), vehicle: 3, daysAgo: 1, validDays: 365 },
    { id: id(4, 5), vehicle: 4, daysAgo: 1, validDays: 365 },
  ],
  promotions: [
    { id: id(5, 1), name: '新客立减 New customer', price: '500.00' },
    { id: id(5, 2), name: "双十一 Singles' Day", price: '200.00' },
  ],
  drivers: [
    { id: id(6, 1), owner: '89638599', name: '张伟 Zhang Wei', licenseNo: '110101198001010011' },
    { id: id(6, 2), owner: '89638599', name: '王芳 Wang Fang', licenseNo: '110101198502020022' },
    { id: id(6, 3), owner: '89638599', name: '李娜 Li Na', licenseNo: '110101199003030033' },
    { id: id(6, 4), owner: '89638599', name: '刘洋 Liu Yang', licenseNo: '110101199504040044' },
    { id: id(6, 5), owner: '89638600', name: '陈静 Chen Jing', licenseNo: '310101198806060055' },
    { id: id(6, 6), owner: '89638600', name: '杨磊 Yang Lei', licenseNo: '310101199107070066' },
    { id: id(6, 7), owner: '89638601', name: '赵敏 Zhao Min', licenseNo: '440101199208080077' },
    { id: id(6, 8), owner: '89638601', name: '周杰 Zhou Jie', licenseNo: '440101199309090088' },
  ],
} as const;

const DAY_MS = 24 * 3600 * 1000;

/**
 * Adds whatever insurance demo data is missing (by id) through the catalogue's own rules
 * (history included); vehicles and drivers of absent consumers are skipped.
 */
export async function seedInsurance(em: EntityManager): Promise<void> {
  const d = DEMO_INSURANCE;
  await em.transactional(async (tx) => {
    const ids = async (sql: string) =>
      new Set((await tx.execute<{ id: string }[]>(sql)).map((r) => String(r.id)));
    const have = {
      plans: await ids(`select id from insurance_plans`),
      items: await ids(`select id from insurance_plan_items`),
      vehicles: await ids(`select id from vehicles`),
      quotations: await ids(`select id from quotations`),
      promotions: await ids(`select id from promotions`),
      drivers: await ids(`select id from drivers`),
      consumers: await ids(`select id from consumers`),
    };
    for (const [n, p] of d.plans.entries()) {
      const items = d.items.filter((item) => item.plan === n + 1);
      if (!have.plans.has(p.id)) {
        const plan = {
          name: p.name,
          position: p.position,
          items: items.map((i) => ({ name: i.name, price: money(i.price) })),
        };
        await planCatalogEditor.addPlan(tx, null, plan, {
          id: p.id,
          itemIds: items.map((i) => i.id),
        });
        continue;
      }
      for (const item of items.filter((i) => !have.items.has(i.id))) {
        const input = { planId: p.id, name: item.name, price: money(item.price) };
        await planCatalogEditor.addPlanItem(tx, null, input, { id: item.id });
      }
    }
    for (const v of d.vehicles) {
      if (have.vehicles.has(v.id) || !have.consumers.has(v.owner)) continue;
      const input = { ownerId: v.owner, plateNumber: v.plate, value: money(v.value) };
      await vehicleRegistry.addVehicle(tx, null, input, v.id);
      have.vehicles.add(v.id);
    }
    await tx.flush();
    for (const q of d.quotations) {
      const vehicle = d.vehicles[q.vehicle - 1];
      if (have.quotations.has(q.id) || !have.vehicles.has(vehicle.id)) continue;
      const issuedAt = new Date(Date.now() - q.daysAgo * DAY_MS);
      const items = d.items.map((item) => ({
        planItemId: item.id,
        price: new Decimal(item.price).times(vehicle.factor).toDecimalPlaces(2),
      }));
      const validUntil = new Date(issuedAt.getTime() + q.validDays * DAY_MS);
      await quotationEditor.addQuotation(
        tx,
        null,
        { vehicleId: vehicle.id, validUntil, items },
        { id: q.id, issuedAt },
      );
    }
    for (const p of d.promotions) {
      if (have.promotions.has(p.id)) continue;
      await planCatalogEditor.addPromotion(
        tx,
        null,
        { name: p.name, price: money(p.price) },
        { id: p.id },
      );
    }
    for (const driver of d.drivers) {
      if (have.drivers.has(driver.id) || !have.consumers.has(driver.owner)) continue;
      const input = { ownerId: driver.owner, name: driver.name, licenseNo: driver.licenseNo };
      await vehicleRegistry.addDriver(tx, null, input, driver.id);
    }
    await tx.flush();
  });
}
