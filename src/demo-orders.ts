import type { MikroORM } from '@mikro-orm/postgresql';
import pino from 'pino';
import { chipPlans } from './chip/chip-plan.service.ts';
import type { ChipPlanInput } from './chip/chip-plan.input.ts';
import { DEMO_INSURANCE as INSURANCE } from './insurance/insurance.seed.ts';
import { insuranceOrders } from './insurance/insurance-order.service.ts';
import type {
  PlaceAnDriverOrderInput,
  PlaceAnPlanOrderInput,
  PlaceAnSaleOrderInput,
} from './insurance/insurance-order.input.ts';
import { Role } from './platform/accounts/consumer.entity.ts';
import { loadConfig } from './platform/config.ts';
import { money } from './platform/money.ts';
import { Order, OrderKind } from './platform/orders/order.entity.ts';
import { PayType } from './platform/orders/order-kinds.ts';
import { orders } from './platform/orders/order.service.ts';
import { makeContext } from './platform/graphql/context.ts';
import { DEMO_ACCOUNTS } from './platform/seed.ts';
import { Product, Shop } from './shop/shop.entity.ts';
import type { ConfirmShopOrderInput } from './shop/shop.input.ts';
import { shopOrders } from './shop/shop-order.service.ts';

/** Whose orders they are: the demo consumer, the README's first account. */
const OWNER = DEMO_ACCOUNTS[0].id;
const secondCar = INSURANCE.vehicles[1].id;
const secondCarQuotation = INSURANCE.quotations[2].id;
const item = (n: number) => INSURANCE.items[n].id;

/**
 * A few orders of every kind for the demo consumer, so that a first look at the service is not
 * empty. Placed (and some paid) through the services' own functions, as the API would, with
 * fixed idempotency keys; a kind the consumer already has an order of is left alone, so this is
 * safe to run again. They leave the docs' worked examples free: the chip lot is booked far in the
 * production calendar, the insurance orders are on the consumer's second vehicle.
 */
export async function placeDemoOrders(orm: MikroORM): Promise<void> {
  const ctx = () =>
    makeContext(
      orm,
      loadConfig({ ...process.env, NODE_ENV: 'test' }),
      pino({ level: 'silent' }),
      // The consumer as the demo data acts for them: no token and no login session behind it.
      { auth: {}, viewer: { id: OWNER, role: Role.CONSUMER, sessionId: 'demo-data' } },
      'demo-data',
    );
  const has = (kind: OrderKind) => ctx().em.count(Order, { consumer: OWNER, kind }).then(Boolean);
  const pay = async (order: Order | null | undefined, key: string) => {
    const paid = await orders.pay(ctx(), must(order).id, PayType.BALANCE, key);
    must(paid.order, paid.errors);
  };

  if (!(await has(OrderKind.CHIP))) {
    const confirmed = await chipPlans.confirm(ctx(), chipLot(100_000), 'demo-chip-1');
    must(confirmed.order, confirmed.errors);
  }
  if (!(await has(OrderKind.PLAN))) {
    const placed = await insuranceOrders.placePlanOrder(ctx(), planInput());
    await pay(must(placed.order, placed.errors), 'demo-plan-1');
  }
  if (!(await has(OrderKind.DRIVER))) {
    const placed = await insuranceOrders.placeDriverOrder(ctx(), driverInput());
    must(placed.order, placed.errors); // left unpaid: PENDING_PAYMENT
  }
  if (!(await has(OrderKind.SALE))) {
    const placed = await insuranceOrders.placeSaleOrder(ctx(), saleInput());
    await pay(must(placed.order, placed.errors), 'demo-sale-1');
  }
  if (!(await has(OrderKind.SHOP))) {
    const em = ctx().em;
    const shop = await em.findOneOrFail(Shop, { enName: 'Fresh Fruit Time' });
    const [apples, oranges] = await em.find(
      Product,
      { shop },
      { orderBy: { id: 'asc' }, limit: 2 },
    );
    const first = await shopOrders.confirm(
      ctx(),
      shopInput(shop.id, [
        [apples.id, 2],
        [oranges.id, 1],
      ]),
      'demo-shop-1',
    );
    await pay(must(first.order, first.errors), 'demo-shop-1-pay');
    const second = await shopOrders.confirm(
      ctx(),
      shopInput(shop.id, [[apples.id, 1]]),
      'demo-shop-2',
    );
    must(second.order, second.errors); // unpaid: expires as any unpaid shop order does
  }
}

function must<T>(value: T | null | undefined, errors: { message: string }[] = []): T {
  if (!value)
    throw new Error(`a demo order was refused: ${errors.map((e) => e.message).join('; ')}`);
  return value;
}

/** One CK101 chip on the demo plants from tick `at`, its steps back to back. */
function chipLot(at: number): ChipPlanInput {
  const plantNames = [
    'Reed, Spence and Harris',
    'Diaz, Andersen and Cooper',
    'Fernandez, Boyd and Palmer',
  ];
  return {
    budget: money('1000'),
    expectedTime: at + 10,
    lots: [{ chipName: 'CK101', quantity: 1, plantNames, startTimes: [at, at + 1, at + 2] }],
  } as ChipPlanInput;
}

const tomorrow = () => new Date(Date.now() + 24 * 3600 * 1000);

/** The compulsory plan on the second vehicle, whose quotation prices at 0.8 × the list. */
function planInput(): PlaceAnPlanOrderInput {
  return {
    vehicleId: secondCar,
    quotationId: secondCarQuotation,
    plans: [
      { planId: INSURANCE.plans[2].id, items: [{ planItemId: item(4), price: money('760.00') }] },
    ],
    serviceRatio: 0,
    summary: money('760.00'),
    payment: money('760.00'),
    vehicleValue: money('80000.00'),
    expectAt: tomorrow(),
  } as PlaceAnPlanOrderInput;
}

function driverInput(): PlaceAnDriverOrderInput {
  return {
    vehicleId: secondCar,
    driverIds: [INSURANCE.drivers[0].id],
    summary: money('50.00'),
    payment: money('50.00'),
  } as PlaceAnDriverOrderInput;
}

function saleInput(): PlaceAnSaleOrderInput {
  return {
    vehicleId: secondCar,
    quotationId: secondCarQuotation,
    items: [
      { planItemId: item(5), price: money('240.00') },
      { planItemId: item(6), price: money('320.00') },
    ],
    summary: money('560.00'),
    payment: money('560.00'),
  } as PlaceAnSaleOrderInput;
}

function shopInput(shopId: string, lines: [string, number][]): ConfirmShopOrderInput {
  return {
    shopId,
    address: {
      recipient: '演示用户 Demo Consumer',
      address: '北京市东城区东直门南大街 1 号',
      telNum: '13800138000',
    },
    products: lines.map(([productId, count]) => ({ productId, count })),
  } as ConfirmShopOrderInput;
}
