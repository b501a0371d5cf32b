import { createHash, randomUUID } from 'node:crypto';
import type pg from 'pg';
import { Decimal } from '../src/platform/money.ts';
import { CK101_PLANTS } from './workload.ts';

/*
 * The write benchmark's baseline: the SQL statements the service sends for one shop order
 * (confirmShopOrder, then payOrder) and for one chip order (confirmChipOrder), in the same
 * order and the same transactions, written by hand against `pg`. No GraphQL, no ORM, no
 * validation beyond what the statements themselves do: the database's own ceiling for
 * this work. bench/write.ts checks the statement counts against the service's.
 */

export interface Counted {
  pool: pg.Pool;
  statements: number;
}

async function run(
  c: Counted,
  client: pg.Pool | pg.PoolClient,
  sql: string,
  params: unknown[] = [],
) {
  c.statements++;
  return (await client.query(sql, params)).rows;
}

/** Runs `work` in one transaction on one pooled connection, as em.transactional does. */
async function transaction<T>(c: Counted, work: (tx: pg.PoolClient) => Promise<T>): Promise<T> {
  const tx = await c.pool.connect();
  try {
    await run(c, tx, 'begin');
    const result = await work(tx);
    await run(c, tx, 'commit');
    return result;
  } catch (err) {
    await tx.query('rollback');
    throw err;
  } finally {
    tx.release();
  }
}

const hash = (value: unknown) => createHash('sha256').update(JSON.stringify(value)).digest('hex');

async function claimKey(
  c: Counted,
  tx: pg.PoolClient,
  consumer: string,
  key: string,
  op: string,
  input: unknown,
  result: unknown = null,
) {
  const rows = await run(
    c,
    tx,
    `insert into idempotency_keys (consumer_id, key, operation, request_hash, result)
     values ($1, $2, $3, $4, $5) on conflict do nothing returning key`,
    [consumer, key, op, hash(input), result === null ? null : JSON.stringify(result)],
  );
  if (rows.length === 0) throw new Error('idempotency key reused');
}

async function storeResult(
  c: Counted,
  tx: pg.PoolClient,
  consumer: string,
  key: string,
  result: unknown,
) {
  await run(c, tx, `update idempotency_keys set result = $1 where consumer_id = $2 and key = $3`, [
    JSON.stringify(result),
    consumer,
    key,
  ]);
}

/** `?` placeholders numbered $1, $2, ... in order, as the service's driver layer does. */
const numbered = (sql: string) => {
  let n = 0;
  return sql.replace(/\?/g, () => `$${++n}`);
};

/**
 * The order, its number, its ORDER_CREATED event and the kind's own rows (WITH parts) in one
 * statement, as the service's createOrder sends it.
 */
async function insertOrder(
  c: Counted,
  tx: pg.PoolClient,
  o: {
    id: string;
    kind: string;
    prefix: string;
    consumer: string;
    status: [string, number, string];
  },
  payment: string,
  data: unknown,
  kindRows: (id: string, createdAt: Date) => { sql: string; params: unknown[] }[],
): Promise<{ id: string; orderNo: string }> {
  const { id } = o;
  const now = new Date();
  const day = now.toISOString().slice(0, 10).replace(/-/g, '');
  const parts = kindRows(id, now);
  const [row] = await run(
    c,
    tx,
    numbered(`with o as (
       insert into orders (id, kind, order_no, consumer_id, status, status_code, status_label,
                           payment, created_at, updated_at)
       select ?, ?, ?::text || lpad(n::text, greatest(6, length(n::text)), '0'), ?, ?, ?, ?, ?, ?, ?
         from nextval('order_no_seq') n
       returning *
     ), e as (
       insert into order_events (order_id, kind, consumer_id, actor_id, type, from_status,
                                 to_status, data, occurred_at)
       select o.id, o.kind, o.consumer_id, ?, 'ORDER_CREATED', null, o.status, ?, ? from o
     )${parts.map((part, i) => `,\n     k${i} as (${part.sql})`).join('')}
     select * from o`),
    [
      id,
      o.kind,
      `${o.prefix}${day}`,
      o.consumer,
      ...o.status,
      payment,
      now,
      now,
      o.consumer,
      JSON.stringify(data),
      now,
      ...parts.flatMap((part) => part.params),
    ],
  );
  return { id, orderNo: row.order_no };
}

