import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  AlterNoteDocument,
  AlterRealPlaceDocument,
  AlterUnderwriteResultDocument,
  AlterValidatePlaceDocument,
  CreateUnderwriteDocument,
  FillUnderwriteDocument,
  DeleteOrderDocument,
  InsuranceOrderDocument,
  OrderActionsDocument,
  PlaceAnDriverOrderDocument,
  PlaceAnPlanOrderDocument,
  PlaceAnSaleOrderDocument,
  SubmitUnderwriteResultDocument,
  UnderwriteByOrderDocument,
  UpdateOrderStateDocument,
  UploadPhotosDocument,
} from '../generated/graphql.ts';
import { expireDueOrders } from '../../src/insurance/insurance-order-expiry.job.ts';
import {
  countRows,
  endPeriod,
  filledUnderwrite,
  ids,
  insuranceRowCounts,
  paidPlanOrder,
  secondsAgo,
  seedPlanInput,
  thirdConsumerPlanInput,
  tomorrow,
  underwritingOrder,
} from './insurance-fixtures.ts';
import { concurrently, demo, startTestApp, type TestApp } from '../utils/test-app.ts';
import { balanceOf } from '../utils/ledger.ts';

let t: TestApp;
let consumer: string;
let other: string;
let third: string;
let operator: string;
let admin: string;
beforeAll(async () => {
  // The tests run the expiry sweep themselves; the clock's own must not race them.
  t = await startTestApp({ config: { insuranceExpirySweepMs: 3_600_000 } });
  [consumer, other, third, operator, admin] = await Promise.all([
    t.login(demo.consumer),
    t.login(demo.otherConsumer),
    t.login(demo.thirdConsumer),
    t.login(demo.operator),
    t.login(demo.admin),
  ]);
});
afterAll(() => t?.close());

const create = (orderId: string, token: string, extra: Record<string, string> = {}) =>
  t.gql(
    CreateUnderwriteDocument,
    {
      input: {
        orderId,
        planTime: tomorrow(),
        validatePlace: '北京市东城区东直门东方银座',
        validateUpdateTime: secondsAgo(600),
        ...extra,
      },
    },
    { token },
  );
const submit = (underwriteId: string, result: 'PASSED' | 'FAILED', at: string, token = operator) =>
  t.gql(SubmitUnderwriteResultDocument, { underwriteId, result, resultUpdateTime: at }, { token });
const alter = (underwriteId: string, result: 'PASSED' | 'FAILED', at: string, token = operator) =>
  t.gql(AlterUnderwriteResultDocument, { underwriteId, result, resultUpdateTime: at }, { token });
const codes = (errors: { code: string }[] | undefined) => errors?.map((e) => e.code);

async function ledger(orderId: string) {
  const { rows } = await t.db.query(
    `select amount from bank_transactions where order_id = $1 order by id`,
    [orderId],
  );
  return rows.map((r) => r.amount);
}
async function underwriteRow(id: string) {
  const { rows } = await t.db.query(`select * from underwrites where id = $1`, [id]);
  return rows[0];
}
async function orderStatus(orderId: string) {
  const { rows } = await t.db.query(`select status from orders where id = $1`, [orderId]);
  return rows[0].status;
}
async function eventTypes(orderId: string) {
  const { rows } = await t.db.query(
    `select type, to_status from order_events where order_id = $1 order by id`,
    [orderId],
  );
  return rows.map((r) => (r.to_status ? `${r.type}:${r.to_status}` : r.type));
}

