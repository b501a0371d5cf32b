// CPU per request of the read path, A/B: `npx tsx bench/read-cpu.ts [--rounds 5] [--amount 60]
// [--base <dir> ...]` starts the service of this tree (and, with --base, the one in <dir>: another
// checkout of the project) on one database, places the read bench's orders, then sends each
// request `amount` times per round to each server in turn and reports the median round's CPU
// ms/request of each server process (from /proc): on a machine others share, CPU time, not
// wall time, and interleaved rounds are what compare. BENCH_CPU_PROF=<dir> profiles the servers.
import { readFileSync } from 'node:fs';
import { print } from 'graphql';
import { PerfOrderDetailDocument, PerfOrderListDocument } from '../test/generated/graphql.ts';
import {
  cpuMs,
  median,
  readWorkload,
  round,
  checkoutsToCompare,
  spawnServer,
  startDatabase,
  type Child,
  runBench,
} from './harness.ts';
import { httpGql, placeMixedOrders, sendRepeatedly as send } from './workload.ts';

const arg = (name: string) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? process.argv[i + 1] : undefined;
};
const ROUNDS = Number(arg('rounds') ?? 5);
const AMOUNT = Number(arg('amount') ?? 60);
const ONLY = arg('only');

/** This checkout's or another's service, on the shared database. */
function spawnAt(root: string, databaseUrl: string): Promise<Child> {
  return spawnServer('app-server.ts', { BENCH_DATABASE_URL: databaseUrl }, root);
}

/** System CPU time (ms) a process has used so far, from /proc (Linux). */
function sysMs(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
  return Number(fields[12]) * 10;
}

async function main(): Promise<void> {
  const db = await startDatabase();
  const roots = checkoutsToCompare();
  const servers: Child[] = [];
  try {
    // The first starts migrate and seed; then the others start on the same database.
    for (const [, root] of roots) servers.push(await spawnAt(root, db.url));
    const { shop, tokens } = await readWorkload(db.pool);
    const operator = tokens.operator;
    const ids = await placeMixedOrders(httpGql(servers[0].url), tokens, {
      rounds: 20,
      shop,
      chipStart: 1000,
    });
    const body = (query: string, variables: Record<string, unknown> = {}) =>
      JSON.stringify({ query, variables });
    const list = print(PerfOrderListDocument);
    const detail = print(PerfOrderDetailDocument);
    const cases: [string, string, number][] = [
      ['{ __typename }', body('{ __typename }'), 4],
      [
        'orders(first: 20){edges{node{id}}}',
        body('{ orders(first: 20) { edges { node { id } } } }'),
        2,
      ],
      ['PerfOrderList first 20', body(list, { first: 20 }), 1],
      ...['CHIP', 'PLAN', 'DRIVER', 'SALE', 'SHOP'].map(
        (kind) =>
          [`PerfOrderList ${kind} 20`, body(list, { first: 20, kind }), 1] as [
            string,
            string,
            number,
          ],
      ),
      ...ids
        .slice(-5)
        .map(
          (id, i) => [`PerfOrderDetail #${i}`, body(detail, { id }), 3] as [string, string, number],
        ),
    ];
    const chosen = ONLY ? cases.filter(([what]) => what.includes(ONLY)) : cases;
    // Every server must answer every request alike before any is timed.
    for (const [what, b] of chosen) {
      const answers = await Promise.all(
        servers.map(async (s) => {
          const res = await fetch(s.url, {
            method: 'POST',
            headers: { 'content-type': 'application/json', authorization: `Bearer ${operator}` },
            body: b,
          });
          return JSON.stringify(await res.json());
        }),
      );
      if (answers.some((a) => a !== answers[0])) {
        throw new Error(
          `${what}: the servers answer differently\n${answers.map((a) => a.slice(0, 4000)).join('\n')}`,
        );
      }
    }
    const samples = new Map<string, number[][]>();
    // The kernel's share (system time): sockets to PostgreSQL and to the client.
    const sys = new Map<string, number[][]>();
    // A warm-up of each request on each server first.
    for (const [what, b] of chosen) {
      samples.set(
        what,
        servers.map(() => []),
      );
      sys.set(
        what,
        servers.map(() => []),
      );
      for (const s of servers) await send(s.url, operator, b, 20);
    }
    for (let r = 0; r < ROUNDS; r++) {
      for (const [what, b, weight] of chosen) {
        const n = AMOUNT * weight;
        for (const [i, s] of servers.entries()) {
          const before = cpuMs(s.process.pid!);
          const sysBefore = sysMs(s.process.pid!);
          await send(s.url, operator, b, n);
          samples.get(what)![i].push((cpuMs(s.process.pid!) - before) / n);
          sys.get(what)![i].push((sysMs(s.process.pid!) - sysBefore) / n);
        }
      }
    }
    console.log(`| request | ${roots.map(([name]) => `${name} CPU ms/req`).join(' | ')} |`);
    for (const [what] of chosen) {
      const cols = samples
        .get(what)!
        .map((s, i) => `${round(median(s), 2)} (sys ${round(median(sys.get(what)![i]), 2)})`);
      console.log(`| ${what} | ${cols.join(' | ')} |`);
    }
  } finally {
    for (const s of servers) await s.stop();
    await db.stop();
  }
}

runBench(main);
