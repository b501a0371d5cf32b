// `npm run bench` part 1 (alone: `npx tsx bench/read.ts [--seconds 10]`): OPERATOR's
// `orders(first: 20)` with every kind's nested fields, and `order(id)` in full, over HTTP with
// autocannon at 10 and 50 connections, beside a baseline that fetches the same data with the
// same SQL statements through `pg` alone (bench/read-baseline-server.ts).
import { isDeepStrictEqual } from 'node:util';
import autocannon from 'autocannon';
import { print } from 'graphql';
import { Role } from '../src/platform/accounts/consumer.entity';
import { PerfOrderDetailDocument, PerfOrderListDocument } from '../test/generated/graphql';
import {
  cpuMs,
  deadline,
  machine,
  round,
  spawnApp,
  spawnServer,
  startDatabase,
  statementsOf,
  table,
  tokenFor,
  writeFigures,
  type Child,
} from './harness';
import { httpGql, placeMixedOrders } from './workload';

const arg = (name: string, fallback: number) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : fallback;
};
const SECONDS = arg('seconds', 10);
const ROUNDS = arg('rounds', 20);
const CONNECTIONS = [10, 50];
const PAGE = 20;

deadline(8);

interface Figures {
  rps: number;
  /** CPU the server process spent per request. */
  cpuMs: number;
  p50: number;
  p99: number;
  requests: number;
  failures: number;
}

async function post(url: string, token: string, body: string): Promise<any> {
  const res = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
    body,
  });
  return res.json();
}

async function load(
  server: Child,
  token: string,
  bodies: string[],
  connections: number,
  seconds: number,
): Promise<Figures> {
  const cpuBefore = cpuMs(server.process.pid!);
  const result = await autocannon({
    url: server.url,
    connections,
    duration: seconds,
    timeout: 30,
    requests: bodies.map((body) => ({
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
      body,
    })),
  });
  return {
    rps: round(result.requests.average),
    cpuMs: round((cpuMs(server.process.pid!) - cpuBefore) / Math.max(1, result.requests.total), 1),
    p50: result.latency.p50,
    p99: result.latency.p99,
    requests: result.requests.total,
    failures: result.errors + result.timeouts + result.non2xx,
  };
}

/** Asks both servers the same thing: the answers must be equal, statement counts too. */
async function compare(app: Child, baseline: Child, token: string, body: string, what: string) {
  const [mine, theirs] = [await post(app.url, token, body), await post(baseline.url, token, body)];
  if (mine.errors) throw new Error(`${what}: the service answered ${JSON.stringify(mine.errors)}`);
  if (!isDeepStrictEqual(mine.data, theirs.data)) {
    throw new Error(
      `${what}: the baseline answers other data than the service\nservice:  ${JSON.stringify(mine.data).slice(0, 3000)}\nbaseline: ${JSON.stringify(theirs.data).slice(0, 3000)}`,
    );
  }
  return {
    service: await statementsOf(app),
    baseline: await statementsOf(baseline),
    bytes: JSON.stringify(mine).length,
  };
}

