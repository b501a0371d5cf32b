// `npm run bench` part 1 (alone: `npx tsx bench/read.ts [--seconds 10] [--rounds 20]`,
// BENCH_QUICK=1 for a short check): OPERATOR's `orders(first: 20)` with every kind's nested
// fields, and `order(id)` in full, over HTTP with autocannon at 10 and 50 connections, beside a
// baseline that fetches the same data with the same SQL statements through `pg` alone
// (bench/read-baseline-server.ts). The list also beside the same page from one SQL statement
// (bench/read-one-statement.ts, the database's floor) and beside PostGraphile 5 serving the
// same database (bench/read-postgraphile.ts).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import autocannon from 'autocannon';
import { print } from 'graphql';
import pg from 'pg';
import { modules } from '../src/modules.ts';
import { Consumer } from '../src/platform/accounts/consumer.entity.ts';
import { openDatabase } from '../src/platform/db/orm.ts';
import { PerfOrderDetailDocument, PerfOrderListDocument } from '../test/generated/graphql.ts';
import {
  benchSeconds,
  cpuMs,
  deadline,
  median,
  machine,
  numberArg,
  QUICK,
  round,
  spawnApp,
  spawnServer,
  startDatabase,
  statementsOf,
  summary,
  table,
  readWorkload,
  ROOT,
  writeFigures,
  type Child,
  runBench,
} from './harness.ts';
import { httpGql, placeMixedOrders } from './workload.ts';
import {
  checkPostGraphilePage,
  POSTGRAPHILE_DIFFERENCES,
  POSTGRAPHILE_PAGE,
} from './read-postgraphile.ts';

const SECONDS = benchSeconds(10);
// Each round places one order of each kind: 4 fill the page of 20.
const ROUNDS = numberArg('rounds', QUICK ? 4 : 20);
const WARM_UP_SECONDS = QUICK ? 1 : 2;
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

/** PostGraphile's answer to its page: checked for shape, its statements counted. */
async function checkPeer(peer: Child, token: string, body: string) {
  await statementsOf(peer); // those of its schema's introspection
  const answer = await post(peer.url, token, body);
  checkPostGraphilePage(answer, PAGE);
  return { statements: await statementsOf(peer), bytes: JSON.stringify(answer).length };
}

interface PeerRow {
  connections: number;
  service: Figures;
  baseline: Figures;
  oneStatement: Figures;
  postgraphile: Figures;
}

/** The list's figures beside the floor and the peer, and what the peer's query is. */
function peersMarkdown(
  rows: PeerRow[],
  checks: {
    list: Awaited<ReturnType<typeof compare>>;
    oneStatement: Awaited<ReturnType<typeof compare>>;
    postgraphile: Awaited<ReturnType<typeof checkPeer>>;
  },
): string {
  const version = JSON.parse(
    readFileSync(join(ROOT, 'node_modules/postgraphile/package.json'), 'utf8'),
  ).version;
  const servers: [string, keyof Omit<PeerRow, 'connections'>, string | number][] = [
    ['service', 'service', checks.list.service],
    ['hand-written SQL baseline', 'baseline', checks.list.baseline],
    ['one statement (JSON aggregation)', 'oneStatement', checks.oneStatement.baseline],
    [`PostGraphile ${version}`, 'postgraphile', checks.postgraphile.statements],
  ];
  return [
    `**The list beside the database's floor and a peer.** The same runs of \`orders(first: ${PAGE})\` as above, beside: the same page built by one SQL statement with JSON aggregation and sent as PostgreSQL prints it (bench/read-one-statement.ts; checked equal to the service's answer before timing), and PostGraphile ${version} serving the same database in a process of its own with the closest query its generated schema allows (bench/read-postgraphile.ts; ${checks.postgraphile.bytes} B against our ${checks.list.bytes} B). Ratio: service / that server's req/s.`,
    '',
    table([
      ['connections', 'server', 'statements', 'req/s', 'p50 ms', 'p99 ms', 'CPU ms/req', 'ratio'],
      ...rows.flatMap((r) =>
        servers.map(([name, key, statements]) => [
          r.connections,
          name,
          statements,
          r[key].rps,
          r[key].p50,
          r[key].p99,
          r[key].cpuMs,
          key === 'service' ? '—' : `**${round(r.service.rps / r[key].rps, 2)}**`,
        ]),
      ),
    ]),
    '',
    `What PostGraphile is asked, against the service's PerfOrderList:`,
    '',
    ...POSTGRAPHILE_DIFFERENCES.map((d) => `- ${d}`),
  ].join('\n');
}

const BREAKDOWN_CONNECTIONS = 4;

