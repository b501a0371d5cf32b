import 'reflect-metadata';
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync, readdirSync, writeFileSync, mkdirSync, existsSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { basename, join, resolve } from 'node:path';
import pg from 'pg';
import { format } from 'prettier';
import { Role } from '../src/platform/accounts/consumer.entity.ts';
import { signToken } from '../src/platform/auth/token.ts';
import type { Config } from '../src/platform/config.ts';
import {
  startEmbeddedPostgres,
  temporaryDataDir,
  type EmbeddedDatabase,
} from '../src/platform/db/embedded.ts';
import type { MixedOrderTokens } from './workload.ts';

/*
 * What every benchmark shares: an embedded PostgreSQL in a temporary folder, the service in a
 * child process (so the load generator never shares its event loop), consumers with tokens,
 * percentiles, the machine's description, and the figures written into BENCHMARKS.md.
 */

export const ROOT = resolve(import.meta.dirname, '..');
/** A fixed secret strong enough for production mode's check (64 hex digits); benchmarks only. */
export const JWT_SECRET = '6e1f0b9a4c27d853e0a7b3f6914c2d8e5b0f7a3c9d16e428b5c0f3a7d9e2b614';
/** The service's pool size (src/platform/db/orm.ts); the baselines' pools match it. */
export const POOL_SIZE = 20;

/**
 * BENCH_QUICK=1: every part runs briefly on a small workload, to check it end to end; its
 * figures are printed, not written (BENCHMARKS.md and bench/results/ keep the last real run's).
 */
export const QUICK = process.env.BENCH_QUICK === '1';

/** `--name <number>` of the command line, else `fallback`. */
export function numberArg(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : fallback;
}

/** Seconds of each timed run: `--seconds`, else BENCH_SECONDS, else `quick` or `normal`. */
export function benchSeconds(normal: number, quick = 1): number {
  return numberArg('seconds', Number(process.env.BENCH_SECONDS) || (QUICK ? quick : normal));
}

/**
 * A closing figure of a part (a ratio, a p99): printed as `» line`; `npm run bench` collects
 * these lines of every part and prints them together at the end.
 */
export function summary(line: string): void {
  console.log(`» ${line}`);
}

/** Servers this process started: stopped with it, whatever the way out. */
const children = new Set<ChildProcess>();
process.on('exit', () => {
  for (const child of children) child.kill('SIGKILL');
});

/** Runs a benchmark's main and exits: 0 when it ends, 1 (after printing why) when it fails. */
export function runBench(main: () => Promise<void>, failure = ''): void {
  main().then(
    () => process.exit(0),
    (err) => {
      if (failure) console.error(failure, err);
      else console.error(err);
      process.exit(1);
    },
  );
}

/** Stops the process when a benchmark overruns: `npm run bench` must stay bounded. */
export function deadline(minutes: number): void {
  setTimeout(() => {
    console.error(`benchmark exceeded ${minutes} minutes; stopping`);
    process.exit(2);
  }, minutes * 60_000).unref();
}

export interface BenchDatabase extends EmbeddedDatabase {
  pool: pg.Pool;
  version: string;
}

/** A fresh PostgreSQL (removed on stop) and a pg pool on it. */
export async function startDatabase(): Promise<BenchDatabase> {
  const embedded = await startEmbeddedPostgres(temporaryDataDir('orderly-bench-pg-'), {
    persistent: false,
  });
  const pool = new pg.Pool({ connectionString: embedded.url, max: POOL_SIZE });
  // pool.end() resolves before its sockets close; PostgreSQL stopping right after tells the
  // idle ones "terminating connection", which must not crash the run it ends.
  pool.on('error', () => undefined);
  const { rows } = await pool.query(`select current_setting('server_version') as v`);
  return {
    ...embedded,
    pool,
    version: rows[0].v,
    async stop() {
      await pool.end();
      await embedded.stop();
    },
  };
}

/**
 * The service's settings for a benchmark: limits that protect a public server (mutation rate,
 * query cost, body size, timeouts) raised so they never decide a figure.
 */
