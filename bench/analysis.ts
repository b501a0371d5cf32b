// `npm run bench` part 3 (alone: `npx tsx bench/analysis.ts`; BENCH_QUICK=1 for a short
// check): analyzeChipOrder for plans of 1, 10, 100 and 1000 lots of TK450 (10 steps each)
// against a calendar of 10,000 existing bookings on the same plants, interleaved with the plan:
// time per analysis, how it grows per ×10 lots and what one more lot costs. Baseline: the reads
// a judgement needs (catalog and overlapping bookings, the same SQL as
// src/chip/chip-plan.repository.ts) straight through `pg`. Writes bench/analysis.svg.
import 'reflect-metadata';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { bookingWindows } from '../src/chip/chip-plan.repository.ts';
import type { TimedOperation } from '../src/chip/chip-plan.types.ts';
import { Decimal } from '../src/platform/money.ts';
import {
  deadline,
  machine,
  makeConsumers,
  median,
  percentile,
  QUICK,
  ROOT,
  round,
  spawnApp,
  startDatabase,
  summary,
  table,
  writeFigures,
  runBench,
} from './harness.ts';
import { httpGql } from './workload.ts';

const SIZES = [1, 10, 100, 1000];
const REPEATS: Record<number, number> = QUICK
  ? { 1: 3, 10: 3, 100: 2, 1000: 2 }
  : { 1: 30, 10: 30, 100: 15, 1000: 8 };
const CALENDAR_ORDERS = 1000;
const CHIP = 'TK450';
const ANALYZE = `mutation ($input: ChipPlanInput!) {
  analyzeChipOrder(input: $input) {
    feasible
    violations { code lot step }
    kpi { totalCost finishTime totalWaitTime }
  }
}`;

deadline(6);

interface Step {
  step: number;
  plantId: number;
  plantName: string;
  /** Ticks one chip takes at this step on this plant. */
  duration: number;
  offset: number;
}