describe('createUnderwrite', () => {
  it('books the inspection of a PAID plan order and moves it to UNDERWRITING 核保中 (code 4)', async () => {
    const orderId = await paidPlanOrder(t, consumer);
    const res = await create(orderId, consumer);
    expect(res.data?.createUnderwrite.errors).toEqual([]);
    const uw = res.data!.createUnderwrite.underwrite!;
    expect(uw).toMatchObject({
      order: { id: orderId, status: 'UNDERWRITING', statusCode: 4, statusLabel: '核保中' },
      validatePlace: '北京市东城区东直门东方银座',
      operator: null,
      result: null,
      problems: [],
      photos: [],
    });
    expect(await eventTypes(orderId)).toEqual([
      'ORDER_CREATED:PENDING_PAYMENT',
      'STATUS_CHANGED:PAID',
      'STATUS_CHANGED:UNDERWRITING',
      'UNDERWRITE_CREATED',
    ]);
    const { rows } = await t.db.query(`select quotation_id from underwrites where id = $1`, [
      uw.id,
    ]);
    expect(rows[0].quotation_id).toBe(ids.carQuotation);
  });

  it('refuses an unpaid order, a second underwrite, a driver order, an unknown order, and bad input', async () => {
    const placed = await t.gql(
      PlaceAnPlanOrderDocument,
      { input: seedPlanInput() },
      { token: consumer },
    );
    const unpaid = await create(placed.data!.placeAnPlanOrder.order!.id, consumer);
    expect(codes(unpaid.data?.createUnderwrite.errors)).toEqual(['INVALID_TRANSITION']);

    const { orderId } = await underwritingOrder(t, consumer);
    const twice = await create(orderId, consumer);
    expect(codes(twice.data?.createUnderwrite.errors)).toEqual(['INVALID_TRANSITION']);

    const driverOrder = await t.gql(
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
    const wrongKind = await create(driverOrder.data!.placeAnDriverOrder.order!.id, consumer);
    expect(codes(wrongKind.data?.createUnderwrite.errors)).toEqual(['INVALID_INPUT']);

    const unknown = await create('00000000-0000-4000-8000-000000000000', consumer);
    expect(codes(unknown.data?.createUnderwrite.errors)).toEqual(['NOT_FOUND']);

    const paid = await paidPlanOrder(t, consumer);
    const bad = await create(paid, consumer, {
      validatePlace: ' ',
      planTime: '2016-08-01T00:00:00.000Z',
      validateUpdateTime: '9999-12-31T23:59:59.000Z',
    });
    expect(bad.data?.createUnderwrite.errors.map((e) => e.field!.join('.'))).toEqual([
      'input.validatePlace',
      'input.validateUpdateTime',
      'input.planTime',
    ]);
    expect(await orderStatus(paid)).toBe('PAID');
  });

  it("keeps a consumer away from another consumer's order", async () => {
    const orderId = await paidPlanOrder(t, third, thirdConsumerPlanInput());
    const res = await create(orderId, consumer);
    expect(res.errors?.[0].extensions?.code).toBe('FORBIDDEN');
    expect(await orderStatus(orderId)).toBe('PAID');
  });
});

describe('fillUnderwrite', () => {
  it('records the inspection on site and makes the operator the caller', async () => {
    const { orderId, underwriteId } = await underwritingOrder(t, consumer);
    const res = await t.gql(
      FillUnderwriteDocument,
      {
        input: {
          underwriteId,
          realPlace: '北京市东城区东直门东方银座',
          certificateState: 'PARTIAL',
          problems: [
            { type: '剐蹭', description: '追尾。。。。' },
            { type: '剐蹭', description: '左后门划痕' },
          ],
          photos: ['http://www.baidu.com', 'https://photos.example.com/a.jpg'],
        },
      },
      { token: operator },
    );
    expect(res.data?.fillUnderwrite.errors).toEqual([]);
    const uw = res.data!.fillUnderwrite.underwrite!;
    expect(uw).toMatchObject({
      operator: { id: demo.operator.id },
      realPlace: '北京市东城区东直门东方银座',
      certificateState: 'PARTIAL',
    });
    expect(uw.problems.map((p) => p.description)).toEqual(['追尾。。。。', '左后门划痕']);
    expect(uw.photos.map((p) => p.url)).toEqual([
      'http://www.baidu.com',
      'https://photos.example.com/a.jpg',
    ]);
    expect(new Date(uw.realUpdateTime!).getTime()).toBeGreaterThan(Date.now() - 60_000);
    expect((await eventTypes(orderId)).at(-1)).toBe('UNDERWRITE_FILLED');
    const { rows } = await t.db.query(`select certificate_state from underwrites where id = $1`, [
      underwriteId,
    ]);
    expect(rows[0].certificate_state).toBe(1);

    // Filled again: the new problems replace the old, which stay in the table soft-deleted.
    const again = await t.gql(
      FillUnderwriteDocument,
      {
        input: {
          underwriteId,
          realPlace: '北京市朝阳区验车中心',
          certificateState: 'COMPLETE',
          problems: [{ type: '凹陷', description: '前保险杠凹陷' }],
          photos: [],
        },
      },
      { token: admin },
    );
    expect(again.data?.fillUnderwrite.underwrite).toMatchObject({
      operator: { id: demo.admin.id },
      certificateState: 'COMPLETE',
      problems: [{ type: '凹陷' }],
    });
    expect(again.data?.fillUnderwrite.underwrite?.photos).toHaveLength(2);
    const kept = await t.db.query(
      `select type, deleted from underwrite_problems where underwrite_id = $1 order by created_at, deleted desc`,
      [underwriteId],
    );
    expect(kept.rows.map((r) => r.deleted)).toEqual([true, true, false]);
  });

  it('is for OPERATOR and ADMIN only', async () => {
    const { underwriteId } = await underwritingOrder(t, consumer);
    const res = await t.gql(
      FillUnderwriteDocument,
      {
        input: { underwriteId, realPlace: 'x', certificateState: 'NONE', problems: [], photos: [] },
      },
      { token: consumer },
    );
    expect(res.errors?.[0].extensions?.code).toBe('FORBIDDEN');
    expect((await underwriteRow(underwriteId)).real_place).toBeNull();
  });

  it('refuses addresses that are not http(s) URLs, too many photos or problems, oversize text, as INVALID_INPUT', async () => {
    const { underwriteId } = await underwritingOrder(t, consumer);
    const res = await t.gql(
      FillUnderwriteDocument,
      {
        input: {
          underwriteId,
          realPlace: 'x'.repeat(257),
          certificateState: 'NONE',
          problems: [{ type: 'x'.repeat(33), description: '' }],
          photos: [
            'ftp://example.com/a.jpg',
            'javascript:alert(1)',
            'https://',
            'https://ok.example.com/a b',
          ],
        },
      },
      { token: operator },
    );
    expect(res.data?.fillUnderwrite.errors.map((e) => [e.code, e.field!.join('.')])).toEqual([
      ['INVALID_INPUT', 'input.realPlace'],
      ['INVALID_INPUT', 'input.problems.0.type'],
      ['INVALID_INPUT', 'input.problems.0.description'],
      ['INVALID_INPUT', 'input.photos.0'],
      ['INVALID_INPUT', 'input.photos.1'],
      ['INVALID_INPUT', 'input.photos.2'],
      ['INVALID_INPUT', 'input.photos.3'],
    ]);
    const many = await t.gql(
      FillUnderwriteDocument,
      {
        input: {
          underwriteId,
          realPlace: 'ok',
          certificateState: 'NONE',
          problems: Array.from({ length: 21 }, () => ({ type: 't', description: 'd' })),
          photos: Array.from({ length: 21 }, (_, i) => `https://p.example.com/${i}.jpg`),
        },
      },
      { token: operator },
    );
    expect(many.data?.fillUnderwrite.errors.map((e) => e.field!.join('.'))).toEqual([
      'input.problems',
      'input.photos',
    ]);
    const row = await underwriteRow(underwriteId);
    expect(row.real_place).toBeNull();
    const photos = await t.db.query(
      `select count(*)::int as n from underwrite_photos where underwrite_id = $1`,
      [underwriteId],
    );
    expect(photos.rows[0].n).toBe(0);
  });
});

describe('submitUnderwriteResult', () => {
  it('PASSED makes the order EFFECTIVE 已生效 from expectAt for one year', async () => {
    const expectAt = new Date(Date.now() + 3 * 24 * 3600 * 1000).toISOString();
    const { orderId, underwriteId } = await filledUnderwrite(
      t,
      consumer,
      operator,
      seedPlanInput({ expectAt }),
    );
    const at = secondsAgo(10);
    const res = await submit(underwriteId, 'PASSED', at);
    expect(res.data?.submitUnderwriteResult.errors).toEqual([]);
    expect(res.data?.submitUnderwriteResult.underwrite).toMatchObject({
      result: 'PASSED',
      resultUpdateTime: at,
      operator: { id: demo.operator.id },
      order: { status: 'EFFECTIVE', statusCode: 5, statusLabel: '已生效' },
    });
    expect(res.data?.submitUnderwriteResult.underwrite?.realTime).not.toBeNull();
    const order = await t.gql(InsuranceOrderDocument, { id: orderId }, { token: consumer });
    const stop = new Date(expectAt);
    stop.setUTCFullYear(stop.getUTCFullYear() + 1);
    expect(order.data?.order).toMatchObject({ startAt: expectAt, stopAt: stop.toISOString() });
    expect((await eventTypes(orderId)).slice(-2)).toEqual([
      'STATUS_CHANGED:EFFECTIVE',
      'UNDERWRITE_RESULT',
    ]);
    expect(await ledger(orderId)).toEqual(['-5500.00']);
  });

  it('FAILED rejects the order 核保未通过 (code 6) and refunds it in full', async () => {
    const before = await balanceOf(t, demo.consumer.id);
    const { orderId, underwriteId } = await filledUnderwrite(t, consumer, operator);
    const res = await submit(underwriteId, 'FAILED', secondsAgo(5));
    expect(res.data?.submitUnderwriteResult.underwrite?.order).toMatchObject({
      status: 'REJECTED',
      statusCode: 6,
      statusLabel: '核保未通过',
    });
    expect(await ledger(orderId)).toEqual(['-5500.00', '5500.00']);
    expect(await balanceOf(t, demo.consumer.id)).toBe(before);
  });

  it('offers a rejected plan order for deletion, and deletes it (a rejected plan order is finished)', async () => {
    const { orderId, underwriteId } = await filledUnderwrite(t, consumer, operator);
    const underwriting = await t.gql(OrderActionsDocument, { id: orderId }, { token: consumer });
    expect(underwriting.data!.order).toMatchObject({ status: 'UNDERWRITING', actions: [] });
    await submit(underwriteId, 'FAILED', secondsAgo(5));
    const rejected = await t.gql(OrderActionsDocument, { id: orderId }, { token: consumer });
    expect(rejected.data!.order).toMatchObject({ status: 'REJECTED', actions: ['DELETE'] });
    const res = await t.gql(DeleteOrderDocument, { orderId }, { token: consumer });
    expect(res.data!.deleteOrder).toMatchObject({ ok: true, errors: [] });
    const byStaff = await t.gql(OrderActionsDocument, { id: orderId }, { token: operator });
    expect(byStaff.data!.order).toMatchObject({ status: 'REJECTED', actions: [] });
  });

  it('refuses a result before the inspection is filled, a second result, and consumers', async () => {
    const { underwriteId } = await underwritingOrder(t, consumer);
    const early = await submit(underwriteId, 'PASSED', secondsAgo(5));
    expect(codes(early.data?.submitUnderwriteResult.errors)).toEqual(['INVALID_TRANSITION']);

    const filled = await filledUnderwrite(t, consumer, operator);
    const byConsumer = await submit(filled.underwriteId, 'PASSED', secondsAgo(5), consumer);
    expect(byConsumer.errors?.[0].extensions?.code).toBe('FORBIDDEN');
    await submit(filled.underwriteId, 'PASSED', secondsAgo(5));
    const second = await submit(filled.underwriteId, 'FAILED', secondsAgo(1));
    expect(codes(second.data?.submitUnderwriteResult.errors)).toEqual(['INVALID_TRANSITION']);
    expect(await orderStatus(filled.orderId)).toBe('EFFECTIVE');
    const unknown = await submit('00000000-0000-4000-8000-000000000000', 'PASSED', secondsAgo(1));
    expect(codes(unknown.data?.submitUnderwriteResult.errors)).toEqual(['NOT_FOUND']);
  });

  it('lets exactly one of two concurrent results win', async () => {
    const { orderId, underwriteId } = await filledUnderwrite(t, consumer, operator);
    const results = await concurrently(2, (i) =>
      submit(
        underwriteId,
        i === 0 ? 'PASSED' : 'FAILED',
        secondsAgo(5),
        i === 0 ? operator : admin,
      ),
    );
    const outcomes = results.map((r) => r.data!.submitUnderwriteResult);
    expect(outcomes.filter((o) => o.errors.length === 0)).toHaveLength(1);
    expect(outcomes.flatMap((o) => codes(o.errors))).toEqual(['INVALID_TRANSITION']);
    const winner = outcomes.find((o) => o.errors.length === 0)!.underwrite!;
    expect(await orderStatus(orderId)).toBe(winner.result === 'PASSED' ? 'EFFECTIVE' : 'REJECTED');
    expect(await ledger(orderId)).toEqual(
      winner.result === 'PASSED' ? ['-5500.00'] : ['-5500.00', '5500.00'],
    );
    const results2 = (await eventTypes(orderId)).filter((e) => e === 'UNDERWRITE_RESULT');
    expect(results2).toHaveLength(1);
  });
});

describe('alterUnderwriteResult', () => {
  it('moves the money with the result: PASSED → FAILED refunds, FAILED → PASSED debits again', async () => {
    const { orderId, underwriteId } = await filledUnderwrite(t, consumer, operator);
    await submit(underwriteId, 'PASSED', secondsAgo(30));
    const failed = await alter(underwriteId, 'FAILED', secondsAgo(20));
    expect(failed.data?.alterUnderwriteResult.underwrite).toMatchObject({
      result: 'FAILED',
      order: { status: 'REJECTED' },
    });
    expect(await ledger(orderId)).toEqual(['-5500.00', '5500.00']);
    const order = await t.gql(InsuranceOrderDocument, { id: orderId }, { token: consumer });
    expect(order.data?.order).toMatchObject({ startAt: null, stopAt: null });

    const passed = await alter(underwriteId, 'PASSED', secondsAgo(10), admin);
    expect(passed.data?.alterUnderwriteResult.underwrite).toMatchObject({
      result: 'PASSED',
      operator: { id: demo.admin.id },
      order: { status: 'EFFECTIVE' },
    });
    expect(await ledger(orderId)).toEqual(['-5500.00', '5500.00', '-5500.00']);
    const again = await t.gql(InsuranceOrderDocument, { id: orderId }, { token: consumer });
    expect(again.data?.order).toMatchObject({ status: 'EFFECTIVE', startAt: expect.any(String) });
    const events = await t.db.query(
      `select data from order_events where order_id = $1 and type = 'UNDERWRITE_RESULT' order by id`,
      [orderId],
    );
    expect(events.rows.map((r) => [r.data.previous, r.data.result])).toEqual([
      [null, 'PASSED'],
      ['PASSED', 'FAILED'],
      ['FAILED', 'PASSED'],
    ]);
  });

  it('fails with INSUFFICIENT_BALANCE when the new debit cannot be paid, and changes nothing', async () => {
    const { orderId, underwriteId } = await filledUnderwrite(
      t,
      third,
      operator,
      thirdConsumerPlanInput(),
    );
    await submit(underwriteId, 'FAILED', secondsAgo(30));
    expect(await ledger(orderId)).toEqual(['-1140.00', '1140.00']);
    // The refund is spent elsewhere meanwhile (set directly: the bank has no withdrawal).
    await t.db.query(`update bank_accounts set balance = 100 where consumer_id = $1`, [
      demo.thirdConsumer.id,
    ]);
    const stored = await underwriteRow(underwriteId);
    const res = await alter(underwriteId, 'PASSED', secondsAgo(10));
    expect(res.data?.alterUnderwriteResult.errors.map((e) => [e.code, e.message])).toEqual([
      ['INSUFFICIENT_BALANCE', 'Insufficient balance: 1140.00 needed, 100.00 available.'],
    ]);
    expect(await underwriteRow(underwriteId)).toEqual(stored);
    expect(await orderStatus(orderId)).toBe('REJECTED');
    expect(await ledger(orderId)).toEqual(['-1140.00', '1140.00']);
    expect(await balanceOf(t, demo.thirdConsumer.id)).toBe('100.00');
    await t.db.query(`update bank_accounts set balance = 50000 where consumer_id = $1`, [
      demo.thirdConsumer.id,
    ]);
  });

  it('refuses a write older than the stored result time as STALE_UPDATE, changing nothing', async () => {
    const { orderId, underwriteId } = await filledUnderwrite(t, consumer, operator);
    const newer = secondsAgo(10);
    await submit(underwriteId, 'PASSED', newer);
    const res = await alter(underwriteId, 'FAILED', secondsAgo(60));
    expect(res.data?.alterUnderwriteResult.errors).toEqual([
      {
        code: 'STALE_UPDATE',
        message: expect.stringContaining(`last changed at ${newer}`),
        field: ['resultUpdateTime'],
      },
    ]);
    expect(await orderStatus(orderId)).toBe('EFFECTIVE');
    expect(await ledger(orderId)).toEqual(['-5500.00']);
    expect((await underwriteRow(underwriteId)).result).toBe('PASSED');
  });

  it('refuses to alter before any result, by a consumer, and once the order has expired', async () => {
    const { orderId, underwriteId } = await filledUnderwrite(t, consumer, operator);
    const none = await alter(underwriteId, 'FAILED', secondsAgo(5));
    expect(codes(none.data?.alterUnderwriteResult.errors)).toEqual(['INVALID_TRANSITION']);
    await submit(underwriteId, 'PASSED', secondsAgo(20));
    const byConsumer = await alter(underwriteId, 'FAILED', secondsAgo(5), consumer);
    expect(byConsumer.errors?.[0].extensions?.code).toBe('FORBIDDEN');
    // Its year passes and the clock sweeps it.
    await endPeriod(t, orderId);
    expect(await expireDueOrders(t.app.orm.em.fork())).toBeGreaterThanOrEqual(1);
    expect(await orderStatus(orderId)).toBe('EXPIRED');
    const late = await alter(underwriteId, 'FAILED', secondsAgo(5));
    expect(codes(late.data?.alterUnderwriteResult.errors)).toEqual(['INVALID_TRANSITION']);
    expect(await ledger(orderId)).toEqual(['-5500.00']);
  });

  it('refuses even a correction to the same result once the order has expired, changing nothing', async () => {
    const { orderId, underwriteId } = await filledUnderwrite(t, consumer, operator);
    await submit(underwriteId, 'PASSED', secondsAgo(20));
    await endPeriod(t, orderId);
    await expireDueOrders(t.app.orm.em.fork());
    const stored = await underwriteRow(underwriteId);
    const events = await eventTypes(orderId);
    const res = await alter(underwriteId, 'PASSED', secondsAgo(5), admin);
    expect(res.data?.alterUnderwriteResult.errors).toEqual([
      {
        code: 'INVALID_TRANSITION',
        message: 'The result of a EXPIRED plan order can no longer change.',
        field: ['underwriteId'],
      },
    ]);
    // Result time and operator stay as they were; no event, no money.
    expect(await underwriteRow(underwriteId)).toEqual(stored);
    expect(await eventTypes(orderId)).toEqual(events);
    expect(await orderStatus(orderId)).toBe('EXPIRED');
    expect(await ledger(orderId)).toEqual(['-5500.00']);
  });

  it('moves no money for an order paid offline: FAILED refunds nothing, PASSED again debits nothing', async () => {
    const before = await balanceOf(t, demo.consumer.id);
    const placed = await t.gql(
      PlaceAnPlanOrderDocument,
      { input: seedPlanInput() },
      { token: consumer },
    );
    const orderId = placed.data!.placeAnPlanOrder.order!.id;
    const paid = await t.gql(
      UpdateOrderStateDocument,
      { orderId, status: 'PAID' },
      { token: operator },
    );
    // A plan order paid offline waits for its inspection like one paid from the bank.
    expect(paid.data?.updateOrderState.order?.status).toBe('PAID');
    const created = await create(orderId, consumer);
    const underwriteId = created.data!.createUnderwrite.underwrite!.id;
    const filled = await t.gql(
      FillUnderwriteDocument,
      {
        input: {
          underwriteId,
          realPlace: '验车中心',
          certificateState: 'COMPLETE',
          problems: [],
          photos: [],
        },
      },
      { token: operator },
    );
    expect(filled.data?.fillUnderwrite.errors).toEqual([]);

    const failed = await submit(underwriteId, 'FAILED', secondsAgo(20));
    expect(failed.data?.submitUnderwriteResult.underwrite?.order.status).toBe('REJECTED');
    expect(await ledger(orderId)).toEqual([]);
    const passed = await alter(underwriteId, 'PASSED', secondsAgo(10));
    expect(passed.data?.alterUnderwriteResult.errors).toEqual([]);
    expect(passed.data?.alterUnderwriteResult.underwrite?.order.status).toBe('EFFECTIVE');
    expect(await ledger(orderId)).toEqual([]);
    expect(await balanceOf(t, demo.consumer.id)).toBe(before);
    const results = await t.db.query(
      `select data from order_events where order_id = $1 and type = 'UNDERWRITE_RESULT' order by id`,
      [orderId],
    );
    expect(results.rows.map((r) => Object.keys(r.data).sort())).toEqual([
      ['previous', 'result', 'resultUpdateTime', 'underwriteId'],
      ['previous', 'result', 'resultUpdateTime', 'underwriteId'],
    ]);
  });
});

describe('updateOrderState on plan orders', () => {
  it('refuses to move a plan order through underwriting by hand', async () => {
    const orderId = await paidPlanOrder(t, consumer);
    for (const status of ['UNDERWRITING', 'EFFECTIVE', 'REJECTED'] as const) {
      const res = await t.gql(UpdateOrderStateDocument, { orderId, status }, { token: admin });
      expect(codes(res.data?.updateOrderState.errors)).toEqual(['INVALID_TRANSITION']);
    }
    expect(await orderStatus(orderId)).toBe('PAID');
  });

  it('refuses EXPIRED by hand before stopAt, changing nothing; allows it once stopAt has passed', async () => {
    const { orderId, underwriteId } = await filledUnderwrite(t, consumer, operator);
    await submit(underwriteId, 'PASSED', secondsAgo(5));
    const period = async () =>
      (
        await t.db.query(`select start_at, stop_at from plan_order_ext where order_id = $1`, [
          orderId,
        ])
      ).rows[0];
    const stored = await period();
    const events = await eventTypes(orderId);
    const early = await t.gql(
      UpdateOrderStateDocument,
      { orderId, status: 'EXPIRED' },
      { token: admin },
    );
    expect(early.data?.updateOrderState).toEqual({
      order: null,
      errors: [
        {
          code: 'INVALID_TRANSITION',
          message: `This PLAN order is effective until ${stored.stop_at.toISOString()}; it expires after that, not before.`,
        },
      ],
    });
    expect(await orderStatus(orderId)).toBe('EFFECTIVE');
    expect(await eventTypes(orderId)).toEqual(events);
    expect(await period()).toEqual(stored);

    // Once the year is over, staff need not wait for the clock.
    await endPeriod(t, orderId);
    const due = await t.gql(
      UpdateOrderStateDocument,
      { orderId, status: 'EXPIRED' },
      { token: operator },
    );
    expect(due.data?.updateOrderState.order).toMatchObject({ status: 'EXPIRED', statusCode: 9 });
    const { rows } = await t.db.query(
      `select actor_id, data from order_events where order_id = $1 order by id desc limit 1`,
      [orderId],
    );
    expect(rows[0]).toEqual({ actor_id: demo.operator.id, data: { manual: true } });
  });
});

describe('the alter* calls and photos', () => {
  it('lets the owner move the booked place; an older write is STALE_UPDATE and changes nothing', async () => {
    const { orderId, underwriteId } = await underwritingOrder(t, consumer);
    const moved = await t.gql(
      AlterValidatePlaceDocument,
      { underwriteId, validatePlace: '北京市海淀区中关村', validateUpdateTime: secondsAgo(60) },
      { token: consumer },
    );
    expect(moved.data?.alterValidatePlace.underwrite).toMatchObject({
      validatePlace: '北京市海淀区中关村',
      validateUpdateTime: expect.any(String),
    });
    const stale = await t.gql(
      AlterValidatePlaceDocument,
      { underwriteId, validatePlace: '旧地点', validateUpdateTime: secondsAgo(300) },
      { token: operator },
    );
    expect(codes(stale.data?.alterValidatePlace.errors)).toEqual(['STALE_UPDATE']);
    expect((await underwriteRow(underwriteId)).validate_place).toBe('北京市海淀区中关村');
    expect((await eventTypes(orderId)).filter((e) => e === 'PLACE_CHANGED')).toHaveLength(1);
  });

  it('keeps the newest booked place when writes arrive out of order at the same time', async () => {
    const { underwriteId } = await underwritingOrder(t, consumer);
    const times = [50, 40, 30, 20, 10].map((s) => secondsAgo(s));
    const results = await concurrently(5, (i) =>
      t.gql(
        AlterValidatePlaceDocument,
        { underwriteId, validatePlace: `place ${i}`, validateUpdateTime: times[i] },
        { token: consumer },
      ),
    );
    expect(results.every((r) => r.errors === undefined)).toBe(true);
    const row = await underwriteRow(underwriteId);
    expect(row.validate_place).toBe('place 4');
    expect(new Date(row.validate_update_time).toISOString()).toBe(times[4]);
  });

  it("refuses another consumer's underwrite, an update time in the future, and a move after the result", async () => {
    const { underwriteId } = await filledUnderwrite(t, consumer, operator);
    const foreign = await t.gql(
      AlterValidatePlaceDocument,
      { underwriteId, validatePlace: 'x', validateUpdateTime: secondsAgo(1) },
      { token: other },
    );
    expect(foreign.errors?.[0].extensions?.code).toBe('FORBIDDEN');
    const future = await t.gql(
      AlterValidatePlaceDocument,
      { underwriteId, validatePlace: 'x', validateUpdateTime: '9999-12-31T23:59:59.000Z' },
      { token: consumer },
    );
    expect(codes(future.data?.alterValidatePlace.errors)).toEqual(['INVALID_INPUT']);
    await submit(underwriteId, 'PASSED', secondsAgo(5));
    const late = await t.gql(
      AlterValidatePlaceDocument,
      { underwriteId, validatePlace: 'x', validateUpdateTime: secondsAgo(1) },
      { token: consumer },
    );
    expect(codes(late.data?.alterValidatePlace.errors)).toEqual(['INVALID_TRANSITION']);
  });

  it('lets staff correct the real place and the note, refusing stale writes and consumers', async () => {
    const { orderId, underwriteId } = await filledUnderwrite(t, consumer, operator);
    // fillUnderwrite stamped the real place with the server's time; a later write passes.
    const real = await t.gql(
      AlterRealPlaceDocument,
      { underwriteId, realPlace: '实际地点', realUpdateTime: new Date().toISOString() },
      { token: operator },
    );
    expect(real.data?.alterRealPlace.underwrite?.realPlace).toBe('实际地点');
    const staleReal = await t.gql(
      AlterRealPlaceDocument,
      { underwriteId, realPlace: '旧', realUpdateTime: secondsAgo(3600) },
      { token: operator },
    );
    expect(codes(staleReal.data?.alterRealPlace.errors)).toEqual(['STALE_UPDATE']);

    const note = await t.gql(
      AlterNoteDocument,
      { underwriteId, note: '备注内容', noteUpdateTime: secondsAgo(30) },
      { token: operator },
    );
    expect(note.data?.alterNote.underwrite).toMatchObject({ note: '备注内容' });
    const staleNote = await t.gql(
      AlterNoteDocument,
      { underwriteId, note: 'older', noteUpdateTime: secondsAgo(60) },
      { token: admin },
    );
    expect(codes(staleNote.data?.alterNote.errors)).toEqual(['STALE_UPDATE']);
    const tooLong = await t.gql(
      AlterNoteDocument,
      { underwriteId, note: 'x'.repeat(2001), noteUpdateTime: secondsAgo(1) },
      { token: operator },
    );
    expect(codes(tooLong.data?.alterNote.errors)).toEqual(['INVALID_INPUT']);
    const byConsumer = await t.gql(
      AlterNoteDocument,
      { underwriteId, note: 'mine', noteUpdateTime: secondsAgo(1) },
      { token: consumer },
    );
    expect(byConsumer.errors?.[0].extensions?.code).toBe('FORBIDDEN');
    expect((await underwriteRow(underwriteId)).note).toBe('备注内容');
    const types = await eventTypes(orderId);
    expect(types.filter((e) => e === 'NOTE_CHANGED')).toHaveLength(1);
    expect(types.filter((e) => e === 'PLACE_CHANGED')).toHaveLength(1);
  });

  it('uploadPhotos adds http(s) photos for the owner and staff, and refuses bad addresses and strangers', async () => {
    const { orderId, underwriteId } = await underwritingOrder(t, consumer);
    const updatedAt = async () =>
      (await t.db.query(`select updated_at from orders where id = $1`, [orderId])).rows[0]
        .updated_at as Date;
    const before = await updatedAt();
    const res = await t.gql(
      UploadPhotosDocument,
      { underwriteId, urls: ['http://www.baidu.com'] },
      { token: consumer },
    );
    expect(res.data?.uploadPhotos.underwrite?.photos.map((p) => p.url)).toEqual([
      'http://www.baidu.com',
    ]);
    // The order moves to the top of "most recently updated" lists.
    expect((await updatedAt()).getTime()).toBeGreaterThan(before.getTime());
    const staff = await t.gql(
      UploadPhotosDocument,
      { underwriteId, urls: ['https://a.example.com/1.jpg', 'https://a.example.com/2.jpg'] },
      { token: operator },
    );
    expect(staff.data?.uploadPhotos.underwrite?.photos).toHaveLength(3);
    expect((await eventTypes(orderId)).filter((e) => e === 'PHOTO_ADDED')).toHaveLength(2);

    const bad = await t.gql(
      UploadPhotosDocument,
      { underwriteId, urls: ['www.baidu.com', 'file:///etc/passwd'] },
      { token: consumer },
    );
    expect(bad.data?.uploadPhotos.errors.map((e) => [e.code, e.field!.join('.')])).toEqual([
      ['INVALID_INPUT', 'urls.0'],
      ['INVALID_INPUT', 'urls.1'],
    ]);
    const none = await t.gql(UploadPhotosDocument, { underwriteId, urls: [] }, { token: consumer });
    expect(codes(none.data?.uploadPhotos.errors)).toEqual(['INVALID_INPUT']);
    const foreign = await t.gql(
      UploadPhotosDocument,
      { underwriteId, urls: ['https://x.example.com'] },
      { token: other },
    );
    expect(foreign.errors?.[0].extensions?.code).toBe('FORBIDDEN');
    const unknown = await t.gql(
      UploadPhotosDocument,
      { underwriteId: 'nope', urls: ['https://x.example.com'] },
      { token: consumer },
    );
    expect(codes(unknown.data?.uploadPhotos.errors)).toEqual(['NOT_FOUND']);

    // 50 photos at most per underwrite.
    for (let i = 0; i < 2; i++) {
      await t.gql(
        UploadPhotosDocument,
        {
          underwriteId,
          urls: Array.from({ length: 20 }, (_, j) => `https://b.example.com/${i}-${j}.jpg`),
        },
        { token: operator },
      );
    }
    const full = await t.gql(
      UploadPhotosDocument,
      { underwriteId, urls: Array.from({ length: 8 }, (_, j) => `https://c.example.com/${j}.jpg`) },
      { token: operator },
    );
    expect(full.data?.uploadPhotos.errors[0].message).toContain('at most 50 photos; it has 43');
    const { rows } = await t.db.query(
      `select count(*)::int as n from underwrite_photos where underwrite_id = $1`,
      [underwriteId],
    );
    expect(rows[0].n).toBe(43);
  });
});

describe('underwriteByOrder', () => {
  it('shows the underwrite to its owner and staff, FORBIDDEN to another consumer, null without one', async () => {
    const { orderId, underwriteId } = await filledUnderwrite(t, consumer, operator);
    const own = await t.gql(UnderwriteByOrderDocument, { orderId }, { token: consumer });
    expect(own.data?.underwriteByOrder).toMatchObject({ id: underwriteId, order: { id: orderId } });
    expect(own.data?.underwriteByOrder?.photos).toHaveLength(1);
    const staff = await t.gql(UnderwriteByOrderDocument, { orderId }, { token: operator });
    expect(staff.data?.underwriteByOrder?.id).toBe(underwriteId);
    const foreign = await t.gql(UnderwriteByOrderDocument, { orderId }, { token: other });
    expect(foreign.errors?.[0].extensions?.code).toBe('FORBIDDEN');
    const paid = await paidPlanOrder(t, consumer);
    const none = await t.gql(UnderwriteByOrderDocument, { orderId: paid }, { token: consumer });
    expect(none.data?.underwriteByOrder).toBeNull();
    const unknown = await t.gql(UnderwriteByOrderDocument, { orderId: 'x' }, { token: consumer });
    expect(unknown.data?.underwriteByOrder).toBeNull();
  });

  it("does not let a consumer reach their operator's vehicles or drivers", async () => {
    const { orderId } = await filledUnderwrite(t, consumer, operator);
    const res = await t.gql(
      `query ($orderId: ID!) { underwriteByOrder(orderId: $orderId) { operator { id vehicles { id } } } }`,
      { orderId },
      { token: consumer },
    );
    expect(res.errors?.[0].extensions?.code).toBe('FORBIDDEN');
  });

  it('expires an underwritten plan order after its year by the clock', async () => {
    const { orderId, underwriteId } = await filledUnderwrite(t, consumer, operator);
    await submit(underwriteId, 'PASSED', secondsAgo(5));
    await expireDueOrders(t.app.orm.em.fork(), new Date(Date.now() + 2 * 366 * 24 * 3600 * 1000));
    expect(await orderStatus(orderId)).toBe('EXPIRED');
  });
});

describe('the real place and its update time', () => {
  it('leaves real_place and real_update_time as they were when an alterRealPlace is stale', async () => {
    const { orderId, underwriteId } = await filledUnderwrite(t, consumer, operator);
    // fillUnderwrite stamped the place with the server's time; this write is later.
    const newer = new Date().toISOString();
    const moved = await t.gql(
      AlterRealPlaceDocument,
      { underwriteId, realPlace: '较新的地点', realUpdateTime: newer },
      { token: operator },
    );
    expect(moved.data?.alterRealPlace.errors).toEqual([]);
    const events = await eventTypes(orderId);
    const stale = await t.gql(
      AlterRealPlaceDocument,
      { underwriteId, realPlace: '较旧的地点', realUpdateTime: secondsAgo(30) },
      { token: admin },
    );
    expect(stale.data?.alterRealPlace.errors).toEqual([
      {
        code: 'STALE_UPDATE',
        message: expect.stringContaining(`last changed at ${newer}`),
        field: ['realUpdateTime'],
      },
    ]);
    const row = await underwriteRow(underwriteId);
    expect(row.real_place).toBe('较新的地点');
    expect(row.real_update_time.toISOString()).toBe(newer);
    expect(await eventTypes(orderId)).toEqual(events);
  });

  it('accepts a refill right after an alterRealPlace stamped by a client clock a little ahead, keeping the later time', async () => {
    const { underwriteId } = await filledUnderwrite(t, consumer, operator);
    // Within the five minutes of clock skew the service allows.
    const ahead = new Date(Date.now() + 2 * 60_000).toISOString();
    const moved = await t.gql(
      AlterRealPlaceDocument,
      { underwriteId, realPlace: '客户端时钟快两分钟', realUpdateTime: ahead },
      { token: operator },
    );
    expect(moved.data?.alterRealPlace.errors).toEqual([]);
    const refill = await t.gql(
      FillUnderwriteDocument,
      {
        input: {
          underwriteId,
          realPlace: '复验地点',
          certificateState: 'COMPLETE',
          problems: [],
          photos: [],
        },
      },
      { token: admin },
    );
    expect(refill.data?.fillUnderwrite.errors).toEqual([]);
    expect(refill.data?.fillUnderwrite.underwrite).toMatchObject({
      realPlace: '复验地点',
      realUpdateTime: ahead,
    });
    // The stored time did not move back: a delayed write older than the last one stays refused.
    const delayed = await t.gql(
      AlterRealPlaceDocument,
      { underwriteId, realPlace: '迟到的旧写入', realUpdateTime: secondsAgo(1) },
      { token: operator },
    );
    expect(codes(delayed.data?.alterRealPlace.errors)).toEqual(['STALE_UPDATE']);
    expect((await underwriteRow(underwriteId)).real_place).toBe('复验地点');
  });
});

describe('insurance orders by update time', () => {
  const PAGE = `query ($first: Int, $after: String) {
    orders(kind: PLAN, first: $first, after: $after) {
      edges { node { id updatedAt } }
      pageInfo { hasNextPage endCursor }
    }
  }`;
  type Page = {
    orders: {
      edges: { node: { id: string; updatedAt: string } }[];
      pageInfo: { hasNextPage: boolean; endCursor: string | null };
    };
  };
  const page = async (first: number, after?: string | null) => {
    const res = await t.gql<Page>(PAGE, { first, after }, { token: third });
    expect(res.errors).toBeUndefined();
    return res.data!.orders;
  };

  it('lists most recently updated first; an underwriting write moves the order to the top; pages follow on with after', async () => {
    const made: { orderId: string; underwriteId: string }[] = [];
    for (let i = 0; i < 3; i++)
      made.push(await underwritingOrder(t, third, thirdConsumerPlanInput()));
    const all = (await page(100)).edges.map((e) => e.node);
    expect(all.length).toBeGreaterThanOrEqual(4);
    const times = all.map((n) => new Date(n.updatedAt).getTime());
    expect(times).toEqual([...times].sort((a, b) => b - a));
    expect(all.slice(0, 3).map((n) => n.id)).toEqual(made.map((m) => m.orderId).reverse());

    // The owner moves the booked place of the oldest of the three: it comes first.
    const moved = await t.gql(
      AlterValidatePlaceDocument,
      {
        underwriteId: made[0].underwriteId,
        validatePlace: '新地点',
        validateUpdateTime: secondsAgo(1),
      },
      { token: third },
    );
    expect(moved.data?.alterValidatePlace.errors).toEqual([]);
    const now = (await page(100)).edges.map((e) => e.node.id);
    expect(now[0]).toBe(made[0].orderId);
    expect(now.slice(1, 3)).toEqual([made[2].orderId, made[1].orderId]);

    // Two at a time with the cursor: the same orders, each once, in the same order.
    const walked: string[] = [];
    let after: string | null = null;
    for (;;) {
      const p: Page['orders'] = await page(2, after);
      walked.push(...p.edges.map((e) => e.node.id));
      if (!p.pageInfo.hasNextPage) break;
      after = p.pageInfo.endCursor;
    }
    expect(walked).toEqual(now);
  });
});

describe('bad input to underwriting', () => {
  it('refuses a blank or over-long place in alterValidatePlace and alterRealPlace, changing nothing', async () => {
    const { orderId, underwriteId } = await filledUnderwrite(t, consumer, operator);
    const stored = await underwriteRow(underwriteId);
    const events = await eventTypes(orderId);
    for (const place of ['', '   ', 'x'.repeat(257)]) {
      const booked = await t.gql(
        AlterValidatePlaceDocument,
        { underwriteId, validatePlace: place, validateUpdateTime: secondsAgo(1) },
        { token: consumer },
      );
      expect(booked.data?.alterValidatePlace.errors.map((e) => [e.code, e.field])).toEqual([
        ['INVALID_INPUT', ['validatePlace']],
      ]);
      const real = await t.gql(
        AlterRealPlaceDocument,
        { underwriteId, realPlace: place, realUpdateTime: new Date().toISOString() },
        { token: operator },
      );
      expect(real.data?.alterRealPlace.errors.map((e) => [e.code, e.field])).toEqual([
        ['INVALID_INPUT', ['realPlace']],
      ]);
    }
    expect(await underwriteRow(underwriteId)).toEqual(stored);
    expect(await eventTypes(orderId)).toEqual(events);
  });

  it('answers NOT_FOUND for an unknown underwrite in every call that takes one', async () => {
    for (const underwriteId of ['00000000-0000-4000-8000-000000000000', 'nope']) {
      const fill = await t.gql(
        FillUnderwriteDocument,
        {
          input: {
            underwriteId,
            realPlace: 'x',
            certificateState: 'NONE',
            problems: [],
            photos: [],
          },
        },
        { token: operator },
      );
      const at = secondsAgo(1);
      const booked = await t.gql(
        AlterValidatePlaceDocument,
        { underwriteId, validatePlace: 'x', validateUpdateTime: at },
        { token: consumer },
      );
      const real = await t.gql(
        AlterRealPlaceDocument,
        { underwriteId, realPlace: 'x', realUpdateTime: at },
        { token: operator },
      );
      const note = await t.gql(
        AlterNoteDocument,
        { underwriteId, note: 'x', noteUpdateTime: at },
        { token: operator },
      );
      const result = await alter(underwriteId, 'PASSED', at);
      const found = [
        fill.data?.fillUnderwrite.errors,
        booked.data?.alterValidatePlace.errors,
        real.data?.alterRealPlace.errors,
        note.data?.alterNote.errors,
        result.data?.alterUnderwriteResult.errors,
      ].map((errors) => errors?.map((e) => [e.code, e.field]));
      expect(found).toEqual(Array(5).fill([['NOT_FOUND', ['underwriteId']]]));
    }
  });

  it('refuses fillUnderwrite once the result is in, passed or failed, as INVALID_TRANSITION', async () => {
    for (const result of ['PASSED', 'FAILED'] as const) {
      const { orderId, underwriteId } = await filledUnderwrite(t, consumer, operator);
      await submit(underwriteId, result, secondsAgo(5));
      const stored = await underwriteRow(underwriteId);
      const res = await t.gql(
        FillUnderwriteDocument,
        {
          input: {
            underwriteId,
            realPlace: '改过的地点',
            certificateState: 'NONE',
            problems: [{ type: '剐蹭', description: '事后补记' }],
            photos: ['https://late.example.com/1.jpg'],
          },
        },
        { token: operator },
      );
      expect(codes(res.data?.fillUnderwrite.errors)).toEqual(['INVALID_TRANSITION']);
      expect(await underwriteRow(underwriteId)).toEqual(stored);
      expect(await orderStatus(orderId)).toBe(result === 'PASSED' ? 'EFFECTIVE' : 'REJECTED');
      const kept = await t.db.query(
        `select (select count(*)::int from underwrite_photos where underwrite_id = $1) as photos,
                (select count(*)::int from underwrite_problems where underwrite_id = $1) as problems`,
        [underwriteId],
      );
      expect(kept.rows[0]).toEqual({ photos: 1, problems: 0 });
    }
  });

  it('refuses a result time more than five minutes ahead as INVALID_INPUT; the order stays underwriting', async () => {
    const { orderId, underwriteId } = await filledUnderwrite(t, consumer, operator);
    for (const at of [
      new Date(Date.now() + 10 * 60_000).toISOString(),
      '9999-12-31T23:59:59.000Z',
    ]) {
      const res = await submit(underwriteId, 'PASSED', at);
      expect(res.data?.submitUnderwriteResult.errors.map((e) => [e.code, e.field])).toEqual([
        ['INVALID_INPUT', ['resultUpdateTime']],
      ]);
    }
    expect(await orderStatus(orderId)).toBe('UNDERWRITING');
    expect((await underwriteRow(underwriteId)).result).toBeNull();
    expect(await ledger(orderId)).toEqual(['-5500.00']);
  });
});

describe('documented limits', () => {
  it('refuses each limit past its documented size with its code, and saves nothing', async () => {
    const DAY = 24 * 3600 * 1000;
    const inDays = (days: number) => new Date(Date.now() + days * DAY).toISOString();
    const paid = await paidPlanOrder(t, consumer);
    const open = await underwritingOrder(t, consumer);
    const full = await underwritingOrder(t, consumer);
    for (const n of [20, 20, 10]) {
      const up = await t.gql(
        UploadPhotosDocument,
        {
          underwriteId: full.underwriteId,
          urls: Array.from({ length: n }, (_, i) => `https://full.example.com/${n}-${i}.jpg`),
        },
        { token: operator },
      );
      expect(up.data?.uploadPhotos.errors).toEqual([]);
    }
    const tables = ['underwrites', 'underwrite_photos', 'underwrite_problems'];
    const snapshot = async () => ({
      counts: await insuranceRowCounts(t),
      underwriting: await Promise.all(tables.map((table) => countRows(t, table))),
      rows: [await underwriteRow(open.underwriteId), await underwriteRow(full.underwriteId)],
      paid: await orderStatus(paid),
    });
    const errorsOf = (payload: { errors: { code: string; field?: string[] | null }[] }) =>
      payload.errors.map((e) => [e.code, e.field!.join('.')]);
    const plan = (input: Parameters<typeof seedPlanInput>[0]) =>
      t
        .gql(PlaceAnPlanOrderDocument, { input: seedPlanInput(input) }, { token: consumer })
        .then((r) => errorsOf(r.data!.placeAnPlanOrder));
    const thirdParty = { planItemId: ids.thirdParty, price: '1000.00' };

    const cases: [string, () => Promise<string[][]>, string[][]][] = [
      [
        'more than 20 plans',
        () => plan({ plans: Array(21).fill({ planId: ids.basic, items: [thirdParty] }) }),
        [['INVALID_INPUT', 'input.plans']],
      ],
      [
        'more than 100 items in a plan order',
        () => plan({ plans: [{ planId: ids.basic, items: Array(101).fill(thirdParty) }] }),
        [['INVALID_INPUT', 'input.plans']],
      ],
      [
        'more than 100 items in a sale order',
        async () => {
          const r = await t.gql(
            PlaceAnSaleOrderDocument,
            {
              input: {
                vehicleId: ids.secondCar,
                quotationId: ids.secondCarQuotation,
                items: Array(101).fill({ planItemId: ids.compulsoryItem, price: '760.00' }),
                summary: '76760.00',
                payment: '76760.00',
              },
            },
            { token: consumer },
          );
          return errorsOf(r.data!.placeAnSaleOrder);
        },
        [['INVALID_INPUT', 'input.items']],
      ],
      [
        'more than 10 drivers',
        async () => {
          const r = await t.gql(
            PlaceAnDriverOrderDocument,
            {
              input: {
                vehicleId: ids.secondCar,
                driverIds: Array.from({ length: 11 }, (_, i) => ids.drivers[i % 4]),
                summary: '550.00',
                payment: '550.00',
              },
            },
            { token: consumer },
          );
          return errorsOf(r.data!.placeAnDriverOrder);
        },
        [['INVALID_INPUT', 'input.driverIds']],
      ],
      [
        'expectAt more than a year ahead',
        () => plan({ expectAt: inDays(400) }),
        [['INVALID_INPUT', 'input.expectAt']],
      ],
      [
        'a promotion leaving nothing to pay (300.00 − 500.00)',
        () =>
          plan({
            plans: [{ planId: ids.glassPlan, items: [{ planItemId: ids.glass, price: '300.00' }] }],
            summary: '300.00',
            payment: '0.00',
          }),
        [['INVALID_INPUT', 'input.promotionId']],
      ],
      [
        'planTime more than a year ahead',
        () =>
          create(paid, consumer, { planTime: inDays(400) }).then((r) =>
            errorsOf(r.data!.createUnderwrite),
          ),
        [['INVALID_INPUT', 'input.planTime']],
      ],
      [
        'a photo address of 1025 characters',
        async () => {
          const url = `https://p.example.com/${'a'.repeat(1003)}`;
          expect(url).toHaveLength(1025);
          const r = await t.gql(
            UploadPhotosDocument,
            { underwriteId: open.underwriteId, urls: [url] },
            { token: consumer },
          );
          return errorsOf(r.data!.uploadPhotos);
        },
        [['INVALID_INPUT', 'urls.0']],
      ],
      [
        'a problem description of 2001 characters',
        async () => {
          const r = await t.gql(
            FillUnderwriteDocument,
            {
              input: {
                underwriteId: open.underwriteId,
                realPlace: '验车中心',
                certificateState: 'COMPLETE',
                problems: [{ type: '剐蹭', description: 'x'.repeat(2001) }],
                photos: [],
              },
            },
            { token: operator },
          );
          return errorsOf(r.data!.fillUnderwrite);
        },
        [['INVALID_INPUT', 'input.problems.0.description']],
      ],
      [
        'a 51st photo',
        async () => {
          const r = await t.gql(
            UploadPhotosDocument,
            { underwriteId: full.underwriteId, urls: ['https://full.example.com/51.jpg'] },
            { token: consumer },
          );
          return errorsOf(r.data!.uploadPhotos);
        },
        [['INVALID_INPUT', 'urls']],
      ],
    ];
    const before = await snapshot();
    for (const [what, run, expected] of cases) {
      expect(await run(), what).toEqual(expected);
    }
    expect(await snapshot()).toEqual(before);
  });
});
