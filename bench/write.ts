// `npm run bench` part 2 (alone: `npx tsx bench/write.ts [--seconds 8]`, BENCH_QUICK=1 or
// BENCH_SECONDS for a short check): a shop order
// (confirmShopOrder, then payOrder) and a chip order (confirmChipOrder) placed by 8 and 32
// concurrent clients, each client its own consumer, its own products and its own plant
// windows, beside a baseline that runs the same SQL statements as bare `pg` transactions at
// the same concurrency (bench/write-baseline.ts).
import { cpus } from 'node:os';
import {
  benchSeconds,
  cpuMs,
  deadline,
  machine,
  makeConsumers,
  percentile,
  POOL_SIZE,
  postmasterPid,
  processTreeCpuMs,
  round,
  spawnApp,
  startDatabase,
  statementsOf,
  summary,
  table,
  writeFigures,
  type Child,
  runBench,
} from './harness.ts';
import { chipOrder, shopOrder, type Counted } from './write-baseline.ts';
import {
  chipPlan,
  chipPlanSpan,
  CONFIRM_CHIP,
  CONFIRM_SHOP,
  httpGql,
  must,
  newKey,
  PAY,
  shopOrderInput,
  type Gql,
} from './workload.ts';

const SECONDS = benchSeconds(8);
const CLIENTS = [8, 32];
const LOTS = 2;

deadline(8);

interface Client {
  id: string;
  token: string;
  shop: { id: string; productIds: string[] };
}

interface Figures {
  orders: number;
  perSecond: number;
  p50: number;
  p99: number;
  failures: number;
  /** CPU the process placing the orders spent per order (the service; the bench for the baseline). */
  cpuMs?: number;
  /** PostgreSQL's CPU per order, all its processes. */
  postgresMs?: number;
  /** The bench process's CPU per order while it drove the service (its HTTP client). */
  clientMs?: number;
  /** What the machine's cores spent per order: the three above (the bench is the baseline). */
  machineMs?: number;
  /** Share of the machine's cores busy with these processes over the run, in %. */
  coresBusy?: number;
}

/**
 * `clients` closed loops, each placing orders back to back for `seconds`: orders per second
 * and each order's latency (for a shop order, confirmation and payment together).
 */
async function closedLoop(
  clients: Client[],
  seconds: number,
  place: (client: Client, i: number, k: number) => Promise<void>,
): Promise<Figures> {
  const latencies: number[] = [];
  let failures = 0;
  let firstError: unknown;
  const started = Date.now();
  const until = started + seconds * 1000;
  await Promise.all(
    clients.map(async (client, i) => {
      for (let k = 0; Date.now() < until; k++) {
        const t0 = performance.now();
        try {
          await place(client, i, k);
          latencies.push(performance.now() - t0);
        } catch (err) {
          failures++;
          firstError ??= err;
        }
      }
    }),
  );
  if (firstError) console.error('first failure:', firstError);
  const elapsed = (Date.now() - started) / 1000;
  latencies.sort((a, b) => a - b);
  return {
    orders: latencies.length,
    perSecond: round(latencies.length / elapsed),
    p50: round(percentile(latencies, 50)),
    p99: round(percentile(latencies, 99)),
    failures,
  };
}

/** Plant windows no two orders share: per run, per client, per order. */
const chipStart = (run: number, client: number, k: number) =>
  1_000_000 + run * 40_000_000 + client * 1_000_000 + k * chipPlanSpan(LOTS);
// 16 runs (2 orders x 2 client counts x 4) of up to 32 clients stay below 2^31: 6.4e8.

async function placeShop(gql: Gql, client: Client) {
  const confirmed = must(
    await gql(
      CONFIRM_SHOP,
      { input: shopOrderInput(client.shop), key: newKey('shop') },
      client.token,
    ),
    'confirmShopOrder',
  );
  must(
    await gql(PAY, { orderId: confirmed.order.id, key: newKey('pay') }, client.token),
    'payOrder',
  );
}

