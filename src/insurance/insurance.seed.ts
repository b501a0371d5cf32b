import type { EntityManager } from '@mikro-orm/postgresql';
import { Decimal, toMoneyString } from '../platform/money.ts';

/*
 * Demo data for insurance (idempotent: fixed ids, "on conflict do nothing"). The first
 * vehicle's quotation makes the seed's placeAnPlanOrder example work as written: two plans of
 * two items each at 1000 + 2000, summary 6000; its consumer has the four drivers of the
 * seed's placeAnDriverOrder example (4 × 50.00 = 200.00).
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
  // One quotation per vehicle, and an older one for the second vehicle; all items quoted.
  quotations: [
    { id: id(4, 1), vehicle: 1, daysAgo: 1 },
    { id: id(4, 2), vehicle: 2, daysAgo: 40 },
    { id: id(4, 3), vehicle: 2, daysAgo: 2 },
    { id: id(4, 4), vehicle: 3, daysAgo: 1 },
    { id: id(4, 5), vehicle: 4, daysAgo: 1 },
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

/** Adds whatever insurance demo data is missing; vehicles and drivers of absent consumers are skipped. */
export async function seedInsurance(em: EntityManager): Promise<void> {
  const d = DEMO_INSURANCE;
  await em.transactional(async (tx) => {
    for (const p of d.plans) {
      await tx.execute(
        `insert into insurance_plans (id, name, position) values (?, ?, ?) on conflict do nothing`,
        [p.id, p.name, p.position],
      );
    }
    for (const [n, item] of d.items.entries()) {
      await tx.execute(
        `insert into insurance_plan_items (id, plan_id, name, price, position)
         values (?, ?, ?, ?, ?) on conflict do nothing`,
        [item.id, d.plans[item.plan - 1].id, item.name, item.price, n],
      );
    }
    for (const v of d.vehicles) {
      await tx.execute(
        `insert into vehicles (id, owner_id, plate_number, value)
         select ?, ?, ?, ? where exists (select 1 from consumers where id = ?) on conflict do nothing`,
        [v.id, v.owner, v.plate, v.value, v.owner],
      );
    }
    for (const q of d.quotations) {
      const vehicle = d.vehicles[q.vehicle - 1];
      await tx.execute(
        `insert into quotations (id, vehicle_id, created_at)
         select ?, ?, now() - make_interval(days => ?) where exists (select 1 from vehicles where id = ?)
         on conflict do nothing`,
        [q.id, vehicle.id, q.daysAgo, vehicle.id],
      );
      for (const item of d.items) {
        const price = new Decimal(item.price).times(vehicle.factor);
        await tx.execute(
          `insert into quoted_items (quotation_id, plan_item_id, price)
           select ?, ?, ? where exists (select 1 from quotations where id = ?) on conflict do nothing`,
          [q.id, item.id, toMoneyString(price), q.id],
        );
      }
    }
    for (const p of d.promotions) {
      await tx.execute(
        `insert into promotions (id, name, price) values (?, ?, ?) on conflict do nothing`,
        [p.id, p.name, p.price],
      );
    }
    for (const driver of d.drivers) {
      await tx.execute(
        `insert into drivers (id, owner_id, name, license_no)
         select ?, ?, ?, ? where exists (select 1 from consumers where id = ?) on conflict do nothing`,
        [driver.id, driver.owner, driver.name, driver.licenseNo, driver.owner],
      );
    }
  });
}
