// CPU per order of the write path, A/B: `npx tsx bench/write-cpu.ts [--rounds 5] [--amount 40]
// [--base <dir> ...]` starts the service of this tree (and, with --base, the one in <dir>: another
// checkout of the project) on one database, then places `amount` shop orders (confirmShopOrder +
// payOrder) and `amount` chip orders (confirmChipOrder) per round on each server in turn and
// reports the median round's CPU ms/order of each server process (from /proc): on a machine
// others share, CPU time, not wall time, and interleaved rounds are what compare.
// BENCH_CPU_PROF=<dir> profiles the servers (V8 .cpuprofile written when they stop).
import {
  cpuMs,
  makeConsumers,
  median,
  round,
  checkoutsToCompare,
  spawnServer,
  startDatabase,
  type Child,
  runBench,
} from './harness.ts';
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

const arg = (name: string) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? process.argv[i + 1] : undefined;
};
const ROUNDS = Number(arg('rounds') ?? 5);
const AMOUNT = Number(arg('amount') ?? 40);
/** Clients placing orders at once: two, so the server's CPU, not the client's wait, is measured. */
const CLIENTS = 2;

/** This checkout's or another's service, on the shared database. */
function spawnAt(root: string, databaseUrl: string): Promise<Child> {
  return spawnServer('app-server.ts', { BENCH_DATABASE_URL: databaseUrl }, root);
}

interface Client {
  token: string;
  shop: { id: string; productIds: string[] };
}

/** Plant windows no two chip orders share, whichever server places them. */
let chipAt = 1_000_000;

async function placeShop(gql: Gql, client: Client): Promise<void> {
  const input = shopOrderInput(client.shop);
  const confirmed = must(
    await gql(CONFIRM_SHOP, { input, key: newKey('shop') }, client.token),
    'confirmShopOrder',
  );
  const paid = { orderId: confirmed.order.id, key: newKey('pay') };
  must(await gql(PAY, paid, client.token), 'payOrder');
}

async function placeChip(gql: Gql, client: Client): Promise<void> {
  const at = (chipAt += chipPlanSpan(2));
  const input = chipPlan(at, 2);
  must(await gql(CONFIRM_CHIP, { input, key: newKey('chip') }, client.token), 'confirmChipOrder');
}

/** `n` orders by CLIENTS clients, each its own consumer and products. */
async function place(
  gql: Gql,
  clients: Client[],
  n: number,
  one: (gql: Gql, c: Client) => Promise<void>,
) {
  let next = 0;
  await Promise.all(
    clients.map(async (c) => {
      while (next++ < n) await one(gql, c);
    }),
  );
}

async function main(): Promise<void> {
  const db = await startDatabase();
  const roots = checkoutsToCompare();
  const servers: Child[] = [];
  try {
    // The first starts migrate and seed; then the others start on the same database.
    for (const [, root] of roots) servers.push(await spawnAt(root, db.url));
    const consumers = await makeConsumers(db.pool, CLIENTS, '1000000000.00');
    const { rows } = await db.pool.query(
      `with s as (insert into shops (cn_name, en_name) values ('CPU 基准店', 'CPU bench shop') returning id)
       insert into products (shop_id, name, price, stock)
       select s.id, 'Product ' || g, 9.90, 1000000000 from s, generate_series(1, $1::int) g
       returning shop_id::text, id::text`,
      [2 * CLIENTS],
    );
    const clients: Client[] = consumers.map((c, i) => ({
      token: c.token,
      shop: { id: rows[0].shop_id, productIds: [rows[2 * i].id, rows[2 * i + 1].id] },
    }));
    const cases = [
      ['shop order (confirm + pay)', placeShop],
      ['chip order (confirm)', placeChip],
    ] as const;
    const gqls = servers.map((s) => httpGql(s.url));
    for (const [, one] of cases) for (const gql of gqls) await place(gql, clients, 30, one);
    const samples = cases.map(() => servers.map((): number[] => []));
    for (let r = 0; r < ROUNDS; r++) {
      for (const [c, [, one]] of cases.entries()) {
        for (const [i, s] of servers.entries()) {
          const before = cpuMs(s.process.pid!);
          await place(gqls[i], clients, AMOUNT, one);
          samples[c][i].push((cpuMs(s.process.pid!) - before) / AMOUNT);
        }
      }
    }
    console.log(`| order | ${roots.map(([name]) => `${name} CPU ms/order`).join(' | ')} |`);
    for (const [c, [what]] of cases.entries()) {
      const cols = samples[c].map(
        (s) => `${round(median(s), 2)} [${s.map((x) => round(x, 1)).join(' ')}]`,
      );
      console.log(`| ${what} | ${cols.join(' | ')} |`);
    }
  } finally {
    for (const s of servers) await s.stop();
    await db.stop();
  }
}

runBench(main);