export function benchConfig(databaseUrl: string): Partial<Config> {
  return {
    databaseUrl,
    port: 0,
    host: '127.0.0.1',
    logLevel: 'silent',
    jwtSecret: JWT_SECRET,
    mutationRateLimit: 0,
    // Benchmark clients leave unpaid shop orders by the thousand.
    shopMaxUnpaidOrders: 0,
    shopMaxUnpaidUnits: 0,
    shopMaxUnpaidValue: 0,
    loginMaxFailures: 1_000_000,
    maxQueryCost: 10_000_000,
    maxQueryTokens: 100_000,
    maxBodyBytes: 16 * 1024 * 1024,
    requestTimeoutMs: 120_000,
    statementTimeoutMs: 120_000,
    databaseConnectTimeoutMs: 30_000,
    enableGraphiql: false,
    productionTickMs: undefined,
  };
}

export interface Child {
  process: ChildProcess;
  url: string;
  /** Where a server started to count its SQL statements answers the count. */
  statementsUrl?: string;
  stop(): Promise<void>;
}

/**
 * Runs `script` (a bench/*-server.ts) under tsx in a child process; resolves once it prints
 * `{"url": ...}` on a line of its stdout. `root` is the checkout it runs from: the A/B scripts
 * (read-cpu.ts, write-cpu.ts) start another checkout's service beside this one's.
 */
export function spawnServer(
  script: string,
  env: Record<string, string>,
  root: string = ROOT,
): Promise<Child> {
  // BENCH_CPU_PROF=<dir>: every server writes a V8 CPU profile there when it stops.
  const profile = process.env.BENCH_CPU_PROF
    ? ['--cpu-prof', `--cpu-prof-dir=${resolve(process.env.BENCH_CPU_PROF)}`]
    : [];
  const child = spawn(
    process.execPath,
    [...profile, '--import', 'tsx', join(root, 'bench', script)],
    {
      cwd: root,
      // Production mode, as a deployed service runs (no stack traces, no introspection).
      env: { ...process.env, NODE_ENV: 'production', JWT_SECRET, ...env },
      stdio: ['ignore', 'pipe', 'inherit'],
    },
  );
  children.add(child);
  child.on('exit', () => children.delete(child));
  return new Promise((done, fail) => {
    let out = '';
    child.on('exit', (code) =>
      fail(new Error(`${join(root, 'bench', script)} exited with ${code}: ${out}`)),
    );
    child.stdout!.on('data', (chunk) => {
      out += chunk;
      const line = out.split('\n').find((l) => l.startsWith('{"url"'));
      if (!line) return;
      child.removeAllListeners('exit');
      const printed = JSON.parse(line) as { url: string; statementsUrl?: string };
      done({
        process: child,
        url: printed.url,
        statementsUrl: printed.statementsUrl,
        stop: () =>
          new Promise<void>((stopped) => {
            if (child.exitCode !== null) return stopped();
            const force = setTimeout(() => child.kill('SIGKILL'), 15_000);
            child.once('exit', () => {
              clearTimeout(force);
              stopped();
            });
            child.kill('SIGTERM');
          }),
      });
    });
  });
}

/**
 * The service (src/app.ts startApp) on `databaseUrl`, migrated and seeded, in a child process;
 * `countStatements` makes it count its SQL statements (bench/app-server.ts).
 */
export function spawnApp(
  databaseUrl: string,
  countStatements = false,
  env: Record<string, string> = {},
): Promise<Child> {
  return spawnServer('app-server.ts', {
    BENCH_DATABASE_URL: databaseUrl,
    BENCH_COUNT_SQL: countStatements ? '1' : '0',
    ...env,
  });
}

/** The count a counting server reports (and zeroes). */
export async function statementsOf(child: Child): Promise<number> {
  if (!child.statementsUrl) throw new Error('this server does not count its statements');
  return ((await (await fetch(child.statementsUrl)).json()) as { statements: number }).statements;
}

/** The session a bench token of consumer `id` names (made by `benchSessions`). */
export function benchSessionId(id: string): string {
  return `00000000-0000-4000-8000-${id.padStart(12, '0')}`;
}

