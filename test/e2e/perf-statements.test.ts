import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  PerfChipsDocument,
  PerfMeDocument,
  PerfOrderDetailDocument,
  PerfOrderListDocument,
  PerfPlantsDocument,
  PerfShopsDocument,
} from '../generated/graphql.ts';
import { print, type FragmentDefinitionNode } from 'graphql';
import {
  chipPlan,
  CONFIRM_CHIP,
  CONFIRM_SHOP,
  must,
  newKey,
  PAY,
  placeMixedOrders,
  shopOrderInput,
  type Gql,
} from '../../bench/workload.ts';
import { makeShop } from './shop-fixtures.ts';
import { demo, isCallerCheck, startTestApp, type TestApp } from '../utils/test-app.ts';

let t: TestApp;
let statements: string[] = [];
let tokens: { insurance: string; shop: string; chip: string; operator: string };
let orderIds: string[];
let shop: Awaited<ReturnType<typeof makeShop>>;

beforeAll(async () => {
  t = await startTestApp({
    onQuery: (sql) => statements.push(sql),
  });
  tokens = {
    insurance: await t.login(demo.consumer),
    shop: await t.login(demo.otherConsumer),
    chip: await t.login(demo.thirdConsumer),
    operator: await t.login(demo.operator),
  };
  shop = await makeShop(t, [
    { price: '3.50', stock: 1000 },
    { price: '1.25', stock: 1000 },
  ]);
  const gql: Gql = (query, variables, token) => t.gql(query, variables, { token });
  // Ten rounds of one order of each kind: 50 orders, every page from the top holds every kind.
  orderIds = await placeMixedOrders(gql, tokens, { rounds: 10, shop, chipStart: 1000 });
}, 120_000);
afterAll(() => t?.close());

/** Runs `work` and returns what it answered and the SQL statements its resolvers sent. */
async function counted<T>(work: () => Promise<T>): Promise<{ result: T; sql: string[] }> {
  statements = [];
  const result = await work();
  // Not the check of the caller's token, one statement before any resolver of every operation.
  const sql = statements.splice(0).filter((s) => !isCallerCheck(s));
  // PERF_SQL=1 prints them: docs/architecture.md, "Statements per GraphQL operation".
  if (process.env.PERF_SQL) console.log(`${sql.length} statements:\n${sql.join('\n')}`);
  return { result, sql };
}

