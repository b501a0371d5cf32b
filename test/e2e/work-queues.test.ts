import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  InspectionScheduleDocument,
  OrdersAwaitingActionDocument,
  PayOrderDocument,
  SubmitUnderwriteResultDocument,
  UnderwritingQueueDocument,
  UpdateOrderStateDocument,
  type InspectionScheduleQueryVariables,
  type UnderwritingQueueQueryVariables,
} from '../generated/graphql.ts';
import { demo, startTestApp, type TestApp } from '../utils/test-app.ts';
import { filledUnderwrite, paidPlanOrder, underwritingOrder } from './insurance-fixtures.ts';
import { confirmOrder, makeShop } from './shop-fixtures.ts';

let t: TestApp;
let consumer: string;
let operator: string;
let statements = 0;

beforeAll(async () => {
  t = await startTestApp({ onQuery: () => statements++ });
  [consumer, operator] = await Promise.all([t.login(demo.consumer), t.login(demo.operator)]);
});
afterAll(() => t?.close());

async function paidShopOrder(shopId: string, productId: string): Promise<string> {
  const order = await confirmOrder(t, consumer, shopId, [[productId, 1]]);
  const paid = await t.gql(
    PayOrderDocument,
    { orderId: order.id, payType: 'BALANCE', key: `queue-${order.id}` },
    { token: consumer },
  );
  expect(paid.data!.payOrder.errors).toEqual([]);
  return order.id;
}

/** Every edge of a queue, page by page (two at a time, so the cursors are used). */
async function allOf<T extends { cursor: string }>(
  fetch: (after: string | null) => Promise<{ edges: T[]; pageInfo: { hasNextPage: boolean } }>,
): Promise<T[]> {
  const edges: T[] = [];
  let after: string | null = null;
  for (;;) {
    const page = await fetch(after);
    edges.push(...page.edges);
    if (!page.pageInfo.hasNextPage) return edges;
    after = page.edges.at(-1)!.cursor;
  }
}

const awaiting = (kind?: 'SHOP' | 'PLAN') =>
  allOf(async (after) => {
    const res = await t.gql(
      OrdersAwaitingActionDocument,
      { kind, first: 2, after },
      {
        token: operator,
      },
    );
    return res.data!.ordersAwaitingAction;
  });
const underwriting = (vars: Omit<UnderwritingQueueQueryVariables, 'first' | 'after'> = {}) =>
  allOf(async (after) => {
    const res = await t.gql(
      UnderwritingQueueDocument,
      { ...vars, first: 2, after },
      {
        token: operator,
      },
    );
    return res.data!.underwritingQueue;
  });
const schedule = (vars: Omit<InspectionScheduleQueryVariables, 'first' | 'after'>) =>
  allOf(async (after) => {
    const res = await t.gql(
      InspectionScheduleDocument,
      { ...vars, first: 2, after },
      {
        token: operator,
      },
    );
    return res.data!.inspectionSchedule;
  });

describe('orders awaiting a manual step', () => {
  it('lists paid shop orders to deliver and paid plan orders to book, longest waiting first', async () => {
    const shop = await makeShop(t, [{ price: '5.00', stock: 100 }]);
    const first = await paidShopOrder(shop.id, shop.productIds[0]);
    const plan = await paidPlanOrder(t, consumer);
    const last = await paidShopOrder(shop.id, shop.productIds[0]);

    const edges = await awaiting();
    const mine = edges.filter((e) => [first, plan, last].includes(e.node.id));
    expect(mine.map((e) => [e.node.id, e.node.status, e.step])).toEqual([
      [first, 'PAID', 'deliver it (updateOrderState COMPLETED)'],
      [plan, 'PAID', 'book its inspection (createUnderwrite)'],
      [last, 'PAID', 'deliver it (updateOrderState COMPLETED)'],
    ]);
    const waited = edges.map((e) => Date.parse(e.waitingSince));
    expect(waited).toEqual([...waited].sort((a, b) => a - b));
    expect((await awaiting('SHOP')).map((e) => e.node.kind)).not.toContain('PLAN');

    const res = await t.gql(OrdersAwaitingActionDocument, { first: 1 }, { token: operator });
    expect(res.data!.ordersAwaitingAction.totalCount).toBe(edges.length);

    // Delivered, it waits for nobody.
    await t.gql(
      UpdateOrderStateDocument,
      { orderId: first, status: 'COMPLETED' },
      {
        token: operator,
      },
    );
    expect((await awaiting()).map((e) => e.node.id)).not.toContain(first);
  });
});

