// Where the read path's CPU goes, service beside baseline: `npx tsx bench/read-profile.ts
// [--amount 400] [--write] [--keep]` places the read bench's orders, then starts the service
// and the hand-written-SQL baseline again under V8's CPU profiler (--cpu-prof), sends each the
// same `orders(first: 20)` request `amount` times (two at a time, after a warm-up), stops them
// and sorts each profile's busy samples into areas by the code that ran (its package or
// Node.js part), per request. Module loading at start is left out. With --write the table also
// goes to bench/results/read-profile.md, which BENCHMARKS.md's "What bounds the figures" cites.
//
// The profiler slows both processes (V8 samples every ~1 ms and records stacks), so its
// milliseconds are larger than the timed bench's CPU ms/request; the shares are what compare.
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { print } from 'graphql';
import { PerfOrderListDocument } from '../test/generated/graphql.ts';
import {
  numberArg,
  readWorkload,
  round,
  ROOT,
  spawnApp,
  spawnServer,
  startDatabase,
  table,
  type Child,
} from './harness.ts';
import { httpGql, placeMixedOrders } from './workload.ts';

const AMOUNT = numberArg('amount', 400);
const WRITE = process.argv.includes('--write');
// --keep: leave the two .cpuprofile files (for Chrome DevTools or speedscope) and print where.
const KEEP = process.argv.includes('--keep');

/** The areas, first match wins: a sample's own frame decides (its url, else its name). */
const AREAS: [string, (url: string, fn: string) => boolean][] = [
  [
    'socket writes (the write syscall of each statement and of the response)',
    (url, fn) =>
      !url && ['writeBuffer', 'writev', 'writeUtf8String', 'writeLatin1String'].includes(fn),
  ],
  ['garbage collection', (_url, fn) => fn === '(garbage collector)'],
  [
    'pg driver (protocol, row parsing, pool)',
    (url) => /node_modules\/(pg|pg-[a-z-]+|postgres-[a-z-]+)\//.test(url),
  ],
  ['MikroORM + Kysely', (url) => /node_modules\/(@mikro-orm|kysely)\//.test(url)],
  ['graphql-jit (compiled execution)', (url) => url.includes('node_modules/graphql-jit/')],
  ['graphql-js', (url) => url.includes('node_modules/graphql/')],
  ['type-graphql', (url) => url.includes('node_modules/type-graphql/')],
  [
    'Apollo Server + Express',
    (url) => /node_modules\/(@apollo|express|body-parser|router|negotiator|finalhandler)/.test(url),
  ],
  ['DataLoader', (url) => url.includes('node_modules/dataloader/')],
  ['decimal.js', (url) => url.includes('node_modules/decimal.js/')],
  [
    'the service’s own code (src/)',
    (url) => url.includes('/src/') && !url.includes('node_modules'),
  ],
  [
    'the baseline’s own code (bench/)',
    (url) => url.includes('/bench/') && !url.includes('node_modules'),
  ],
  ['other packages', (url) => url.includes('node_modules/')],
  ['Node.js (HTTP, streams, crypto, timers)', (url) => url.startsWith('node:')],
  // No url: graphql-jit's compiled query functions (new Function), V8 and native code.
  ['generated and native code (the compiled query, V8 natives)', () => true],
];

interface Profile {
  nodes: { id: number; callFrame: { functionName: string; url: string }; children?: number[] }[];
  samples: number[];
  timeDeltas: number[];
}

/** Busy milliseconds per area, leaving out idle time and everything under module loading. */
function areasOf(file: string): Map<string, number> {
  const profile = JSON.parse(readFileSync(file, 'utf8')) as Profile;
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const parent = new Map<number, number>();
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const loading = new Map<number, boolean>();
  const underLoading = (id: number): boolean => {
    const known = loading.get(id);
    if (known !== undefined) return known;
    const url = byId.get(id)!.callFrame.url;
    const up = parent.get(id);
    const result =
      url.startsWith('node:internal/modules/') || (up !== undefined && underLoading(up));
    loading.set(id, result);
    return result;
  };
  const ms = new Map<string, number>();
  for (const [i, id] of profile.samples.entries()) {
    const { functionName, url } = byId.get(id)!.callFrame;
    if (functionName === '(idle)' || functionName === '(program)' || underLoading(id)) continue;
    const [area] = AREAS.find(([, match]) => match(url, functionName))!;
    ms.set(area, (ms.get(area) ?? 0) + (profile.timeDeltas[i] ?? 0) / 1000);
  }
  return ms;
}

async function send(url: string, token: string, body: string, n: number): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next++ < n) {
      const res = await fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
        body,
      });
      const json = (await res.json()) as { errors?: unknown };
      if (json.errors) throw new Error(`request failed: ${JSON.stringify(json.errors)}`);
    }
  };
  await Promise.all([worker(), worker()]);
}

