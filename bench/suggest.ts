// `npx tsx bench/suggest.ts [--write]`: suggestChipPlans (issue 18) for 1, 10 and 100 lots of
// DM878 (5 steps, 5-10 plants each) and TK450 (10 steps, 3-4 plants each), CHEAPEST and
// EARLIEST_FINISH, against a calendar of 10,000 existing bookings on those chips' plants.
// Two figures per case: the first plan (timeBudgetMs 1: the first greedy pass only) and the
// default search (timeBudgetMs 1000), with its proof or gap. Writes bench/results/suggest.json;
// with --write also BENCHMARKS.md's `bench:suggest` section (docs/chip-suggest.md has the
// figures of the last run). BENCH_QUICK=1: one run of each case, nothing written.
import {
  deadline,
  machine,
  makeConsumers,
  median,
  QUICK,
  round,
  spawnApp,
  startDatabase,
  summary,
  table,
  writeFigures,
  runBench,
} from './harness.ts';
import { httpGql } from './workload.ts';

const CHIPS = ['DM878', 'TK450'];
const LOTS = [1, 10, 100];
const OBJECTIVES = ['CHEAPEST', 'EARLIEST_FINISH'];
const BOOKINGS = 10_000;
const REPEATS = QUICK ? 1 : 5;
const QUANTITY_PER_LOT = 10;
const SUGGEST = `query ($input: ChipSuggestInput!) {
  suggestChipPlans(input: $input, count: 3) {
    optimal searchComplete elapsedMs scoreLowerBound
    plans { score gap kpi { totalCost finishTime } }
    obstacles { code }
  }
}`;

deadline(8);

interface Row {
  chip: string;
  objective: string;
  lots: number;
  operations: number;
  firstPlanMs: number;
  searchMs: number;
  optimal: boolean;
  complete: boolean;
  score: string;
  lowerBound: string;
  gapPercent: number;
}

/** Deterministic pseudo-random integers in [lo, hi] (mulberry32). */
function random(seed: number) {
  let a = seed;
  return (lo: number, hi: number) => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return lo + (((t ^ (t >>> 14)) >>> 0) % (hi - lo + 1));
  };
}