describe('underwriting queues', () => {
  it('moves a plan order from awaiting inspection to awaiting a result, then out of both', async () => {
    const booked = await underwritingOrder(t, consumer);
    const filled = await filledUnderwrite(t, consumer, operator);
    const inspection = await underwriting();
    expect(inspection.map((e) => e.node.id)).toContain(booked.underwriteId);
    expect(inspection.map((e) => e.node.id)).not.toContain(filled.underwriteId);
    const waited = inspection.map((e) => Date.parse(e.waitingSince));
    expect(waited).toEqual([...waited].sort((a, b) => a - b));

    const results = await underwriting({ stage: 'AWAITING_RESULT', operatorId: demo.operator.id });
    expect(
      results.map((e) => [e.node.id, e.node.operator?.id, e.node.order.status]),
    ).toContainEqual([filled.underwriteId, demo.operator.id, 'UNDERWRITING']);
    expect(await underwriting({ stage: 'AWAITING_RESULT', operatorId: demo.admin.id })).toEqual([]);

    await t.gql(
      SubmitUnderwriteResultDocument,
      {
        underwriteId: filled.underwriteId,
        result: 'PASSED',
        resultUpdateTime: new Date().toISOString(),
      },
      { token: operator },
    );
    expect((await underwriting({ stage: 'AWAITING_RESULT' })).map((e) => e.node.id)).not.toContain(
      filled.underwriteId,
    );
  });

  it("lists a day's planned inspections by time, the done ones only when asked", async () => {
    const todo = await underwritingOrder(t, consumer);
    const done = await filledUnderwrite(t, consumer, operator);
    // The fixtures plan inspections for 24 hours from now.
    const day = {
      from: new Date(Date.now() + 12 * 3600 * 1000).toISOString(),
      to: new Date(Date.now() + 36 * 3600 * 1000).toISOString(),
    };
    const open = (await schedule(day)).map((e) => e.node.id);
    expect(open).toContain(todo.underwriteId);
    expect(open).not.toContain(done.underwriteId);
    const every = await schedule({ ...day, onlyUninspected: false });
    expect(every.map((e) => e.node.id)).toEqual(
      expect.arrayContaining([todo.underwriteId, done.underwriteId]),
    );
    const planned = every.map((e) => Date.parse(e.node.planTime));
    expect(planned).toEqual([...planned].sort((a, b) => a - b));
    const today = { from: new Date(Date.now() - 3600 * 1000).toISOString(), to: day.from };
    expect((await schedule(today)).map((e) => e.node.id)).not.toContain(todo.underwriteId);

    const month = await t.gql(
      InspectionScheduleDocument,
      { from: day.from, to: new Date(Date.now() + 40 * 24 * 3600 * 1000).toISOString() },
      { token: operator },
    );
    expect(month.errors?.[0].extensions?.code).toBe('BAD_USER_INPUT');
  });
});

describe('queue pages', () => {
  it('cost the same statements for 2 entries as for 20, nested orders and operators included', async () => {
    for (let i = 0; i < 4; i++) await filledUnderwrite(t, consumer, operator);
    const count = async (first: number) => {
      statements = 0;
      const res = await t.gql(
        UnderwritingQueueDocument,
        { stage: 'AWAITING_RESULT', first },
        { token: operator },
      );
      expect(res.data!.underwritingQueue.edges.length).toBeGreaterThanOrEqual(Math.min(first, 4));
      return statements;
    };
    expect(await count(20)).toBe(await count(2));
  });
});