/** CPU the server spends per request of `body`: `amount` requests after a warm-up. */
async function cpuPerRequest(server: Child, token: string, body: string, amount: number) {
  const send = (n: number) =>
    autocannon({
      url: server.url,
      connections: BREAKDOWN_CONNECTIONS,
      amount: n,
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
      body,
    });
  if (QUICK) amount = Math.ceil(amount / 10);
  await send(Math.max(20, amount / 5));
  const before = cpuMs(server.process.pid!);
  const result = await send(amount);
  if (result.non2xx || result.errors) throw new Error(`breakdown request failed: ${body}`);
  return round((cpuMs(server.process.pid!) - before) / amount, 1);
}

/**
 * The service's CPU per request as the selection grows, each kind's page alone, and one
 * statement through MikroORM's find, its execute, and pg: what the ratio above is made of.
 */
async function whereTheCpuGoes(app: Child, baseline: Child, token: string, databaseUrl: string) {
  const body = (query: string, variables: Record<string, unknown> = {}) =>
    JSON.stringify({ query, variables });
  const full = print(PerfOrderListDocument);
  const cases: { what: string; body: string; amount: number; baseline?: boolean }[] = [
    {
      what: '`{ __typename }`: HTTP, token, Apollo, the operation guard',
      body: body('{ __typename }'),
      amount: 600,
    },
    {
      what: '`orders(first: 20) { edges { node { id } } }`',
      body: body('{ orders(first: 20) { edges { node { id } } } }'),
      amount: 400,
    },
    {
      what: '… with `totalCount` and the order columns',
      body: body(
        '{ orders(first: 20) { totalCount edges { node { id kind orderNo status statusCode statusLabel payment createdAt updatedAt } } } }',
      ),
      amount: 400,
    },
    {
      what: '… and `consumer`, `events { actor }`',
      body: body(
        '{ orders(first: 20) { totalCount edges { node { id kind orderNo status statusCode statusLabel payment createdAt updatedAt consumer { id name role } events { id cursor type fromStatus toStatus data occurredAt actor { id name } } } } } }',
      ),
      amount: 300,
    },
    {
      what: "… and every kind's fields: the benchmark's `orders(first: 20)`",
      body: body(full, { first: PAGE }),
      amount: 150,
      baseline: true,
    },
    ...['CHIP', 'PLAN', 'DRIVER', 'SALE', 'SHOP'].map((kind) => ({
      what: `\`orders(first: 20, kind: ${kind})\`, every field`,
      body: body(full, { first: PAGE, kind }),
      amount: 150,
    })),
  ];
  const requests = [];
  for (const c of cases) {
    requests.push({
      what: c.what,
      service: await cpuPerRequest(app, token, c.body, c.amount),
      baseline: c.baseline ? await cpuPerRequest(baseline, token, c.body, c.amount) : undefined,
    });
  }
  // One trivial read of one row, N times in a row, in this process.
  const orm = await openDatabase(modules, { url: databaseUrl });
  const pool = new pg.Pool({ connectionString: databaseUrl, max: 2 });
  const iterations = 2000;
  const measures: [string, () => Promise<unknown>][] = [
    [
      'MikroORM `em.find(Consumer, { id: { $in: [id] } })`',
      () => orm.em.fork().find(Consumer, { id: { $in: ['89638599'] } }),
    ],
    [
      'MikroORM `em.execute(sql)`',
      () => orm.em.fork().execute(`select * from consumers where id in ('89638599')`),
    ],
    [
      '`pg` `pool.query(sql, [id])`',
      () => pool.query(`select * from consumers where id = any($1::bigint[])`, [['89638599']]),
    ],
  ];
  // Interleaved in 5 rounds, the median round of each kept: the machine's other load moves.
  const samples = measures.map(() => [] as number[]);
  for (const [, fn] of measures) for (let i = 0; i < 300; i++) await fn();
  for (let r = 0; r < 5; r++) {
    for (const [m, [, fn]] of measures.entries()) {
      const before = process.cpuUsage();
      for (let i = 0; i < iterations / 5; i++) await fn();
      const used = process.cpuUsage(before);
      samples[m].push((used.user + used.system) / (iterations / 5));
    }
  }
  const calls = {
    iterations,
    results: measures.map(([what], m) => ({ what, us: Math.round(median(samples[m])) })),
  };
  await pool.end();
  await orm.close(true);
  return { requests, calls };
}