async function main(): Promise<void> {
  const started = Date.now();
  const db = await startDatabase();
  const app = await spawnApp(db.url);
  try {
    const { rows: plants } = await db.pool.query<{ id: number }>(
      `select distinct cap.plant_id as id from chip_capabilities cap join chips c on c.id = cap.chip_id
        where c.name = any($1) order by 1`,
      [CHIPS],
    );
    // The calendar: per plant, bookings of 2-10 ticks with gaps of 0-20, from tick 0, held by
    // one stand-in order per plant (one lot per booking), written with SQL.
    const [{ id: consumer }] = await makeConsumers(db.pool, 1, '1.00');
    const next = random(18);
    const perPlant = Math.ceil(BOOKINGS / plants.length);
    const client = await db.pool.connect();
    try {
      await client.query('begin');
      for (const [n, plant] of plants.entries()) {
        let cursor = 0;
        const rows = Array.from({ length: perPlant }, (_, lot) => {
          const start = cursor + next(0, 20);
          cursor = start + next(2, 10);
          return { lot, start, end: cursor };
        });
        const json = JSON.stringify(rows);
        const {
          rows: [order],
        } = await client.query(
          `insert into orders (id, kind, order_no, consumer_id, status, status_code, status_label, payment)
           values (gen_random_uuid(), 'CHIP', $1, $2, 'PAID', 2, '已支付', 1) returning id`,
          [`BENCHSG${n}`, consumer],
        );
        await client.query(
          `insert into chip_orders (order_id, budget, expected_time, total_cost, first_start, last_end)
           values ($1, 1, $2, 1, 0, $2)`,
          [order.id, cursor],
        );
        await client.query(
          `insert into chip_lots (order_id, lot, chip_id, quantity, cost)
           select $1, lot, (select min(id) from chips), 1, 1 from jsonb_to_recordset($2::jsonb) as x (lot int)`,
          [order.id, json],
        );
        for (const target of ['chip_lot_operations', 'chip_bookings']) {
          const cost = target === 'chip_lot_operations';
          await client.query(
            `insert into ${target} (order_id, lot, step, plant_id, start_tick, end_tick${cost ? ', cost' : ''})
             select $1, lot, 1, $2, start, "end"${cost ? ', 1' : ''}
               from jsonb_to_recordset($3::jsonb) as x (lot int, start bigint, "end" bigint)`,
            [order.id, plant.id, json],
          );
        }
      }
      await client.query('commit');
      await client.query('analyze chip_bookings');
    } finally {
      client.release();
    }
    const { rows: count } = await db.pool.query(`select count(*)::int as n from chip_bookings`);
    console.log(`calendar: ${count[0].n} bookings on ${plants.length} plants`);

    const [admin] = await makeConsumers(db.pool, 1, '1.00', 1);
    const gql = httpGql(app.url);
    const run = async (chip: string, lots: number, objective: string, timeBudgetMs: number) => {
      const input = {
        chipName: chip,
        quantity: lots * QUANTITY_PER_LOT,
        lots: Array.from({ length: lots }, () => ({ quantity: QUANTITY_PER_LOT })),
        objective,
        timeBudgetMs,
      };
      const t0 = performance.now();
      const res = await gql(SUGGEST, { input }, admin.token);
      const ms = performance.now() - t0;
      const result = res.data?.suggestChipPlans;
      if (!result?.plans?.length) throw new Error(`${chip} × ${lots}: ${JSON.stringify(res)}`);
      return { ms, result };
    };

    const results: Row[] = [];
    for (const chip of CHIPS) {
      for (const objective of OBJECTIVES) {
        for (const lots of LOTS) {
          const first: number[] = [];
          const full: number[] = [];
          let last: Awaited<ReturnType<typeof run>>['result'] | undefined;
          await run(chip, lots, objective, 1); // warm-up
          for (let r = 0; r < REPEATS; r++) {
            first.push((await run(chip, lots, objective, 1)).ms);
            const searched = await run(chip, lots, objective, 1000);
            full.push(searched.ms);
            last = searched.result;
          }
          const best = last!.plans[0];
          const row: Row = {
            chip,
            objective,
            lots,
            operations: lots * (chip === 'DM878' ? 5 : 10),
            firstPlanMs: round(median(first), 1),
            searchMs: round(median(full), 1),
            optimal: last!.optimal,
            complete: last!.searchComplete,
            score: best.score,
            lowerBound: last!.scoreLowerBound,
            gapPercent:
              Number(last!.scoreLowerBound) > 0
                ? round((100 * Number(best.gap)) / Number(last!.scoreLowerBound), 2)
                : 0,
          };
          results.push(row);
          console.log(JSON.stringify(row));
        }
      }
    }

    const growth = (chip: string, objective: string, key: 'firstPlanMs' | 'searchMs') => {
      const rows = results.filter((r) => r.chip === chip && r.objective === objective);
      return rows
        .slice(1)
        .map((r, i) => `×${round(r[key] / rows[i][key], 1)}`)
        .join(', ');
    };
    const firstPlanGrowth = CHIPS.flatMap((c) =>
      OBJECTIVES.map((o) => `${c} ${o} ${growth(c, o, 'firstPlanMs')}`),
    ).join('; ');
    summary(`suggest: first plan's growth per ×10 lots ${firstPlanGrowth}`);
    const md = [
      `Measured ${new Date().toISOString().slice(0, 10)}: \`suggestChipPlans(first: 3)\` over HTTP, one request at a time, for lots of ${QUANTITY_PER_LOT} chips of DM878 (5 steps, 5-10 plants each) and TK450 (10 steps, 3-4 plants each), against ${count[0].n} existing bookings on those chips' ${plants.length} plants (2-10 ticks each, gaps of 0-20). Median of ${REPEATS} runs after a warm-up. "First plan": \`timeBudgetMs: 1\`, so only the first greedy pass (always finished) and the bounds run. "Search": the default budget of 1000 ms; it returns earlier when the best plan is proven optimal. Gap: (score - lower bound) / lower bound.`,
      '',
      table([
        ['chip', 'objective', 'lots', 'ops', 'first plan ms', 'search ms', 'optimal', 'gap %'],
        ...results.map((r) => [
          r.chip,
          r.objective,
          r.lots,
          r.operations,
          r.firstPlanMs,
          r.searchMs,
          r.optimal ? 'yes' : 'no',
          r.gapPercent,
        ]),
      ]),
      '',
      `Growth of the first plan per ×10 lots: ${firstPlanGrowth}. Whole run: ${round((Date.now() - started) / 1000, 0)} s.`,
    ].join('\n');
    const figures = { machine: machine(db.version), calendar: count[0].n, results };
    await writeFigures('suggest', md, figures, process.argv.includes('--write'));
  } finally {
    await app.stop();
    await db.stop();
  }
}

runBench(main);