/** The move and its STATUS_CHANGED event in one statement, as the service's transitionNow. */
async function transition(
  c: Counted,
  tx: pg.PoolClient,
  orderId: string,
  consumer: string,
  from: string,
  to: [string, number, string],
  data: unknown,
) {
  const now = new Date();
  await run(
    c,
    tx,
    numbered(`with u as (
       update orders set status = ?, status_code = ?, status_label = ?, updated_at = ?
        where id = ? returning *
     ), e as (
       insert into order_events (order_id, kind, consumer_id, actor_id, type, from_status,
                                 to_status, data, occurred_at)
       select u.id, u.kind, u.consumer_id, ?, 'STATUS_CHANGED', ?, u.status, ?, ? from u
     )
     select * from u`),
    [...to, now, orderId, consumer, from, JSON.stringify(data), now],
  );
}

/** The account's update and its ledger row in one statement, as the bank sends a debit. */
async function debit(
  c: Counted,
  tx: pg.PoolClient,
  consumer: string,
  amount: string,
  reason: string,
  orderId: string,
): Promise<string> {
  const value = new Decimal(amount).neg().toFixed(2);
  const [txn] = await run(
    c,
    tx,
    numbered(`with a as (
       update bank_accounts set balance = balance + ?, updated_at = now()
        where consumer_id = ? and balance + ? between 0 and ? returning balance
     )
     insert into bank_transactions (consumer_id, amount, balance_after, reason, order_id)
     select ?, ?, a.balance, ?, ? from a returning id, balance_after, occurred_at`),
    [value, consumer, value, '999999999999.99', consumer, value, reason, orderId],
  );
  if (!txn) throw new Error('insufficient balance');
  return txn.id;
}