async function main(): Promise<void> {
  const started = Date.now();
  const db = await startDatabase();
  const app = await spawnApp(db.url);
  try {
    // One running plant per TK450 step (the first capable one), each step after the last.
    const { rows: caps } = await db.pool.query(
      `select distinct on (cap.step) cap.step, p.id as plant_id, p.name, cap.unit_time, c.id as chip_id
         from chip_capabilities cap join chips c on c.id = cap.chip_id
         join chip_plants p on p.id = cap.plant_id and p.status = 'RUNNING'
        where c.name = $1 order by cap.step, cap.position, p.id`,
      [CHIP],
    );
    if (caps.length !== 10)
      throw new Error(`${CHIP} has ${caps.length} steps with a running plant`);
    let offset = 0;
    const steps: Step[] = caps.map((c) => {
      const duration = new Decimal(c.unit_time).ceil().toNumber();
      const step = { step: c.step, plantId: c.plant_id, plantName: c.name, duration, offset };
      offset += duration;
      return step;
    });
    // A lot fills a slot of SLOT ticks; the calendar takes the even slots, plans the odd ones.
    const SLOT = offset + 10;

    // The calendar: 1000 confirmed orders of one lot of 10 steps, written with SQL.
    const [{ id: consumer }] = await makeConsumers(db.pool, 1, '1.00');
    const ops = JSON.stringify(
      steps.map((s) => ({
        step: s.step,
        plant_id: s.plantId,
        off: s.offset,
        duration: s.duration,
      })),
    );
    const client = await db.pool.connect();
    try {
      await client.query('begin');
      await client.query(
        `create temp table cal on commit drop as
         select gen_random_uuid() as order_id, g as n, (2 * (g - 1))::bigint * $1 as start
           from generate_series(1, $2::int) g`,
        [SLOT, CALENDAR_ORDERS],
      );
      await client.query(
        `insert into orders (id, kind, order_no, consumer_id, status, status_code, status_label, payment)
         select order_id, 'CHIP', 'BENCHCAL' || n, $1, 'PAID', 2, '已支付', 100 from cal`,
        [consumer],
      );
      await client.query(
        `insert into chip_orders (order_id, budget, expected_time, total_cost, first_start, last_end)
         select order_id, 1000, start + $1, 100, start, start + $2 from cal`,
        [SLOT * 4, offset],
      );
      await client.query(
        `insert into chip_lots (order_id, lot, chip_id, quantity, cost) select order_id, 0, $1, 1, 100 from cal`,
        [caps[0].chip_id],
      );
      for (const table of ['chip_lot_operations', 'chip_bookings']) {
        await client.query(
          `insert into ${table} (order_id, lot, step, plant_id, start_tick, end_tick${table === 'chip_bookings' ? '' : ', cost'})
           select cal.order_id, 0, o.step, o.plant_id, cal.start + o.off, cal.start + o.off + o.duration${table === 'chip_bookings' ? '' : ', 10'}
             from cal cross join jsonb_to_recordset($1::jsonb) as o (step int, plant_id int, off bigint, duration bigint)`,
          [ops],
        );
      }
      await client.query('commit');
      await client.query('analyze chip_bookings');
    } finally {
      client.release();
    }
    const { rows: count } = await db.pool.query(`select count(*)::int as n from chip_bookings`);
    console.log(`calendar: ${count[0].n} bookings on ${steps.length} plants`);

    const [admin] = await makeConsumers(db.pool, 1, '1.00', 1);
    const gql = httpGql(app.url);
    const plan = (lots: number) => ({
      budget: '9999999999.00',
      expectedTime: 2_000_000_000,
      lots: Array.from({ length: lots }, (_, j) => ({
        packageId: `L${j}`,
        chipName: CHIP,
        quantity: 1,
        plantNames: steps.map((s) => s.plantName),
        startTimes: steps.map((s) => (2 * j + 1) * SLOT + s.offset),
      })),
    });
    // What the judgement reads, through pg alone: catalog (3 statements) and bookings (1).
    const reads = async (lots: number) => {
      const operations: TimedOperation[] = [];
      for (let j = 0; j < lots; j++) {
        for (const s of steps) {
          const start = (2 * j + 1) * SLOT + s.offset;
          operations.push({
            lot: j,
            step: s.step,
            plantId: s.plantId,
            plantName: s.plantName,
            start,
            end: start + s.duration,
            cost: new Decimal(0),
          });
        }
      }
      const names = JSON.stringify(steps.map((s) => s.plantName));
      await Promise.all([
        db.pool.query(
          `select c.id, c.name, count(o.id) as step_count from chips c left join chip_operations o on o.chip_id = c.id
            where c.name in (select jsonb_array_elements_text($1::jsonb)) group by c.id`,
          [JSON.stringify([CHIP])],
        ),
        db.pool.query(
          `select id, name, status from chip_plants where name in (select jsonb_array_elements_text($1::jsonb)) order by id`,
          [names],
        ),
      ]);
      await db.pool.query(
        `select chip_id, step, plant_id, unit_cost, unit_time from chip_capabilities
          where chip_id = any($1::int[]) and plant_id = any($2::int[])`,
        [[caps[0].chip_id], steps.map((s) => s.plantId)],
      );
      const { rows } = await db.pool.query(
        `select b.id, b.plant_id, b.order_id, b.lot, b.step, b.start_tick, b.end_tick
           from jsonb_to_recordset($1::jsonb) as w (p int, lo bigint, hi bigint)
           cross join lateral (
             select id, plant_id, order_id, lot, step, start_tick, end_tick from chip_bookings
              where plant_id = w.p and int8range(start_tick, end_tick) && int8range(w.lo, w.hi)
             offset 0
           ) b order by b.plant_id, b.start_tick`,
        [JSON.stringify(bookingWindows(operations))],
      );
      return rows.length;
    };

    const results: {
      lots: number;
      operations: number;
      requestBytes: number;
      bookingsRead: number;
      median: number;
      p90: number;
      perLot: number;
      reads: number;
    }[] = [];
    for (const lots of SIZES) {
      const input = plan(lots);
      const times: number[] = [];
      const readTimes: number[] = [];
      let bookingsRead = 0;
      for (let r = -2; r < REPEATS[lots]; r++) {
        const t0 = performance.now();
        const res = await gql(ANALYZE, { input }, admin.token);
        const ms = performance.now() - t0;
        const analysis = res.data?.analyzeChipOrder;
        if (!analysis?.feasible)
          throw new Error(`plan of ${lots} lots: ${JSON.stringify(res).slice(0, 500)}`);
        const t1 = performance.now();
        bookingsRead = await reads(lots);
        const readMs = performance.now() - t1;
        if (r < 0) continue; // warm-up
        times.push(ms);
        readTimes.push(readMs);
      }
      const sorted = [...times].sort((a, b) => a - b);
      const row = {
        lots,
        operations: lots * steps.length,
        requestBytes: JSON.stringify({ query: ANALYZE, variables: { input } }).length,
        bookingsRead,
        median: round(median(times), 1),
        p90: round(percentile(sorted, 90), 1),
        perLot: round(median(times) / lots, 3),
        reads: round(median(readTimes), 1),
      };
      results.push(row);
      console.log(JSON.stringify(row));
    }
    const growth = results.slice(1).map((r, i) => round(r.median / results[i].median, 1));
    // What one more lot costs between consecutive sizes: flat when the growth is linear.
    const marginal = results
      .slice(1)
      .map((r, i) => round((r.median - results[i].median) / (r.lots - results[i].lots), 3));
    if (!QUICK) writeFileSync(join(ROOT, 'bench', 'analysis.svg'), plot(results));
    summary(
      `analysis: ${results.map((r) => `${r.lots} lots ${r.median} ms`).join(', ')}; growth per ×10 lots ${growth.map((g) => `×${g}`).join(', ')}; ms per added lot ${marginal.join(', ')}`,
    );

    const md = [
      `Measured ${new Date().toISOString().slice(0, 10)}: \`analyzeChipOrder\` over HTTP, one request at a time, for plans of ${CHIP} lots (10 steps each, one chip per lot) placed between the ${count[0].n} existing bookings of a calendar of ${CALENDAR_ORDERS} orders on the same 10 plants (inserted with SQL); every plan is feasible, so every operation is checked against its neighbours. Median of ${SIZES.map((s) => REPEATS[s]).join(' / ')} runs after 2 warm-ups. "DB reads" is the baseline: the judgement's 4 statements alone through \`pg\`.`,
      '',
      table([
        [
          'lots',
          'operations',
          'request',
          'bookings read',
          'median ms',
          'p90 ms',
          'ms per lot',
          'DB reads ms',
        ],
        ...results.map((r) => [
          r.lots,
          r.operations,
          `${round(r.requestBytes / 1024, 1)} KiB`,
          r.bookingsRead,
          r.median,
          r.p90,
          r.perLot,
          r.reads,
        ]),
      ]),
      '',
      `Growth per ×10 lots: ${growth.map((g) => `×${g}`).join(', ')} (linear is ×10; below it, the fixed cost per request still counts). Time per added lot between consecutive sizes (flat when the growth is linear): ${marginal.map((m) => `${m} ms`).join(', ')}. Plot: [bench/analysis.svg](bench/analysis.svg). Whole run: ${round((Date.now() - started) / 1000, 0)} s.`,
      '',
      '![analyzeChipOrder time against plan size](bench/analysis.svg)',
    ].join('\n');
    await writeFigures('analysis', md, {
      machine: machine(db.version),
      calendar: count[0].n,
      results,
      growth,
      marginal,
    });
  } finally {
    await app.stop();
    await db.stop();
  }
}