async function main(): Promise<void> {
  const started = Date.now();
  const db = await startDatabase();
  let app = await spawnApp(db.url, true);
  let baseline: Child | undefined;
  try {
    const { rows } = await db.pool.query(
      `with s as (insert into shops (cn_name, en_name) values ('基准店', 'Bench shop') returning id)
       insert into products (shop_id, name, price, stock)
       select s.id, 'Bench product ' || g, 9.90, 1000000 from s, generate_series(1, 2) g
       returning shop_id::text, id::text`,
    );
    const shop = { id: rows[0].shop_id, productIds: rows.map((r) => r.id) };
    const operator = tokenFor('10000001', Role.OPERATOR);
    const tokens = {
      insurance: tokenFor('89638599'),
      shop: tokenFor('89638600'),
      chip: tokenFor('89638601'),
      operator,
    };
    const ids = await placeMixedOrders(httpGql(app.url), tokens, {
      rounds: ROUNDS,
      shop,
      chipStart: 1000,
    });
    console.log(`${ids.length} orders of every kind placed through the API`);

    const list = [
      JSON.stringify({ query: print(PerfOrderListDocument), variables: { first: PAGE } }),
    ];
    // One order of each kind, in turn.
    const details = ids
      .slice(-5)
      .map((id) => JSON.stringify({ query: print(PerfOrderDetailDocument), variables: { id } }));

    baseline = await spawnServer('read-baseline-server.ts', { BENCH_DATABASE_URL: db.url });
    await statementsOf(app);
    const checks = {
      list: await compare(app, baseline, operator, list[0], 'orders(first: 20)'),
      detail: [] as Awaited<ReturnType<typeof compare>>[],
    };
    // One at a time, so each count is one request's.
    for (const [i, body] of details.entries()) {
      checks.detail.push(await compare(app, baseline, operator, body, `order(id) #${i}`));
    }
    console.log('same answers from both; statements:', JSON.stringify(checks));
    // The timed runs use a server that does not log its statements.
    await app.stop();
    app = await spawnApp(db.url);
    console.log('service restarted without statement logging; timing');

    const cases = [
      { name: `orders(first: ${PAGE})`, bodies: list },
      { name: 'order(id), each kind in turn', bodies: details },
    ];
    const results: Record<string, any>[] = [];
    for (const c of cases) {
      for (const connections of CONNECTIONS) {
        // A short warm-up of each, then the timed runs, service first.
        await load(app, operator, c.bodies, connections, 2);
        const service = await load(app, operator, c.bodies, connections, SECONDS);
        await load(baseline, operator, c.bodies, connections, 2);
        const bare = await load(baseline, operator, c.bodies, connections, SECONDS);
        const ratio = round(service.rps / bare.rps, 2);
        results.push({ case: c.name, connections, service, baseline: bare, ratio });
        console.log(
          `${c.name} @${connections}: service ${service.rps} req/s p50 ${service.p50} p99 ${service.p99} ms ${service.cpuMs} ms CPU/req; baseline ${bare.rps} req/s p50 ${bare.p50} p99 ${bare.p99} ms ${bare.cpuMs} ms CPU/req; ratio ${ratio}`,
        );
      }
    }

    const detailStatements = checks.detail.map((d) => d.service).join(' / ');
    const md = [
      `Measured ${new Date().toISOString().slice(0, 10)}, ${SECONDS} s per run after a 2 s warm-up, on ${ids.length} orders (${ROUNDS} of each kind) placed through the API. Statements per request, service / baseline: list ${checks.list.service} / ${checks.list.baseline}; detail (CHIP / PLAN / DRIVER / SALE / SHOP) ${detailStatements} / ${checks.detail.map((d) => d.baseline).join(' / ')}. Response sizes: list ${checks.list.bytes} B, detail ${checks.detail.map((d) => d.bytes).join(' / ')} B. Both answers were checked equal before timing.`,
      '',
      table([
        [
          'query',
          'connections',
          'service req/s',
          'p50 ms',
          'p99 ms',
          'baseline req/s',
          'p50 ms',
          'p99 ms',
          'ratio',
          'CPU ms/req service / baseline',
        ],
        ...results.map((r) => [
          r.case,
          r.connections,
          r.service.rps,
          r.service.p50,
          r.service.p99,
          r.baseline.rps,
          r.baseline.p50,
          r.baseline.p99,
          `**${r.ratio}**`,
          `${r.service.cpuMs} / ${r.baseline.cpuMs}`,
        ]),
      ]),
      '',
      `Failed requests (errors, timeouts, non-2xx): ${results.reduce((t, r) => t + r.service.failures + r.baseline.failures, 0)}. Whole run: ${round((Date.now() - started) / 1000, 0)} s.`,
    ].join('\n');
    writeFigures('read', md, {
      machine: machine(db.version),
      seconds: SECONDS,
      orders: ids.length,
      statements: checks,
      results,
    });
  } finally {
    await baseline?.stop();
    await app.stop();
    await db.stop();
  }
}

main().then(
  () => process.exit(0),
  (err) => {
    console.error(err);
    process.exit(1);
  },
);