/** confirmShopOrder then payOrder: 5 + 9 statements, as the service sends them. */
export async function shopOrder(
  c: Counted,
  consumer: string,
  shop: { id: string; productIds: string[] },
  keys: [string, string],
): Promise<void> {
  const lines = [
    { productId: shop.productIds[0], count: 1 },
    { productId: shop.productIds[1], count: 2 },
  ];
  const orderId = await transaction(c, async (tx) => {
    // The order's id is drawn first: the key's claim stores the result.
    const id = randomUUID();
    await claimKey(c, tx, consumer, keys[0], 'confirmShopOrder', { shop, lines }, { orderId: id });
    const taken = await run(
      c,
      tx,
      `with locked as materialized (
         select p.id, w.count
           from products p join jsonb_to_recordset($1::jsonb) as w (product_id bigint, count int)
             on w.product_id = p.id
          where p.shop_id = $2
          order by p.id
            for update of p
       )
       update products p set stock = p.stock - l.count, updated_at = now()
         from locked l
        where p.id = l.id and p.stock >= l.count and p.active
       returning p.id::text as id, p.name, p.price`,
      [JSON.stringify(lines.map((l) => ({ product_id: l.productId, count: l.count }))), shop.id],
    );
    if (taken.length < lines.length) throw new Error('out of stock');
    const byId = new Map(taken.map((r) => [r.id, r]));
    const reserved = lines.map((l) => ({
      ...l,
      ...byId.get(l.productId),
      price: new Decimal(byId.get(l.productId).price),
    }));
    const payment = reserved
      .reduce((t, l) => t.plus(l.price.times(l.count)), new Decimal(0))
      .toFixed(2);
    const order = await insertOrder(
      c,
      tx,
      { id, kind: 'SHOP', prefix: 'SH', consumer, status: ['PENDING_PAYMENT', 1, '待支付'] },
      payment,
      { shopId: shop.id, totalAmount: 3 },
      (id, createdAt) => [
        {
          sql: `insert into shop_orders (order_id, shop_id, recipient, address, tel_num, is_canceled,
                                         total_amount, expires_at)
                values (?, ?, ?, ?, ?, false, ?, ?)`,
          params: [
            id,
            shop.id,
            '李雷',
            '北京市海淀区中关村大街 1 号',
            '13800138000',
            3,
            new Date(createdAt.getTime() + 30 * 60_000),
          ],
        },
        {
          sql: `insert into shop_order_lines (order_id, line_no, product_id, name, price, count,
                                              total_price)
                select ?, l.line_no, l.product_id, l.name, l.price, l.count, l.total_price
                  from jsonb_to_recordset(?::jsonb) as l (line_no int, product_id bigint, name text,
                                                         price numeric, count int, total_price numeric)`,
          params: [
            id,
            JSON.stringify(
              reserved.map((l, i) => ({
                line_no: i,
                product_id: l.productId,
                name: l.name,
                price: l.price.toFixed(2),
                count: l.count,
                total_price: l.price.times(l.count).toFixed(2),
              })),
            ),
          ],
        },
      ],
    );
    return order.id;
  });

  await transaction(c, async (tx) => {
    await claimKey(c, tx, consumer, keys[1], 'payOrder', { orderId, payType: 'BALANCE' });
    const [order] = await run(c, tx, `select * from orders where id = $1 for update`, [orderId]);
    if (order.status !== 'PENDING_PAYMENT') throw new Error(`order is ${order.status}`);
    const [shopRow] = await run(c, tx, `select expires_at from shop_orders where order_id = $1`, [
      orderId,
    ]);
    if (shopRow.expires_at && new Date(shopRow.expires_at).getTime() <= Date.now()) {
      throw new Error('expired');
    }
    const txn = await debit(
      c,
      tx,
      consumer,
      order.payment,
      `Payment of order ${order.order_no} (BALANCE)`,
      orderId,
    );
    await transition(c, tx, orderId, consumer, 'PENDING_PAYMENT', ['PAID', 2, '已支付'], {
      payType: 'BALANCE',
      transactionId: txn,
      amount: order.payment,
    });
    const paidLines = await run(
      c,
      tx,
      `with paid as (update shop_orders set pay_type = $1 where order_id = $2)
       select product_id from shop_order_lines where order_id = $2 order by line_no`,
      ['BALANCE', orderId],
    );
    await storeResult(c, tx, consumer, keys[1], {
      orderId,
      transactionId: txn,
      productIds: paidLines.map((l) => l.product_id),
    });
  });
}

