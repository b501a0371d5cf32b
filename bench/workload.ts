import { Agent, request } from 'node:http';
import { DEMO_INSURANCE as D } from '../src/insurance/insurance.seed.ts';

/*
 * Orders of every kind, made through the public GraphQL API exactly as a client would: the
 * statement-count tests (test/e2e/perf-*.test.ts) and the benchmarks (bench/*.ts) share them,
 * so the tests count statements over the same data the benchmarks time.
 */

export interface GqlResult<T = any> {
  data?: T | null;
  errors?: { message: string; extensions?: { code?: string } }[];
}

/** Sends one operation as the holder of `token`. */
export type Gql = <T = any>(
  query: string,
  variables?: Record<string, unknown>,
  token?: string,
) => Promise<GqlResult<T>>;

/**
 * A client over HTTP: node:http with a keep-alive agent rather than fetch. The load generator
 * shares the machine's two cores with the server it measures (bench/write.ts counts its CPU),
 * and undici's fetch, with its streams and Headers, took about three times this client's CPU per
 * request.
 */
export function httpGql(url: string): Gql {
  const target = new URL(url);
  const agent = new Agent({ keepAlive: true });
  return (query, variables, token) =>
    new Promise((done, fail) => {
      const body = JSON.stringify({ query, variables });
      const req = request(
        {
          agent,
          host: target.hostname,
          port: target.port,
          path: target.pathname,
          method: 'POST',
          headers: {
            'content-type': 'application/json',
            'content-length': Buffer.byteLength(body),
            ...(token ? { authorization: `Bearer ${token}` } : {}),
          },
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (chunk: Buffer) => chunks.push(chunk));
          res.on('error', fail);
          res.on('end', () => {
            try {
              done(JSON.parse(Buffer.concat(chunks).toString('utf8')) as GqlResult);
            } catch (err) {
              fail(err instanceof Error ? err : new Error(String(err)));
            }
          });
        },
      );
      req.on('error', fail);
      req.end(body);
    });
}

/** The payload at `field`, or an error naming what went wrong (GraphQL or payload errors). */
/**
 * Sends one request body `n` times, two at a time (the server's CPU is what the callers measure,
 * not the client's wait); throws on the first GraphQL error.
 */
export async function sendRepeatedly(
  url: string,
  token: string,
  body: string,
  n: number,
): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next++ < n) {
      const res = await fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
        body,
      });
      const json = (await res.json()) as { errors?: unknown };
      if (json.errors) throw new Error(`request failed: ${JSON.stringify(json.errors)}`);
    }
  };
  await Promise.all([worker(), worker()]);
}

export function must<T = any>(res: GqlResult, field: string): T {
  const payload = res.data?.[field];
  if (res.errors?.length || !payload || payload.errors?.length) {
    throw new Error(`${field} failed: ${JSON.stringify(res.errors ?? payload?.errors ?? res)}`);
  }
  return payload as T;
}

export async function login(gql: Gql, id: string, password: string): Promise<string> {
  const res = await gql(
    `mutation ($id: ID!, $pw: String!) { login(consumerId: $id, password: $pw) { token errors { code } } }`,
    { id, pw: password },
  );
  return must<{ token: string }>(res, 'login').token;
}

let keys = 0;
/** A fresh idempotency key. */
export const newKey = (tag: string) => `${tag}-${process.pid}-${Date.now()}-${++keys}`;