async function placeChip(gql: Gql, client: Client, at: number) {
  must(
    await gql(CONFIRM_CHIP, { input: chipPlan(at, LOTS), key: newKey('chip') }, client.token),
    'confirmChipOrder',
  );
}

async function main(): Promise<void> {
  const started = Date.now();
  const db = await startDatabase();
  let app: Child = await spawnApp(db.url, true);
  try {
    const max = Math.max(...CLIENTS);
    const consumers = await makeConsumers(db.pool, max, '1000000000.00');
    // Each client buys its own two products, so no two clients wait on one stock row.
    const { rows } = await db.pool.query(
      `with s as (insert into shops (cn_name, en_name) values ('写入基准店', 'Write bench shop') returning id)
       insert into products (shop_id, name, price, stock)
       select s.id, 'Product ' || g, 9.90, 1000000000 from s, generate_series(1, $1::int) g
       returning shop_id::text, id::text`,
      [2 * max],
    );
    const clients: Client[] = consumers.map((c, i) => ({
      ...c,
      shop: { id: rows[0].shop_id, productIds: [rows[2 * i].id, rows[2 * i + 1].id] },
    }));
    const baseline: Counted = { pool: db.pool, statements: 0 };

    // The same statements on both sides, counted on one order of each.
    let gql = httpGql(app.url);
    await statementsOf(app);
    await placeShop(gql, clients[0]);
    const serviceShop = await statementsOf(app);
    await placeChip(gql, clients[0], 500_000);
    const serviceChip = await statementsOf(app);
    await shopOrder(baseline, clients[0].id, clients[0].shop, [newKey('b'), newKey('b')]);
    const baselineShop = baseline.statements;
    baseline.statements = 0;
    await chipOrder(baseline, clients[0].id, chipPlan(600_000, LOTS), newKey('b'));
    const baselineChip = baseline.statements;
    const statements = {
      shop: { service: serviceShop, baseline: baselineShop },
      chip: { service: serviceChip, baseline: baselineChip },
    };
    console.log('statements per order:', JSON.stringify(statements));
    await app.stop();
    app = await spawnApp(db.url);
    gql = httpGql(app.url);

    const postgres = await postmasterPid(db.pool);
    const cores = cpus().length;
    /** A timed run, with the CPU every process involved spent on it (/proc, process.cpuUsage). */
    const timed = async (side: 'service' | 'baseline', loop: () => Promise<Figures>) => {
      const started = performance.now();
      const before = [cpuMs(app.process.pid!), processTreeCpuMs(postgres)];
      const ownBefore = process.cpuUsage();
      const figures = await loop();
      const ownUsage = process.cpuUsage(ownBefore);
      const elapsed = performance.now() - started;
      const orders = Math.max(1, figures.orders);
      const own = (ownUsage.user + ownUsage.system) / 1000;
      const server = side === 'service' ? cpuMs(app.process.pid!) - before[0] : 0;
      const postgresMs = processTreeCpuMs(postgres) - before[1];
      figures.cpuMs = round((side === 'service' ? server : own) / orders, 1);
      figures.postgresMs = round(postgresMs / orders, 1);
      if (side === 'service') figures.clientMs = round(own / orders, 1);
      figures.machineMs = round((server + own + postgresMs) / orders, 1);
      figures.coresBusy = round((100 * (server + own + postgresMs)) / (elapsed * cores), 0);
      return figures;
    };

    const results: Record<string, any>[] = [];
    let run = 0;
    for (const scenario of ['shop', 'chip'] as const) {
      for (const n of CLIENTS) {
        const active = clients.slice(0, n);
        const place = (side: 'service' | 'baseline', runNo: number) =>
          side === 'service'
            ? (client: Client, i: number, k: number) =>
                scenario === 'shop'
                  ? placeShop(gql, client)
                  : placeChip(gql, client, chipStart(runNo, i, k))
            : (client: Client, i: number, k: number) =>
                scenario === 'shop'
                  ? shopOrder(baseline, client.id, client.shop, [newKey('b'), newKey('b')])
                  : chipOrder(
                      baseline,
                      client.id,
                      chipPlan(chipStart(runNo, i, k), LOTS),
                      newKey('b'),
                    );
        // A 2 s warm-up of each side (JIT, pool), then the timed runs.
        await closedLoop(active, 2, place('service', run++));
        await closedLoop(active, 2, place('baseline', run++));
        const service = await timed('service', () =>
          closedLoop(active, SECONDS, place('service', run++)),
        );
        const bare = await timed('baseline', () =>
          closedLoop(active, SECONDS, place('baseline', run++)),
        );
        const ratio = round(service.perSecond / bare.perSecond, 2);
        // Were both cores busy, the throughput ratio could not pass the ratio of machine CPU.
        const bound = round(bare.machineMs! / service.machineMs!, 2);
        results.push({ scenario, clients: n, service, baseline: bare, ratio, bound });
        summary(
          `write ${scenario} @${n}: service ${service.perSecond} orders/s p99 ${service.p99} ms (${service.cpuMs} ms CPU/order); baseline ${bare.perSecond} orders/s p99 ${bare.p99} ms (${bare.cpuMs} ms CPU/order); ratio ${ratio}; machine CPU/order ${service.machineMs} / ${bare.machineMs} (bound ${bound}), cores busy ${service.coresBusy} / ${bare.coresBusy} %`,
        );
      }
    }

    const name = {
      shop: 'shop order: confirmShopOrder + payOrder',
      chip: `chip order: confirmChipOrder (${LOTS} lots × 3 steps)`,
    };
    const md = [
      `Measured ${new Date().toISOString().slice(0, 10)}, ${SECONDS} s per run, closed loops (each client sends its next order when the last is answered); each client is its own consumer with its own products and plant windows, so the figures are throughput, not one hot row. Statements per order, service / baseline: shop ${statements.shop.service} / ${statements.shop.baseline}, chip ${statements.chip.service} / ${statements.chip.baseline}. Both sides use a pool of ${POOL_SIZE} connections; \`fsync=on\`. CPU per order from \`/proc\` over each timed run: the server process (for the baseline, the bench process, which runs it), PostgreSQL (all its processes), and the bench process while it drives the service (its HTTP client; the load generator shares the machine). Machine CPU is the sum; bound: the baseline's machine CPU over the service's, the throughput ratio the two could reach with every core busy. Cores busy: that sum over the run's wall time and the machine's ${cores} cores.`,
      '',
      table([
        [
          'order',
          'clients',
          'service orders/s',
          'p50 ms',
          'p99 ms',
          'baseline orders/s',
          'p50 ms',
          'p99 ms',
          'ratio',
          'CPU ms/order service / baseline',
          'PostgreSQL CPU ms/order',
          'HTTP client CPU ms/order',
          'machine CPU ms/order',
          'bound',
          'cores busy %',
        ],
        ...results.map((r) => [
          name[r.scenario as 'shop' | 'chip'],
          r.clients,
          r.service.perSecond,
          r.service.p50,
          r.service.p99,
          r.baseline.perSecond,
          r.baseline.p50,
          r.baseline.p99,
          `**${r.ratio}**`,
          `${r.service.cpuMs} / ${r.baseline.cpuMs}`,
          `${r.service.postgresMs} / ${r.baseline.postgresMs}`,
          r.service.clientMs,
          `${r.service.machineMs} / ${r.baseline.machineMs}`,
          r.bound,
          `${r.service.coresBusy} / ${r.baseline.coresBusy}`,
        ]),
      ]),
      '',
      `Failed orders: ${results.reduce((t, r) => t + r.service.failures + r.baseline.failures, 0)}. Whole run: ${round((Date.now() - started) / 1000, 0)} s.`,
    ].join('\n');
    await writeFigures('write', md, {
      machine: machine(db.version),
      seconds: SECONDS,
      statements,
      results,
    });
  } finally {
    await app.stop();
    await db.stop();
  }
}

runBench(main);