/** Sessions for these consumers, so that `tokenFor` tokens pass the service's session check. */
export async function benchSessions(pool: pg.Pool, ids: string[]): Promise<void> {
  await pool.query(
    `insert into auth_sessions (id, consumer_id, refresh_hash, expires_at)
     select ('00000000-0000-4000-8000-' || lpad(c, 12, '0'))::uuid, c::bigint, 'bench', now() + interval '1 day'
       from unnest($1::text[]) c on conflict do nothing`,
    [ids],
  );
}

export function tokenFor(id: string, role: Role = Role.CONSUMER): string {
  return signToken({ id, role, sessionId: benchSessionId(id) }, JWT_SECRET, 24 * 3600);
}

/**
 * `count` new consumers with `balance` each (ids from 20000000 + offset): rows straight into
 * the database, tokens signed with the bench secret for sessions made here (no scrypt per login).
 */
export async function makeConsumers(
  pool: pg.Pool,
  count: number,
  balance: string,
  offset = 0,
): Promise<{ id: string; token: string }[]> {
  const first = 20_000_000 + offset;
  await pool.query(
    `insert into consumers (id, name, role, password_hash)
     select g, 'bench ' || g, 'CONSUMER', 'scrypt$bench$not-a-hash' from generate_series($1::bigint, $2::bigint) g`,
    [first, first + count - 1],
  );
  await pool.query(
    `insert into bank_accounts (consumer_id, balance)
     select g, $3 from generate_series($1::bigint, $2::bigint) g`,
    [first, first + count - 1, balance],
  );
  const ids = Array.from({ length: count }, (_, i) => String(first + i));
  await benchSessions(pool, ids);
  return ids.map((id) => ({ id, token: tokenFor(id) }));
}

/** CPU time (user + system, ms) a process, or one of its threads, has used so far, from /proc (Linux). */
export function cpuMs(pid: number, thread?: number): number {
  const stat = thread === undefined ? `/proc/${pid}/stat` : `/proc/${pid}/task/${thread}/stat`;
  const fields = readFileSync(stat, 'utf8').split(') ')[1].split(' ');
  // utime and stime, in clock ticks of 10 ms.
  return (Number(fields[11]) + Number(fields[12])) * 10;
}

/** The process id of the PostgreSQL server (the postmaster) a pool is connected to. */
export async function postmasterPid(pool: pg.Pool): Promise<number> {
  const { rows } = await pool.query<{ pid: number }>('select pg_backend_pid() as pid');
  // A backend's parent is the postmaster.
  return Number(readFileSync(`/proc/${rows[0].pid}/stat`, 'utf8').split(') ')[1].split(' ')[1]);
}

/**
 * CPU time (user + system, ms) a process and its children have used so far, from /proc
 * (Linux): its own, its live children's (for PostgreSQL: the backends and background workers)
 * and that of the children it has reaped (closed connections).
 */
export function processTreeCpuMs(pid: number): number {
  const ticks = (fields: string[], from: number, to: number) =>
    fields.slice(from, to + 1).reduce((sum, f) => sum + Number(f), 0);
  let total = 0;
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    let stat: string;
    try {
      stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
    } catch {
      continue; // it ended while the folder was read
    }
    const fields = stat.slice(stat.lastIndexOf(') ') + 2).split(' ');
    // fields[1] is the parent; 11-12 utime and stime, 13-14 the reaped children's.
    if (Number(entry) === pid) total += ticks(fields, 11, 14);
    else if (Number(fields[1]) === pid) total += ticks(fields, 11, 12);
  }
  return total * 10;
}

/** The value below which `p` percent of the sorted samples lie (nearest rank). */
export function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
}

export const median = (values: number[]) =>
  percentile(
    [...values].sort((a, b) => a - b),
    50,
  );

export const round = (value: number, places = 1) => {
  const f = 10 ** places;
  return Math.round(value * f) / f;
};