describe('a page of orders of every kind, with every nested field', () => {
  const page = (first: number) =>
    counted(() => t.gql(PerfOrderListDocument, { first }, { token: tokens.operator }));

  it('costs the same 25 SQL statements for 5 orders as for 50', async () => {
    const five = await page(5);
    const fifty = await page(50);
    expect(five.result.errors).toBeUndefined();
    expect(fifty.result.errors).toBeUndefined();
    const kinds = (r: typeof five) => r.result.data!.orders.edges.map((e) => e.node.kind);
    expect(kinds(five)).toHaveLength(5);
    expect(kinds(fifty)).toHaveLength(50);
    expect(new Set(kinds(five))).toEqual(new Set(['CHIP', 'PLAN', 'DRIVER', 'SALE', 'SHOP']));
    expect(fifty.result.data!.orders.edges.map((e) => e.node.id)).toEqual([...orderIds].reverse());
    expect(fifty.sql).toHaveLength(five.sql.length);
    expect(fifty.sql).toHaveLength(25);
  });

  it('fills in every nested field of every kind', async () => {
    const { result } = await page(5);
    const byKind: Record<string, any> = Object.fromEntries(
      result.data!.orders.edges.map((e) => [e.node.kind, e.node]),
    );
    for (const node of Object.values(byKind)) {
      expect(node.consumer.id).toMatch(/^\d+$/);
      expect(node.events.length).toBeGreaterThan(0);
      expect(node.events[0].actor?.id).toBe(node.consumer.id);
    }
    expect(byKind.CHIP).toMatchObject({
      lots: [
        { lot: 0, operations: [{ plant: { name: 'Reed, Spence and Harris' } }, {}, {}] },
        { lot: 1 },
      ],
      kpi: { plantLoads: [{ plant: { name: expect.any(String) } }, {}, {}] },
    });
    expect(byKind.PLAN).toMatchObject({
      vehicle: { plateNumber: '京A·12345', owner: { id: demo.consumer.id } },
      plans: [{ items: expect.any(Array) }, { items: expect.any(Array) }],
      items: expect.arrayContaining([
        { id: expect.any(String), price: '1000.00', planItem: expect.any(Object) },
      ]),
      promotion: { price: '500.00' },
      underwrite: {
        operator: { id: demo.operator.id },
        problems: [{ type: 'SCRATCH' }],
        photos: [{ url: 'https://photos.example.com/front.jpg' }],
      },
    });
    // Read with its plans' items, not by id: each order item's plan item is one of them.
    const itemsOfPlans = byKind.PLAN.plans.flatMap((p: { items: unknown[] }) => p.items);
    for (const item of byKind.PLAN.items) {
      expect(itemsOfPlans).toContainEqual(expect.objectContaining(item.planItem));
      expect(item.planItem.name).toEqual(expect.any(String));
    }
    expect(byKind.DRIVER.drivers).toHaveLength(4);
    expect(byKind.SALE.items).toHaveLength(2);
    expect(byKind.SHOP).toMatchObject({
      shop: { id: expect.any(String) },
      lines: [{ count: 1 }, { count: 2 }],
      totalAmount: 3,
      payType: 'BALANCE',
    });
  });

  it('counts the orders only when totalCount is asked for', async () => {
    const bare = await counted(() =>
      t.gql(`{ orders(first: 50) { edges { node { id } } } }`, {}, { token: tokens.operator }),
    );
    expect(bare.result.data.orders.edges).toHaveLength(50);
    expect(bare.sql).toHaveLength(1);
    expect(bare.sql.join()).not.toMatch(/count\(/);
    const withTotal = await counted(() =>
      t.gql(
        `{ orders(first: 50) { totalCount edges { node { id } } } }`,
        {},
        { token: tokens.operator },
      ),
    );
    expect(withTotal.result.data.orders.totalCount).toBeGreaterThanOrEqual(50);
    expect(withTotal.sql).toHaveLength(2);
  });

  it('starts the next page at the cursor, in the index', async () => {
    const first = await t.gql(PerfOrderListDocument, { first: 20 }, { token: tokens.operator });
    const { sql, result } = await counted(() =>
      t.gql(
        `query ($after: String) { orders(first: 30, after: $after) { edges { node { id } } } }`,
        { after: first.data!.orders.pageInfo.endCursor },
        { token: tokens.operator },
      ),
    );
    expect(result.data.orders.edges.map((e: { node: { id: string } }) => e.node.id)).toEqual(
      [...orderIds].reverse().slice(20, 50),
    );
    // The lone bound on the first column (a parameter: $n outside a transaction, executeRead).
    expect(sql[0]).toMatch(/"updated_at" <= \$\d+ and \(/);
  });

  it("costs the same for one consumer's own orders, and for one kind", async () => {
    const own = (first: number) =>
      counted(() => t.gql(PerfOrderListDocument, { first }, { token: tokens.insurance }));
    const ownFive = await own(5);
    const ownThirty = await own(30);
    expect(ownThirty.result.data!.orders.edges).toHaveLength(30);
    expect(ownThirty.sql).toHaveLength(ownFive.sql.length);

    const chips = (first: number) =>
      counted(() =>
        t.gql(PerfOrderListDocument, { first, kind: 'CHIP' }, { token: tokens.operator }),
      );
    const chipsTwo = await chips(2);
    const chipsTen = await chips(10);
    expect(chipsTen.result.data!.orders.edges).toHaveLength(10);
    expect(chipsTen.sql).toHaveLength(chipsTwo.sql.length);
  });
});

describe('one order in full', () => {
  it('costs a fixed number of statements per kind, the most for a plan order', async () => {
    const counts: Record<string, number> = {};
    for (const id of orderIds.slice(-5)) {
      const { result, sql } = await counted(() =>
        t.gql(PerfOrderDetailDocument, { id }, { token: tokens.operator }),
      );
      expect(result.errors).toBeUndefined();
      counts[result.data!.order!.kind] = sql.length;
    }
    // A plan order's plan items come with its plans' items (one statement, not two).
    expect(counts).toEqual({ CHIP: 7, PLAN: 13, DRIVER: 6, SALE: 7, SHOP: 6 });
  });

  it('reads an order the same in the list, in order(id) and in the payment that returned it', async () => {
    // The payment's order is a managed entity; the list and order(id) read plain rows.
    const fields = PerfOrderDetailDocument.definitions.find(
      (d): d is FragmentDefinitionNode => d.kind === 'FragmentDefinition',
    )!;
    const gql: Gql = (query, variables, token) => t.gql(query, variables, { token });
    const placed = must(
      await gql(CONFIRM_SHOP, { input: shopOrderInput(shop), key: newKey('same') }, tokens.shop),
      'confirmShopOrder',
    );
    const paid = must(
      await gql(
        `mutation ($orderId: ID!, $key: String!) {
          payOrder(orderId: $orderId, payType: BALANCE, idempotencyKey: $key) {
            order { ...PerfOrderFields } errors { code }
          }
        }
        ${print(fields)}`,
        { orderId: placed.order.id, key: newKey('same') },
        tokens.shop,
      ),
      'payOrder',
    ).order;
    const detail = await t.gql(PerfOrderDetailDocument, { id: paid.id }, { token: tokens.shop });
    const list = await t.gql(PerfOrderListDocument, { first: 1 }, { token: tokens.shop });
    expect(paid).toMatchObject({ status: 'PAID', payment: '6.00', payType: 'BALANCE' });
    expect(detail.data!.order).toEqual(paid);
    expect(list.data!.orders.edges[0].node).toEqual(paid);
  });
});

describe('the catalogues and the ledger', () => {
  it('lists every plant with capabilities, bookings and utilization in a fixed number of statements', async () => {
    const before = await counted(() =>
      t.gql(PerfPlantsDocument, { from: 0, to: 100_000 }, { token: tokens.operator }),
    );
    await t.db.query(
      `insert into chip_plants (name, position) select 'Perf plant ' || g, 1000 + g from generate_series(1, 20) g`,
    );
    const after = await counted(() =>
      t.gql(PerfPlantsDocument, { from: 0, to: 100_000 }, { token: tokens.operator }),
    );
    expect(after.result.data!.plants.length).toBe(before.result.data!.plants.length + 20);
    expect(after.result.data!.plants.some((p) => p.bookings.length >= 20)).toBe(true);
    expect(after.sql).toHaveLength(before.sql.length);
    expect(after.sql.length).toBeLessThanOrEqual(5);
  });

  it('lists every chip with its steps and their plants in a fixed number of statements', async () => {
    const { result, sql } = await counted(() => t.gql(PerfChipsDocument));
    expect(result.data!.chips.length).toBeGreaterThan(1);
    expect(sql.length).toBeLessThanOrEqual(3);
  });

  it('lists every shop with its products in a fixed number of statements', async () => {
    const before = await counted(() => t.gql(PerfShopsDocument));
    for (let i = 0; i < 5; i++) await makeShop(t, [{ price: '1.00', stock: 1 }]);
    const after = await counted(() => t.gql(PerfShopsDocument));
    expect(after.result.data!.shops.length).toBe(before.result.data!.shops.length + 5);
    expect(after.sql).toHaveLength(before.sql.length);
    expect(after.sql).toHaveLength(2);
  });

  it('pages the ledger in a fixed number of statements', async () => {
    const page = (first: number) =>
      counted(() => t.gql(PerfMeDocument, { first }, { token: tokens.insurance }));
    const two = await page(2);
    const thirty = await page(30);
    // Ten plan and ten sale payments, and the opening deposit.
    expect(thirty.result.data!.me!.transactions.nodes).toHaveLength(21);
    expect(thirty.sql).toHaveLength(two.sql.length);
  });
});

describe('one order placed', () => {
  const gql: Gql = (query, variables, token) => t.gql(query, variables, { token });

  it('confirms and pays a shop order of two lines in 14 SQL statements', async () => {
    const { sql } = await counted(async () => {
      const input = shopOrderInput(shop);
      const placed = must(
        await gql(CONFIRM_SHOP, { input, key: newKey('count') }, tokens.shop),
        'confirmShopOrder',
      );
      must(
        await gql(PAY, { orderId: placed.order.id, key: newKey('count') }, tokens.shop),
        'payOrder',
      );
    });
    expect(sql).toHaveLength(14);
  });

  it('confirms a chip order of two lots in 11 SQL statements', async () => {
    const { sql } = await counted(async () =>
      must(
        await gql(CONFIRM_CHIP, { input: chipPlan(900_000, 2), key: newKey('count') }, tokens.chip),
        'confirmChipOrder',
      ),
    );
    expect(sql).toHaveLength(11);
  });
});