/** confirmChipOrder of chipPlan(at, lots): 11 statements, as the service sends them. */
export async function chipOrder(
  c: Counted,
  consumer: string,
  plan: {
    lots: {
      packageId: string;
      chipName: string;
      quantity: number;
      plantNames: string[];
      startTimes: number[];
    }[];
  },
  key: string,
): Promise<void> {
  await transaction(c, async (tx) => {
    const id = randomUUID();
    await claimKey(c, tx, consumer, key, 'confirmChipOrder', plan, { orderId: id });
    const [clock] = await run(c, tx, `select now from production_clock for share`);
    const chips = await run(
      c,
      tx,
      `select c.id, c.name, count(o.id) as step_count
         from chips c left join chip_operations o on o.chip_id = c.id
        where c.name = any($1::text[]) group by c.id`,
      [['CK101']],
    );
    const plants = await run(
      c,
      tx,
      `select id, name, status from chip_plants where name = any($1::text[]) order by id for share`,
      [CK101_PLANTS],
    );
    const caps = await run(
      c,
      tx,
      `select chip_id, step, plant_id, unit_cost, unit_time from chip_capabilities
        where chip_id = any($1::int[]) and plant_id = any($2::int[])`,
      [chips.map((x) => x.id), plants.map((p) => p.id)],
    );
    // Time and price each operation from the capabilities, as the rules do.
    const plantId = new Map(plants.map((p) => [p.name, p.id as number]));
    const cap = new Map(caps.map((x) => [`${x.step}:${x.plant_id}`, x]));
    const ops = plan.lots.flatMap((lot, l) =>
      lot.plantNames.map((name, s) => {
        const p = plantId.get(name)!;
        const capability = cap.get(`${s + 1}:${p}`);
        const start = lot.startTimes[s];
        if (start < Number(clock.now)) throw new Error('start in the past');
        return {
          lot: l,
          step: s + 1,
          plant_id: p,
          start_tick: start,
          end_tick: start + new Decimal(capability.unit_time).times(lot.quantity).ceil().toNumber(),
          cost: new Decimal(capability.unit_cost).times(lot.quantity),
        };
      }),
    );
    const windows = ops.map((o) => ({ p: o.plant_id, lo: o.start_tick, hi: o.end_tick }));
    const clashes = await run(
      c,
      tx,
      `select b.id from jsonb_to_recordset($1::jsonb) as w (p int, lo bigint, hi bigint)
         cross join lateral (
           select id, start_tick from chip_bookings
            where plant_id = w.p and int8range(start_tick, end_tick) && int8range(w.lo, w.hi)
           offset 0
         ) b order by b.id`,
      [JSON.stringify(windows)],
    );
    if (clashes.length) throw new Error('plant busy');
    const total = ops.reduce((t, o) => t.plus(o.cost), new Decimal(0)).toFixed(2);
    const rows = JSON.stringify(
      [...ops]
        .sort((a, b) => a.plant_id - b.plant_id || a.start_tick - b.start_tick)
        .map((o) => ({ ...o, cost: o.cost.toFixed(2) })),
    );
    const recordset = `jsonb_to_recordset(?::jsonb)
      as x (lot int, step int, plant_id int, start_tick bigint, end_tick bigint, cost numeric)`;
    const order = await insertOrder(
      c,
      tx,
      { id, kind: 'CHIP', prefix: 'CH', consumer, status: ['PAID', 2, '已支付'] },
      total,
      { totalCost: total, lots: plan.lots.length, finishTime: 0 },
      (id) => [
        {
          sql: `insert into chip_orders (order_id, budget, expected_time, total_cost, first_start, last_end)
                values (?, ?, ?, ?, ?, ?)`,
          params: [
            id,
            '10000000.00',
            2_000_000_000,
            total,
            Math.min(...ops.map((o) => o.start_tick)),
            Math.max(...ops.map((o) => o.end_tick)),
          ],
        },
        {
          sql: `insert into chip_lots (order_id, lot, package_id, chip_id, quantity, cost)
                select ?, lot, package_id, chip_id, quantity, cost
                  from jsonb_to_recordset(?::jsonb)
                    as x (lot int, package_id text, chip_id int, quantity int, cost numeric)`,
          params: [
            id,
            JSON.stringify(
              plan.lots.map((lot, l) => ({
                lot: l,
                package_id: lot.packageId,
                chip_id: chips[0].id,
                quantity: lot.quantity,
                cost: ops
                  .filter((o) => o.lot === l)
                  .reduce((t, o) => t.plus(o.cost), new Decimal(0))
                  .toFixed(2),
              })),
            ),
          ],
        },
        {
          sql: `insert into chip_lot_operations (order_id, lot, step, plant_id, start_tick, end_tick, cost)
                select ?, lot, step, plant_id, start_tick, end_tick, cost from ${recordset}`,
          params: [id, rows],
        },
      ],
    );
    await debit(c, tx, consumer, total, `Chip order ${order.orderNo}`, order.id);
    await run(
      c,
      tx,
      numbered(`insert into chip_bookings (order_id, lot, step, plant_id, start_tick, end_tick)
       select ?, lot, step, plant_id, start_tick, end_tick from ${recordset}
        order by plant_id, start_tick`),
      [order.id, rows],
    );
  });
}