export const CONFIRM_CHIP = `mutation ($input: ChipPlanInput!, $key: String!) {
  confirmChipOrder(input: $input, idempotencyKey: $key) { order { id status } errors { code message } }
}`;
export const CONFIRM_SHOP = `mutation ($input: ConfirmShopOrderInput!, $key: String) {
  confirmShopOrder(input: $input, idempotencyKey: $key) { order { id status } errors { code message } }
}`;
export const PAY = `mutation ($orderId: ID!, $key: String!) {
  payOrder(orderId: $orderId, payType: BALANCE, idempotencyKey: $key) { order { id status } errors { code message } }
}`;
const PLACE_PLAN = `mutation ($input: PlaceAnPlanOrderInput!) {
  placeAnPlanOrder(input: $input) { order { id } errors { code message } }
}`;
const PLACE_DRIVER = `mutation ($input: PlaceAnDriverOrderInput!) {
  placeAnDriverOrder(input: $input) { order { id } errors { code message } }
}`;
const PLACE_SALE = `mutation ($input: PlaceAnSaleOrderInput!) {
  placeAnSaleOrder(input: $input) { order { id } errors { code message } }
}`;
const CREATE_UNDERWRITE = `mutation ($input: CreateUnderwriteInput!) {
  createUnderwrite(input: $input) { underwrite { id } errors { code message } }
}`;
const FILL_UNDERWRITE = `mutation ($input: FillUnderwriteInput!) {
  fillUnderwrite(input: $input) { underwrite { id } errors { code message } }
}`;

/** Seed 000's CK101 plants, in step order. */
export const CK101_PLANTS = [
  'Reed, Spence and Harris',
  'Diaz, Andersen and Cooper',
  'Fernandez, Boyd and Palmer',
];

/**
 * A CK101 plan of `lots` lots of one chip each, the lots `gap` ticks apart from tick `at`, each
 * lot's three steps back to back (one chip takes 1 tick per step): it books [at, at + lots*gap)
 * on the three CK101 plants and nothing else, so plans with disjoint ranges never clash.
 */
export function chipPlan(at: number, lots = 2, gap = 10) {
  return {
    budget: '10000000',
    expectedTime: 2_000_000_000,
    lots: Array.from({ length: lots }, (_, i) => ({
      packageId: `P${i}`,
      chipName: 'CK101',
      quantity: 1,
      plantNames: CK101_PLANTS,
      startTimes: [at + i * gap, at + i * gap + 1, at + i * gap + 2],
    })),
  };
}

/** Ticks one chipPlan(at, lots, gap) occupies. */
export const chipPlanSpan = (lots = 2, gap = 10) => lots * gap;

/** The demo catalogue's insurance ids the workload orders from (consumer 89638599's cars). */
const ins = {
  car: D.vehicles[0].id,
  carQuotation: D.quotations[0].id,
  secondCar: D.vehicles[1].id,
  secondCarQuotation: D.quotations[2].id,
  basic: D.plans[0].id,
  addOns: D.plans[1].id,
  damage: D.items[0].id,
  thirdParty: D.items[1].id,
  theft: D.items[2].id,
  waiver: D.items[3].id,
  compulsoryItem: D.items[4].id,
  glass: D.items[5].id,
  newCustomer: D.promotions[0].id,
  drivers: D.drivers.slice(0, 4).map((d) => d.id),
};

/** Seed 001's placeAnPlanOrder example: payment 5500.00. */
export function planOrderInput() {
  return {
    vehicleId: ins.car,
    quotationId: ins.carQuotation,
    plans: [
      {
        planId: ins.basic,
        items: [
          { planItemId: ins.thirdParty, price: '1000.00' },
          { planItemId: ins.damage, price: '2000.00' },
        ],
      },
      {
        planId: ins.addOns,
        items: [
          { planItemId: ins.theft, price: '1000.00' },
          { planItemId: ins.waiver, price: '2000.00' },
        ],
      },
    ],
    promotionId: ins.newCustomer,
    serviceRatio: 0,
    summary: '6000.00',
    payment: '5500.00',
    vehicleValue: '100000.00',
    expectAt: new Date(Date.now() + 24 * 3600 * 1000).toISOString(),
  };
}

export const ADDRESS = {
  recipient: '李雷',
  address: '北京市海淀区中关村大街 1 号',
  telNum: '13800138000',
};

/** A shop order of two lines: one of the first product, two of the second. */
export function shopOrderInput(shop: { id: string; productIds: string[] }) {
  return {
    shopId: shop.id,
    address: ADDRESS,
    products: [
      { productId: shop.productIds[0], count: 1 },
      { productId: shop.productIds[1], count: 2 },
    ],
  };
}

