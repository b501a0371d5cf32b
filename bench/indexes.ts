// `npm run bench` part 5 (alone: `npx tsx bench/indexes.ts`): the list queries the API serves,
// as the service sends them, under EXPLAIN ANALYZE on a larger seeded dataset (200,000 orders,
// 600,000 events, 200,000 ledger rows, 50,000 plant bookings), to show which index each uses.
// The table goes into BENCHMARKS.md, the whole plans into bench/results/indexes-plans.md.
// BENCH_QUICK=1: a tenth of the data, to check it end to end (plans may differ at that size).
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  deadline,
  machine,
  makeConsumers,
  ROOT,
  QUICK,
  round,
  spawnApp,
  startDatabase,
  table,
  writeFigures,
  runBench,
} from './harness.ts';

const ORDERS = QUICK ? 20_000 : 200_000;
const CONSUMERS = 5_000;
const CHIP_ORDERS = 5_000;
/** The demo consumer whose list is explained: 2% of all orders are theirs. */
const HEAVY = '89638599';
/** A consumer with 40 orders (0.02%). */
const LIGHT = '20000001';

deadline(6);

async function main(): Promise<void> {
  const started = Date.now();
  const db = await startDatabase();
  // The service migrates and seeds the database, then is not needed: nothing here is timed.
  const app = await spawnApp(db.url);
  await app.stop();
  const q = (sql: string, params: unknown[] = []) => db.pool.query(sql, params);
  try {
    await makeConsumers(db.pool, CONSUMERS, '1000.00');
    const kinds = `(array['CHIP','PLAN','DRIVER','SALE','SHOP'])[1 + (g % 5)]`;
    // UNDERWRITING is rare (0.1%): an operator's queue among many finished orders.
    const statuses = `case when g % 1000 = 0 then 'UNDERWRITING' else (array['PENDING_PAYMENT','PAID','EFFECTIVE','EFFECTIVE','COMPLETED','COMPLETED','CANCELLED','EXPIRED','REJECTED'])[1 + (g * 7 % 9)] end`;
    await q(
      `insert into orders (id, kind, order_no, consumer_id, status, status_code, status_label, payment,
                           created_at, updated_at, deleted_at)
       select gen_random_uuid(), ${kinds}, 'IX' || g,
              case when g % 50 = 0 then ${HEAVY} else 20000000 + (g * 7919) % ${CONSUMERS} end,
              ${statuses}, 1, '-', 10, t - interval '1 day', t,
              case when g % 20 = 0 then t else null end
         from generate_series(1, ${ORDERS}) g,
              lateral (select now() - (g * interval '157 seconds') as t) x`,
    );
    await q(
      `insert into order_events (order_id, kind, consumer_id, actor_id, type, to_status, occurred_at)
       select o.id, o.kind, o.consumer_id, o.consumer_id, e.type, o.status, o.created_at
         from orders o, (values ('ORDER_CREATED'), ('STATUS_CHANGED'), ('NOTE_CHANGED')) e (type)`,
    );
    await q(`update bank_accounts set balance = 1000000000`);
    await q(
      `insert into bank_transactions (consumer_id, amount, balance_after, reason, order_id, occurred_at)
       select consumer_id, -10, 1000, 'Payment of order ' || order_no, id, updated_at from orders`,
    );
    // Chip orders of one lot of TK450's 10 steps, back to back on its first capable plants.
    const { rows: steps } = await q(
      `select distinct on (cap.step) cap.step, cap.plant_id, c.id as chip_id
         from chip_capabilities cap join chips c on c.id = cap.chip_id and c.name = 'TK450'
        order by cap.step, cap.position`,
    );
    const cal = `select o.id as order_id, (row_number() over (order by o.id) - 1) * 100 as start
                   from orders o where o.order_no like 'IXC%'`;
    await q(
      `insert into orders (id, kind, order_no, consumer_id, status, status_code, status_label, payment)
       select gen_random_uuid(), 'CHIP', 'IXC' || g, ${HEAVY}, 'PAID', 2, '已支付', 10
         from generate_series(1, ${CHIP_ORDERS}) g`,
    );
    await q(
      `insert into chip_orders (order_id, budget, expected_time, total_cost, first_start, last_end)
       select order_id, 100, start + 100, 10, start, start + 100 from (${cal}) c`,
    );
    await q(
      `insert into chip_lots (order_id, lot, chip_id, quantity, cost)
       select order_id, 0, $1, 1, 10 from (${cal}) c`,
      [steps[0].chip_id],
    );
    const ops = JSON.stringify(
      steps.map((s, i) => ({ step: s.step, plant_id: s.plant_id, off: i * 10 })),
    );
    const recordset = `jsonb_to_recordset($1::jsonb) as s (step int, plant_id int, off bigint)`;
    await q(
      `insert into chip_lot_operations (order_id, lot, step, plant_id, start_tick, end_tick, cost)
       select c.order_id, 0, s.step, s.plant_id, c.start + s.off, c.start + s.off + 5, 1
         from (${cal}) c, ${recordset}`,
      [ops],
    );
    await q(
      `insert into chip_bookings (order_id, lot, step, plant_id, start_tick, end_tick)
       select c.order_id, 0, s.step, s.plant_id, c.start + s.off, c.start + s.off + 5
         from (${cal}) c, ${recordset}`,
      [ops],
    );
    await q(`vacuum analyze`);
    const { rows: sizes } = await q(
      `select (select count(*) from orders) as orders, (select count(*) from order_events) as events,
              (select count(*) from bank_transactions) as ledger, (select count(*) from chip_bookings) as bookings`,
    );
    console.log('dataset:', JSON.stringify(sizes[0]));

    // Parameters a real request would carry.
    const { rows: page } = await q(
      `select id, updated_at from orders order by updated_at desc, id desc offset 10000 limit 20`,
    );
    const cursor = page[0];
    const twenty = page.map((r) => r.id);
    const { rows: plants } = await q(`select array_agg(id) as ids from chip_plants`);
    const { rows: someOrder } = await q(
      `select consumer_id, id from orders where consumer_id = ${HEAVY} limit 1`,
    );
    const windows = JSON.stringify(
      steps.map((s, i) => ({ p: s.plant_id, lo: 250_000 + i * 10, hi: 250_000 + i * 10 + 5 })),
    );

    // The statements below are copied from the service's own log (PERF_SQL=1 npx vitest run
    // test/e2e/perf-statements.test.ts): orders and their count come from readRows/countRows
    // (src/platform/db/read-rows.ts), which quote every column and bind the limit; a bound list
    // (`in (?)`) reaches PostgreSQL as one parameter per element.
    const ORDER = `select "id", "kind", "order_no", "consumer_id", "status", "status_code", "status_label", "payment", "created_at", "updated_at", "deleted_at" from "orders"`;
    const PAGE = `order by "updated_at" desc, "id" desc`;
    const COUNT = `select count(*) as count from "orders"`;
    const BOOKINGS = `select b.plant_id, b.order_id, b.lot, b.step, b.start_tick, b.end_tick from unnest($1::int[]) as p (id) cross join lateral ( select plant_id, order_id, lot, step, start_tick, end_tick from chip_bookings where plant_id = p.id and int8range(start_tick, end_tick) && int8range($2, $3) order by start_tick limit $4 ) b order by b.plant_id, b.start_tick`;
    // The ledger still goes through em.find (accounts.service.ts), hence its `b0` alias.
    const LEDGER = `select "b0".* from "bank_transactions" as "b0" where "b0"."consumer_id" = $1 order by "b0"."id" desc limit $2`;
    const inList = (from: number, n: number) =>
      Array.from({ length: n }, (_, i) => `$${from + i}`).join(', ');
    const cases: { what: string; sql: string; params?: unknown[] }[] = [
      {
        what: "a consumer's orders, first page (`orders` as CONSUMER)",
        sql: `${ORDER} where "consumer_id" = $1 and "deleted_at" is null ${PAGE} limit $2`,
        params: [HEAVY, 21],
      },
      {
        what: '… its totalCount',
        sql: `${COUNT} where "consumer_id" = $1 and "deleted_at" is null`,
        params: [HEAVY],
      },
      {
        what: "everyone's orders, first page (staff `orders`)",
        sql: `${ORDER} ${PAGE} limit $1`,
        params: [21],
      },
      {
        what: '… page 500 (keyset cursor, 10,000 rows down)',
        sql: `${ORDER} where "updated_at" <= $1 and ("updated_at" < $2 or ("updated_at" = $3 and "id" < $4)) ${PAGE} limit $5`,
        params: [cursor.updated_at, cursor.updated_at, cursor.updated_at, cursor.id, 21],
      },
      {
        what: '… its totalCount',
        sql: COUNT,
      },
      {
        what: 'staff `orders(consumerId:)`',
        sql: `${ORDER} where "consumer_id" = $1 ${PAGE} limit $2`,
        params: [HEAVY, 21],
      },
      {
        what: 'staff `orders(consumerId:)` of a consumer with 40 orders',
        sql: `${ORDER} where "consumer_id" = $1 ${PAGE} limit $2`,
        params: [LIGHT, 21],
      },
      {
        what: 'staff `orders(kind: SHOP)`',
        sql: `${ORDER} where "kind" = $1 ${PAGE} limit $2`,
        params: ['SHOP', 21],
      },
      {
        what: 'staff `orders(status: UNDERWRITING)`',
        sql: `${ORDER} where "status" = $1 ${PAGE} limit $2`,
        params: ['UNDERWRITING', 21],
      },
      {
        what: '… its totalCount',
        sql: `${COUNT} where "status" = $1`,
        params: ['UNDERWRITING'],
      },
      {
        what: "a consumer's `orders(kind: CHIP)`",
        sql: `${ORDER} where "consumer_id" = $1 and "deleted_at" is null and "kind" = $2 ${PAGE} limit $3`,
        params: [HEAVY, 'CHIP', 21],
      },
      {
        what: '`order(id)`',
        sql: `${ORDER} where "id" = $1`,
        params: [someOrder[0].id],
      },
      {
        what: '`Order.events` of a page of 20 orders',
        sql: `select id, tx_id::text as tx_id, order_id, kind, consumer_id, actor_id, type, from_status, to_status, data, occurred_at from order_events where order_id in (${inList(1, twenty.length)}) order by order_id, order_events.tx_id, order_events.id`,
        params: twenty,
      },
      {
        what: '`me.transactions` (the ledger), first page',
        sql: LEDGER,
        params: [HEAVY, 21],
      },
      {
        what: '`me.transactions` of a consumer with 40 ledger rows',
        sql: LEDGER,
        params: [LIGHT, 21],
      },
      {
        what: 'what an order was paid (refunds)',
        sql: `select sum(amount) as total from bank_transactions where consumer_id = $1 and order_id = $2`,
        params: [someOrder[0].consumer_id, someOrder[0].id],
      },
      {
        what: '`Plant.bookings(from, to)` of every plant (`first` 100)',
        sql: BOOKINGS,
        params: [plants[0].ids, 250_000, 251_000, 100],
      },
      {
        what: '`Plant.bookings` of every plant, no window (`first` 100)',
        sql: BOOKINGS,
        params: [plants[0].ids, null, null, 100],
      },
      {
        what: '`Plant.utilization` of every plant',
        sql: `with clock as (select now from production_clock) select b.plant_id, sum(least(b.end_tick, clock.now + 100) - greatest(b.start_tick, clock.now)) as busy from chip_bookings b, clock where b.plant_id = any($1::int[]) and int8range(b.start_tick, b.end_tick) && int8range(clock.now, clock.now + 100) group by b.plant_id`,
        params: [plants[0].ids],
      },
      {
        what: 'bookings a plan could clash with (analysis)',
        sql: `select b.id, b.plant_id, b.order_id, b.lot, b.step, b.start_tick, b.end_tick from jsonb_to_recordset($1::jsonb) as w (p int, lo bigint, hi bigint) cross join lateral (select id, plant_id, order_id, lot, step, start_tick, end_tick from chip_bookings where plant_id = w.p and int8range(start_tick, end_tick) && int8range(w.lo, w.hi) offset 0) b order by b.plant_id, b.start_tick`,
        params: [windows],
      },
    ];

    const results = [];
    for (const c of cases) {
      const { rows } = await q(`explain (analyze, buffers, format text) ${c.sql}`, c.params);
      const plan = rows.map((r) => r['QUERY PLAN'] as string);
      const used = [
        ...new Set(
          plan.flatMap((line) => {
            const m =
              /(Index Only Scan|Index Scan|Bitmap Index Scan|Seq Scan)(?: Backward)?(?: using| on) (\w+)/.exec(
                line,
              );
            return m ? [`${m[1]} ${m[2]}`] : [];
          }),
        ),
      ];
      const ms = Number(/Execution Time: ([\d.]+)/.exec(plan.join('\n'))?.[1]);
      const top = /actual time=[\d.]+\.\.[\d.]+ rows=(\d+)/.exec(plan[0]);
      results.push({
        what: c.what,
        used,
        ms: round(ms, 2),
        rows: Number(top?.[1] ?? 0),
        plan,
        sql: c.sql,
      });
      console.log(`${c.what}: ${used.join(', ')} — ${ms} ms`);
    }
    const md = [
      `Measured ${new Date().toISOString().slice(0, 10)} on ${Number(sizes[0].orders).toLocaleString('en')} orders (${CONSUMERS.toLocaleString('en')} consumers; ${HEAVY} holds 2%; 5% deleted), ${Number(sizes[0].events).toLocaleString('en')} order events, ${Number(sizes[0].ledger).toLocaleString('en')} ledger rows and ${Number(sizes[0].bookings).toLocaleString('en')} plant bookings, after \`vacuum analyze\`. Each row is the statement the service sends (as it logs it), under \`EXPLAIN (ANALYZE, BUFFERS)\`.`,
      '',
      table([
        ['list', 'plan uses', 'rows', 'ms'],
        ...results.map((r) => [r.what, r.used.map((u) => `\`${u}\``).join(', '), r.rows, r.ms]),
      ]),
      '',
      'Every statement with its whole plan: [bench/results/indexes-plans.md](bench/results/indexes-plans.md).',
      '',
      `Whole run: ${round((Date.now() - started) / 1000, 0)} s.`,
    ].join('\n');
    // BENCH_QUICK writes nothing (harness.ts writeFigures), the plans included.
    if (!QUICK)
      writeFileSync(
        join(ROOT, 'bench', 'results', 'indexes-plans.md'),
        [
          '# The plans of BENCHMARKS.md part 5',
          '',
          'Written by `bench/indexes.ts`: each list query as the service sends it, under `EXPLAIN (ANALYZE, BUFFERS)`.',
          '',
          ...results.flatMap((r) => [`**${r.what}**`, '', '```', r.sql, '', ...r.plan, '```', '']),
        ].join('\n'),
      );
    await writeFigures('indexes', md, {
      machine: machine(db.version),
      dataset: sizes[0],
      results: results.map(({ plan: _plan, ...r }) => r),
    });
  } finally {
    await db.stop();
  }
}

runBench(main);