async function main(): Promise<void> {
  const started = Date.now();
  const db = await startDatabase();
  let app = await spawnApp(db.url, true);
  let baseline: Child | undefined;
  let peer: Child | undefined;
  try {
    const { shop, tokens } = await readWorkload(db.pool);
    const operator = tokens.operator;
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
    // The same process answers the one-statement page: its CPU is counted alike.
    const oneStatement: Child = {
      ...baseline,
      url: baseline.url.replace(/\/graphql$/, '/one-statement'),
    };
    peer = await spawnServer('read-postgraphile-server.ts', { BENCH_DATABASE_URL: db.url });
    const peerList = [JSON.stringify({ query: POSTGRAPHILE_PAGE, variables: { first: PAGE } })];
    await statementsOf(app);
    const checks = {
      list: await compare(app, baseline, operator, list[0], 'orders(first: 20)'),
      oneStatement: await compare(app, oneStatement, operator, list[0], 'one-statement page'),
      postgraphile: await checkPeer(peer, operator, peerList[0]),
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
      { name: `orders(first: ${PAGE})`, bodies: list, peers: true },
      { name: 'order(id), each kind in turn', bodies: details, peers: false },
    ];
    const results: Record<string, any>[] = [];
    const peers: PeerRow[] = [];
    for (const c of cases) {
      for (const connections of CONNECTIONS) {
        // A short warm-up of each, then the timed runs, service first.
        const timed = async (server: Child, bodies: string[]) => {
          await load(server, operator, bodies, connections, WARM_UP_SECONDS);
          return load(server, operator, bodies, connections, SECONDS);
        };
        const service = await timed(app, c.bodies);
        const bare = await timed(baseline, c.bodies);
        const ratio = round(service.rps / bare.rps, 2);
        results.push({ case: c.name, connections, service, baseline: bare, ratio });
        summary(
          `read ${c.name} @${connections}: service ${service.rps} req/s p50 ${service.p50} p99 ${service.p99} ms ${service.cpuMs} ms CPU/req; baseline ${bare.rps} req/s p50 ${bare.p50} p99 ${bare.p99} ms ${bare.cpuMs} ms CPU/req; ratio ${ratio}`,
        );
        if (!c.peers) continue;
        const row: PeerRow = {
          connections,
          service,
          baseline: bare,
          oneStatement: await timed(oneStatement, c.bodies),
          postgraphile: await timed(peer, peerList),
        };
        peers.push(row);
        summary(
          `read ${c.name} @${connections}: one statement ${row.oneStatement.rps} req/s ${row.oneStatement.cpuMs} ms CPU/req, ratio ${round(service.rps / row.oneStatement.rps, 2)}; PostGraphile ${row.postgraphile.rps} req/s ${row.postgraphile.cpuMs} ms CPU/req, ratio ${round(service.rps / row.postgraphile.rps, 2)}`,
        );
      }
    }

    const breakdown = await whereTheCpuGoes(app, baseline, operator, db.url);
    // `details` are the last round of placeMixedOrders, which places CHIP, PLAN, DRIVER, SALE, SHOP.
    const detailStatements = ['CHIP', 'PLAN', 'DRIVER', 'SALE', 'SHOP']
      .map((kind, i) => `${kind} ${checks.detail[i].service}/${checks.detail[i].baseline}`)
      .join(', ');
    const md = [
      `Measured ${new Date().toISOString().slice(0, 10)}, ${SECONDS} s per run after a ${WARM_UP_SECONDS} s warm-up, on ${ids.length} orders (${ROUNDS} of each kind) placed through the API. Statements per request, service / baseline: list ${checks.list.service} / ${checks.list.baseline}; detail ${detailStatements}. Response sizes: list ${checks.list.bytes} B, detail ${checks.detail.map((d) => d.bytes).join(' / ')} B. Both answers were checked equal before timing.`,
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
      `Failed requests (errors, timeouts, non-2xx): ${results.reduce((t, r) => t + r.service.failures + r.baseline.failures, 0) + peers.reduce((t, r) => t + r.oneStatement.failures + r.postgraphile.failures, 0)}. Whole run: ${round((Date.now() - started) / 1000, 0)} s.`,
      '',
      peersMarkdown(peers, checks),
      '',
      `**Where the service's CPU goes.** CPU time of the server process per request (from \`/proc\`), ${BREAKDOWN_CONNECTIONS} connections, after a warm-up: the same page with more and more of the selection, then each kind alone.`,
      '',
      table([
        ['request', 'service CPU ms/req', 'baseline CPU ms/req'],
        ...breakdown.requests.map((b) => [b.what, b.service, b.baseline ?? '—']),
      ]),
      '',
      `One statement's CPU in the bench process (${breakdown.calls.iterations} of each, interleaved in 5 rounds, median round, µs): ${breakdown.calls.results.map((c) => `${c.what} **${c.us}**`).join('; ')}.`,
    ].join('\n');
    await writeFigures('read', md, {
      machine: machine(db.version),
      seconds: SECONDS,
      orders: ids.length,
      statements: checks,
      results,
      peers,
      breakdown,
    });
  } finally {
    await peer?.stop();
    await baseline?.stop();
    await app.stop();
    await db.stop();
  }
}

runBench(main);