async function main(): Promise<void> {
  const db = await startDatabase();
  const dir = mkdtempSync(join(tmpdir(), 'orderly-read-profile-'));
  const servers: Child[] = [];
  try {
    const placing = await spawnApp(db.url);
    const { shop, tokens } = await readWorkload(db.pool);
    await placeMixedOrders(httpGql(placing.url), tokens, { rounds: 20, shop, chipStart: 1000 });
    await placing.stop();

    const body = JSON.stringify({ query: print(PerfOrderListDocument), variables: { first: 20 } });
    const requests = new Map<string, number>();
    const profiles = new Map<string, string>();
    for (const [name, start] of [
      ['service', () => spawnApp(db.url)],
      ['baseline', () => spawnServer('read-baseline-server.ts', { BENCH_DATABASE_URL: db.url })],
    ] as const) {
      const own = join(dir, name);
      process.env.BENCH_CPU_PROF = own;
      const server = await start();
      delete process.env.BENCH_CPU_PROF;
      servers.push(server);
      const warmUp = Math.max(20, Math.round(AMOUNT / 10));
      await send(server.url, tokens.operator, body, warmUp + AMOUNT);
      await server.stop();
      requests.set(name, warmUp + AMOUNT);
      const [file] = readdirSync(own).filter((f) => f.endsWith('.cpuprofile'));
      if (!file) throw new Error(`${name} wrote no CPU profile`);
      profiles.set(name, join(own, file));
    }

    const service = areasOf(profiles.get('service')!);
    const baseline = areasOf(profiles.get('baseline')!);
    const perRequest = (ms: Map<string, number>, name: string, area: string) =>
      (ms.get(area) ?? 0) / requests.get(name)!;
    const total = (ms: Map<string, number>) => [...ms.values()].reduce((a, b) => a + b, 0);
    const serviceTotal = total(service) / requests.get('service')!;
    const baselineTotal = total(baseline) / requests.get('baseline')!;
    const rows: (string | number)[][] = [
      ['area', 'service ms/req', 'share', 'baseline ms/req', 'share'],
    ];
    for (const [area] of AREAS) {
      const s = perRequest(service, 'service', area);
      const b = perRequest(baseline, 'baseline', area);
      if (s < 0.005 && b < 0.005) continue;
      rows.push([
        area,
        round(s, 2),
        `${round((100 * s) / serviceTotal)} %`,
        round(b, 2),
        `${round((100 * b) / baselineTotal)} %`,
      ]);
    }
    rows.push([
      '**busy, in all**',
      `**${round(serviceTotal, 2)}**`,
      '',
      `**${round(baselineTotal, 2)}**`,
      '',
    ]);
    const text = [
      `# Where the read path's CPU goes: \`orders(first: 20)\`, service beside baseline`,
      '',
      `Written by \`npx tsx bench/read-profile.ts --write\` on ${new Date().toISOString().slice(0, 10)} (Node ${process.version}): ${AMOUNT} requests after a warm-up, two at a time, to each server in turn under V8's CPU profiler; each profile's busy samples (idle and module loading left out) sorted by the code that ran, per request. The profiler's sampling slows both sides, so compare the shares and the ratio, not the milliseconds with the timed bench's.`,
      '',
      table(rows),
      '',
      `Service / baseline busy time: ${round(serviceTotal / baselineTotal, 2)}×.`,
      '',
    ].join('\n');
    console.log(text);
    if (WRITE) writeFileSync(join(ROOT, 'bench', 'results', 'read-profile.md'), text);
  } finally {
    for (const s of servers) await s.stop();
    await db.stop();
    if (!KEEP) rmSync(dir, { recursive: true, force: true });
    else console.log(`profiles kept in ${dir}`);
  }
}

main().then(
  () => process.exit(0),
  (err) => {
    console.error(err);
    process.exit(1);
  },
);