export interface MixedOrderTokens {
  /** 89638599: plan, driver and sale orders (the insurance demo data is theirs). */
  insurance: string;
  /** Places and pays the shop orders. */
  shop: string;
  /** Confirms the chip orders. */
  chip: string;
  /** Fills the inspections. */
  operator: string;
}

export interface MixedOrderOptions {
  rounds: number;
  shop: { id: string; productIds: string[] };
  /** Tick the first chip plan starts at; each round's plan books the next chipPlanSpan() ticks. */
  chipStart: number;
}

/**
 * `rounds` rounds of one order of each kind, in this order: a confirmed CHIP order of two lots,
 * a paid PLAN order with its inspection booked and filled (a problem and a photo), a pending
 * DRIVER order of four drivers, a paid SALE order of two items, and a paid SHOP order of two
 * lines. Every order of a round is updated after those of the round before, so any page of the
 * staff list from the top of 5 or more holds every kind. Returns the ids, newest last.
 */
export async function placeMixedOrders(
  gql: Gql,
  tokens: MixedOrderTokens,
  options: MixedOrderOptions,
): Promise<string[]> {
  const ids: string[] = [];
  for (let round = 0; round < options.rounds; round++) {
    const chip = must(
      await gql(
        CONFIRM_CHIP,
        { input: chipPlan(options.chipStart + round * chipPlanSpan()), key: newKey('chip') },
        tokens.chip,
      ),
      'confirmChipOrder',
    );
    ids.push(chip.order.id);

    const plan = must(
      await gql(PLACE_PLAN, { input: planOrderInput() }, tokens.insurance),
      'placeAnPlanOrder',
    );
    must(
      await gql(PAY, { orderId: plan.order.id, key: newKey('plan') }, tokens.insurance),
      'payOrder',
    );
    const underwrite = must(
      await gql(
        CREATE_UNDERWRITE,
        {
          input: {
            orderId: plan.order.id,
            planTime: new Date(Date.now() + 24 * 3600 * 1000).toISOString(),
            validatePlace: '北京市东城区东直门东方银座',
            validateUpdateTime: new Date(Date.now() - 600 * 1000).toISOString(),
          },
        },
        tokens.insurance,
      ),
      'createUnderwrite',
    );
    must(
      await gql(
        FILL_UNDERWRITE,
        {
          input: {
            underwriteId: underwrite.underwrite.id,
            realPlace: '北京市朝阳区验车中心',
            certificateState: 'COMPLETE',
            problems: [
              { type: 'SCRATCH', description: '左前门划痕 Scratch on the front left door' },
            ],
            photos: ['https://photos.example.com/front.jpg'],
          },
        },
        tokens.operator,
      ),
      'fillUnderwrite',
    );
    ids.push(plan.order.id);

    const driver = must(
      await gql(
        PLACE_DRIVER,
        {
          input: {
            vehicleId: ins.car,
            driverIds: ins.drivers,
            summary: '200.00',
            payment: '200.00',
          },
        },
        tokens.insurance,
      ),
      'placeAnDriverOrder',
    );
    ids.push(driver.order.id);

    const sale = must(
      await gql(
        PLACE_SALE,
        {
          input: {
            vehicleId: ins.secondCar,
            quotationId: ins.secondCarQuotation,
            items: [
              { planItemId: ins.compulsoryItem, price: '760.00' },
              { planItemId: ins.glass, price: '240.00' },
            ],
            summary: '1000.00',
            payment: '1000.00',
          },
        },
        tokens.insurance,
      ),
      'placeAnSaleOrder',
    );
    must(
      await gql(PAY, { orderId: sale.order.id, key: newKey('sale') }, tokens.insurance),
      'payOrder',
    );
    ids.push(sale.order.id);

    const shop = must(
      await gql(CONFIRM_SHOP, { input: shopOrderInput(options.shop) }, tokens.shop),
      'confirmShopOrder',
    );
    must(await gql(PAY, { orderId: shop.order.id, key: newKey('shop') }, tokens.shop), 'payOrder');
    ids.push(shop.order.id);
  }
  return ids;
}