/** Cores, memory and versions: the "machine" line every figure is printed with. */
export function machine(pgVersion: string): Record<string, string> {
  const autocannon = JSON.parse(
    readFileSync(join(ROOT, 'node_modules/autocannon/package.json'), 'utf8'),
  ).version;
  return {
    cpu: `${cpus().length} × ${cpus()[0]?.model ?? 'unknown'}`,
    memory: `${Math.round(totalmem() / 2 ** 30)} GiB`,
    node: process.version,
    postgres: pgVersion,
    autocannon,
  };
}

/** A markdown table from rows of cells; the first row is the header. */
export function table(rows: (string | number)[][]): string {
  const [head, ...body] = rows;
  return [
    `| ${head.join(' | ')} |`,
    `| ${head.map(() => '---').join(' | ')} |`,
    ...body.map((r) => `| ${r.join(' | ')} |`),
  ].join('\n');
}

/**
 * Writes one benchmark's figures: bench/results/<name>.json and, unless `section` is false, the
 * markdown between `<!-- bench:<name> -->` and `<!-- /bench:<name> -->` in BENCHMARKS.md.
 * Prints the markdown either way; writes nothing when QUICK.
 */
export async function writeFigures(
  name: string,
  markdown: string,
  results: unknown,
  section = true,
) {
  const written = [`bench/results/${name}.json`, ...(section ? ['BENCHMARKS.md'] : [])];
  console.log(
    `\n${markdown.trim()}\n\n(${QUICK ? 'BENCH_QUICK: nothing written' : `written to ${written.join(' and ')}`})`,
  );
  if (QUICK) return;
  const dir = join(ROOT, 'bench', 'results');
  if (!existsSync(dir)) mkdirSync(dir, { recursive: true });
  // Formatted as `prettier --check .` (in npm test) wants it.
  const json = await format(JSON.stringify(results), { parser: 'json', printWidth: 100 });
  writeFileSync(join(dir, `${name}.json`), json);
  if (!section) return;
  const file = join(ROOT, 'BENCHMARKS.md');
  const text = existsSync(file) ? readFileSync(file, 'utf8') : '';
  const open = `<!-- bench:${name} -->`;
  const close = `<!-- /bench:${name} -->`;
  const block = `${open}\n${markdown.trim()}\n${close}`;
  const start = text.indexOf(open);
  const end = text.indexOf(close);
  const next =
    start >= 0 && end > start
      ? text.slice(0, start) + block + text.slice(end + close.length)
      : `${text.trimEnd()}\n\n${block}\n`;
  writeFileSync(file, next);
}

/**
 * What the read benchmarks' orders need beside the demo data: a shop of two products stocked for
 * any run, and the tokens `placeMixedOrders` places them with (the orders are listed by staff).
 */
export async function readWorkload(
  pool: pg.Pool,
): Promise<{ shop: { id: string; productIds: string[] }; tokens: MixedOrderTokens }> {
  const { rows } = await pool.query(
    `with s as (insert into shops (cn_name, en_name) values ('基准店', 'Bench shop') returning id)
     insert into products (shop_id, name, price, stock)
     select s.id, 'Bench product ' || g, 9.90, 1000000 from s, generate_series(1, 2) g
     returning shop_id::text, id::text`,
  );
  await benchSessions(pool, ['89638599', '89638600', '89638601', '10000001']);
  return {
    shop: { id: rows[0].shop_id, productIds: rows.map((r) => r.id) },
    tokens: {
      insurance: tokenFor('89638599'),
      shop: tokenFor('89638600'),
      chip: tokenFor('89638601'),
      operator: tokenFor('10000001', Role.OPERATOR),
    },
  };
}

/**
 * The checkouts an A/B script compares, as [name, root]: every `--base <dir>` of the command
 * line (another checkout of the project, named by its folder; the option may repeat), then this
 * tree last.
 */
export function checkoutsToCompare(): [string, string][] {
  const roots: [string, string][] = [];
  process.argv.forEach((arg, i) => {
    if (arg === '--base') roots.push([basename(process.argv[i + 1]), resolve(process.argv[i + 1])]);
  });
  roots.push(['this tree', ROOT]);
  return roots;
}