/** A log-log SVG of median time against lots, the DB reads beside it, and a linear guide. */
function plot(results: { lots: number; median: number; reads: number }[]): string {
  const W = 640;
  const H = 420;
  const m = { l: 70, r: 30, t: 40, b: 60 };
  const xs = results.map((r) => r.lots);
  const ys = results.flatMap((r) => [r.median, r.reads]);
  const lx = (v: number) => Math.log10(v);
  const [x0, x1] = [lx(Math.min(...xs)), lx(Math.max(...xs))];
  const [y0, y1] = [Math.floor(lx(Math.min(...ys))), Math.ceil(lx(Math.max(...ys)))];
  const px = (v: number) => m.l + ((lx(v) - x0) / (x1 - x0)) * (W - m.l - m.r);
  const py = (v: number) => H - m.b - ((lx(v) - y0) / (y1 - y0)) * (H - m.t - m.b);
  const line = (pts: [number, number][], style: string) =>
    `<polyline fill="none" ${style} points="${pts.map(([x, y]) => `${px(x).toFixed(1)},${py(y).toFixed(1)}`).join(' ')}"/>`;
  const dots = (pts: [number, number][], color: string) =>
    pts
      .map(
        ([x, y]) =>
          `<circle cx="${px(x).toFixed(1)}" cy="${py(y).toFixed(1)}" r="4" fill="${color}"/>`,
      )
      .join('');
  const last = results.at(-1)!;
  // Linear growth through the largest plan: time ∝ lots.
  const floor = 10 ** y0;
  const visibleGuide: [number, number][] = [
    [
      Math.max(xs[0], (last.lots * floor) / last.median),
      Math.max(floor, (last.median * xs[0]) / last.lots),
    ],
    [last.lots, last.median],
  ];
  const gridY = Array.from({ length: y1 - y0 + 1 }, (_, i) => 10 ** (y0 + i));
  const service: [number, number][] = results.map((r) => [r.lots, r.median]);
  const reads: [number, number][] = results.map((r) => [r.lots, r.reads]);
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" font-family="sans-serif" font-size="12">
<rect width="${W}" height="${H}" fill="white"/>
<text x="${W / 2}" y="22" text-anchor="middle" font-size="14">analyzeChipOrder: median time against plan size (log-log)</text>
${gridY.map((v) => `<line x1="${m.l}" x2="${W - m.r}" y1="${py(v)}" y2="${py(v)}" stroke="#ddd"/><text x="${m.l - 8}" y="${py(v) + 4}" text-anchor="end">${v} ms</text>`).join('\n')}
${xs.map((v) => `<line x1="${px(v)}" x2="${px(v)}" y1="${m.t}" y2="${H - m.b}" stroke="#eee"/><text x="${px(v)}" y="${H - m.b + 18}" text-anchor="middle">${v}</text>`).join('\n')}
<text x="${W / 2}" y="${H - 18}" text-anchor="middle">lots in the plan (10 steps each), against 10,000 existing bookings</text>
${line(visibleGuide, 'stroke="#999" stroke-dasharray="6 4"')}
${line(service, 'stroke="#1f77b4" stroke-width="2"')}${dots(service, '#1f77b4')}
${line(reads, 'stroke="#ff7f0e" stroke-width="2"')}${dots(reads, '#ff7f0e')}
<g transform="translate(${m.l + 12},${m.t + 10})">
<line x1="0" x2="24" y1="0" y2="0" stroke="#1f77b4" stroke-width="2"/><text x="30" y="4">service, over HTTP</text>
<line x1="0" x2="24" y1="18" y2="18" stroke="#ff7f0e" stroke-width="2"/><text x="30" y="22">its DB reads alone (pg)</text>
<line x1="0" x2="24" y1="36" y2="36" stroke="#999" stroke-dasharray="6 4"/><text x="30" y="40">linear growth through the largest plan</text>
</g>
</svg>
`;
}

runBench(main);
