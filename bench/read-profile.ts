// Where the read path's CPU goes, service beside baseline: `npx tsx bench/read-profile.ts
// [--amount 400] [--write] [--keep]` places the read bench's orders, starts the service and
// then the hand-written-SQL baseline with the V8 inspector on, sends each a warm-up of the same
// `orders(first: 20)` request, then profiles `amount` more of it (two at a time) through the
// inspector's profiler, and sorts each profile's busy samples into areas by the code that ran
// (its package or Node.js part), per request; then sends `amount` more unprofiled and reads the
// CPU time the server and PostgreSQL spent on them from /proc. With --write the table also goes to
// bench/results/read-profile.md, which BENCHMARKS.md's "What bounds the figures" cites; --keep
// leaves the two .cpuprofile files in the temporary folder (DevTools or speedscope open them).
//
// The profiler slows both processes (V8 samples every ~1 ms and records stacks), so its
// milliseconds are larger than the timed bench's CPU ms/request; the shares are what compare.
import { writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { print } from 'graphql';
import { PerfOrderListDocument } from '../test/generated/graphql.ts';
import {
  cpuMs,
  numberArg,
  postmasterPid,
  processTreeCpuMs,
  readWorkload,
  round,
  ROOT,
  spawnApp,
  spawnServer,
  startDatabase,
  table,
  type Child,
  runBench,
} from './harness.ts';
import { httpGql, placeMixedOrders, sendRepeatedly as send } from './workload.ts';

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

/** Busy milliseconds per area (idle time left out). */
function areasOf(profile: Profile): Map<string, number> {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const ms = new Map<string, number>();
  for (const [i, id] of profile.samples.entries()) {
    const { functionName, url } = byId.get(id)!.callFrame;
    if (functionName === '(idle)' || functionName === '(program)') continue;
    const [area] = AREAS.find(([, match]) => match(url, functionName))!;
    ms.set(area, (ms.get(area) ?? 0) + (profile.timeDeltas[i] ?? 0) / 1000);
  }
  return ms;
}

/**
 * The V8 inspector of a child started with `--inspect=127.0.0.1:<port>`: its profiler is
 * started after the warm-up and stopped after the profiled requests, so the profile holds those
 * requests only (no start-up, no warm-up).
 */
async function inspector(port: number) {
  const [target] = (await (await fetch(`http://127.0.0.1:${port}/json/list`)).json()) as {
    webSocketDebuggerUrl: string;
  }[];
  const socket = new WebSocket(target.webSocketDebuggerUrl);
  await new Promise((open, fail) => {
    socket.onopen = open;
    socket.onerror = fail;
  });
  let id = 0;
  const waiting = new Map<number, (result: any) => void>();
  socket.onmessage = (message) => {
    const reply = JSON.parse(String(message.data)) as { id?: number; result?: unknown };
    if (reply.id !== undefined) waiting.get(reply.id)?.(reply.result);
  };
  const call = (method: string, params: Record<string, unknown> = {}) =>
    new Promise<any>((done) => {
      waiting.set(++id, done);
      socket.send(JSON.stringify({ id, method, params }));
    });
  await call('Profiler.enable');
  return {
    start: () => call('Profiler.start'),
    stop: async (): Promise<Profile> => {
      const { profile } = (await call('Profiler.stop')) as { profile: Profile };
      socket.close();
      return profile;
    },
  };
}

async function main(): Promise<void> {
  const db = await startDatabase();
  const servers: Child[] = [];
  try {
    const placing = await spawnApp(db.url);
    const { shop, tokens } = await readWorkload(db.pool);
    await placeMixedOrders(httpGql(placing.url), tokens, { rounds: 20, shop, chipStart: 1000 });
    await placing.stop();

    const body = JSON.stringify({ query: print(PerfOrderListDocument), variables: { first: 20 } });
    const profiles = new Map<string, Profile>();
    // What the kernel counted on the process's CPU time (from /proc) over the profiled requests:
    // a sample is taken on the clock, so a thread waiting for a core inside a syscall shows as
    // busy there; the CPU time says how much of the busy time was computing.
    const cpuPerRequest = new Map<string, [process: number, mainThread: number]>();
    const machinePerRequest = new Map<string, [server: number, postgres: number]>();
    const postgres = await postmasterPid(db.pool);
    for (const [name, port, start] of [
      ['service', 9341, (env: Record<string, string>) => spawnApp(db.url, false, env)],
      [
        'baseline',
        9342,
        (env: Record<string, string>) =>
          spawnServer('read-baseline-server.ts', { BENCH_DATABASE_URL: db.url, ...env }),
      ],
    ] as const) {
      const server = await start({ NODE_OPTIONS: `--inspect=127.0.0.1:${port}` });
      servers.push(server);
      const profiler = await inspector(port);
      await send(server.url, tokens.operator, body, Math.max(50, Math.round(AMOUNT / 4)));
      const pid = server.process.pid!;
      const cpuBefore = [cpuMs(pid), cpuMs(pid, pid)];
      await profiler.start();
      await send(server.url, tokens.operator, body, AMOUNT);
      const profile = await profiler.stop();
      cpuPerRequest.set(name, [
        (cpuMs(pid) - cpuBefore[0]) / AMOUNT,
        (cpuMs(pid, pid) - cpuBefore[1]) / AMOUNT,
      ]);
      profiles.set(name, profile);
      // Then the same requests unprofiled (the code warmed up by then): what the server and
      // PostgreSQL spend per request, which is what the machine's two cores must share.
      const machineBefore = [cpuMs(pid), processTreeCpuMs(postgres)];
      await send(server.url, tokens.operator, body, AMOUNT);
      machinePerRequest.set(name, [
        (cpuMs(pid) - machineBefore[0]) / AMOUNT,
        (processTreeCpuMs(postgres) - machineBefore[1]) / AMOUNT,
      ]);
      if (KEEP) {
        const file = join(tmpdir(), `orderly-read-profile-${name}.cpuprofile`);
        writeFileSync(file, JSON.stringify(profile));
        console.log(`${name}'s profile kept in ${file}`);
      }
      await server.stop();
    }

    const service = areasOf(profiles.get('service')!);
    const baseline = areasOf(profiles.get('baseline')!);
    const perRequest = (ms: Map<string, number>, area: string) => (ms.get(area) ?? 0) / AMOUNT;
    const total = (ms: Map<string, number>) => [...ms.values()].reduce((a, b) => a + b, 0);
    const serviceTotal = total(service) / AMOUNT;
    const baselineTotal = total(baseline) / AMOUNT;
    const rows: (string | number)[][] = [
      ['area', 'service ms/req', 'share', 'baseline ms/req', 'share'],
    ];
    for (const [area] of AREAS) {
      const s = perRequest(service, area);
      const b = perRequest(baseline, area);
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
    for (const [label, which] of [
      ['CPU time of the main thread over the same requests (/proc, user + system)', 1],
      ['CPU time of the whole process (with GC, libuv and profiler threads)', 0],
    ] as const)
      rows.push([
        label,
        round(cpuPerRequest.get('service')![which], 2),
        '',
        round(cpuPerRequest.get('baseline')![which], 2),
        '',
      ]);
    const machine = (name: string) => machinePerRequest.get(name)!;
    const both = (name: string) => machine(name)[0] + machine(name)[1];
    rows.push(
      [
        '**unprofiled, the same requests after the profiled ones: CPU ms per request**',
        '',
        '',
        '',
        '',
      ],
      [
        'the server process (/proc)',
        round(machine('service')[0], 2),
        '',
        round(machine('baseline')[0], 2),
        '',
      ],
      [
        'PostgreSQL, all its processes (/proc)',
        round(machine('service')[1], 2),
        '',
        round(machine('baseline')[1], 2),
        '',
      ],
      [
        'both: what the two cores do for one request',
        `**${round(both('service'), 2)}**`,
        '',
        `**${round(both('baseline'), 2)}**`,
        '',
      ],
    );
    const text = [
      `# Where the read path's CPU goes: \`orders(first: 20)\`, service beside baseline`,
      '',
      `Written by \`npx tsx bench/read-profile.ts --write\` on ${new Date().toISOString().slice(0, 10)} (Node ${process.version}): ${AMOUNT} requests after a warm-up, two at a time, to each server in turn, profiled through the V8 inspector (the profiled requests only); each profile's busy samples (idle left out) sorted by the code that ran, per request. V8 samples on the clock: a busy sample is the main thread running or waiting for a core inside a call (the write syscalls wake PostgreSQL), so the last two rows give the CPU time the kernel counted over the same requests. The profiler slows both sides, so compare the shares and the ratios, not the milliseconds with the timed bench's.`,
      '',
      table(rows),
      '',
      `Service / baseline busy time: ${round(serviceTotal / baselineTotal, 2)}×. Unprofiled, server and PostgreSQL together: ${round(both('service') / both('baseline'), 2)}×, so with both cores busy the service can answer at most ${round(both('baseline') / both('service'), 2)} of the baseline's requests per second.`,
      '',
    ].join('\n');
    console.log(text);
    if (WRITE) writeFileSync(join(ROOT, 'bench', 'results', 'read-profile.md'), text);
  } finally {
    for (const s of servers) await s.stop();
    await db.stop();
  }
}

runBench(main);
