/*
 * What the shared authentication state costs (docs/authentication.md, "Cost"): the rate-limit
 * and session statements the service adds to a login, a mutation and any operation with a
 * token, run through the service's own code on an embedded PostgreSQL, one at a time and from
 * 8 clients at once (on one key, the worst case: one row, one lock; and on 8 keys). A `select 1`
 * round trip on the same pool is the floor; a login's scrypt (about 50 ms) is what a login costs
 * anyway. `npx tsx bench/rate-limit.ts [--write]` (about 30 s) writes bench/results/rate-limit.json
 * (with --write also BENCHMARKS.md's `bench:rate-limit` section); BENCH_QUICK=1 for a short check.
 */
import 'reflect-metadata';
import type { EntityManager } from '@mikro-orm/postgresql';
import { modules } from '../src/modules.ts';
import { Role } from '../src/platform/accounts/consumer.entity.ts';
import { hashPassword, verifyPassword } from '../src/platform/auth/password.ts';
import { LoginAttempts, takeFromBucket } from '../src/platform/auth/rate-limit.ts';
import { sessions } from '../src/platform/auth/session.service.ts';
import { loadConfig } from '../src/platform/config.ts';
import { openDatabase } from '../src/platform/db/orm.ts';
import { seedDemoData } from '../src/app.ts';
import {
  QUICK,
  deadline,
  machine,
  percentile,
  round,
  startDatabase,
  summary,
  table,
  writeFigures,
} from './harness.ts';

const ROUNDS = QUICK ? 200 : 2000;
const CLIENTS = 8;

/** Runs `work` `ROUNDS` times from `clients` loops at once; µs per call (mean, p99) and calls/s. */
async function measure(clients: number, work: (client: number, i: number) => Promise<unknown>) {
  const samples: number[] = [];
  const started = performance.now();
  let next = 0;
  await Promise.all(
    Array.from({ length: clients }, async (_, client) => {
      while (next < ROUNDS) {
        const i = next++;
        const t0 = performance.now();
        await work(client, i);
        samples.push((performance.now() - t0) * 1000);
      }
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  samples.sort((a, b) => a - b);
  return {
    meanUs: round(samples.reduce((a, b) => a + b, 0) / samples.length, 0),
    p99Us: round(percentile(samples, 99), 0),
    perSecond: round(ROUNDS / seconds, 0),
  };
}

async function main(): Promise<void> {
  deadline(5);
  const db = await startDatabase();
  const orm = await openDatabase(modules, { url: db.url });
  try {
    await seedDemoData(orm);
    const config = { ...loadConfig({}), jwtSecret: 'x'.repeat(64) };
    const em = (): EntityManager => orm.em.fork();
    const attempts = new LoginAttempts(300);
    const { viewer } = await sessions.open(em(), { id: '89638599', role: Role.CONSUMER }, config);
    const claims = {
      id: viewer.id,
      role: viewer.role,
      sessionId: viewer.sessionId,
      expiresAt: 2e9,
    };
    const login = async (key: string) => {
      const attempt = await attempts.begin(em(), [
        { key: `id:${key}`, limit: 1_000_000 },
        { key: 'address:127.0.0.1', limit: 1_000_000 },
      ]);
      await attempt.end(em(), false, [`id:${key}`]);
    };
    const rows: [string, Awaited<ReturnType<typeof measure>>][] = [];
    const run = async (
      name: string,
      clients: number,
      work: (c: number, i: number) => Promise<unknown>,
    ) => {
      rows.push([
        `${name}, ${clients === 1 ? '1 client' : `${clients} clients`}`,
        await measure(clients, work),
      ]);
      console.log(rows.at(-1));
    };
    for (const clients of [1, CLIENTS]) {
      await run('floor: select 1', clients, () => em().execute('select 1'));
      await run('login attempt (begin + end), one id', clients, () => login('89638599'));
      await run('login attempt (begin + end), an id per client', clients, (c) => login(String(c)));
      await run('mutation budget (rate_bucket_take), one consumer', clients, () =>
        takeFromBucket(em(), 'mutations:89638599', 1_000_000_000, 10, 1),
      );
      await run('mutation budget, a consumer per client', clients, (c) =>
        takeFromBucket(em(), `mutations:${c}`, 1_000_000_000, 10, 1),
      );
      await run('caller check (session and account)', clients, () => sessions.check(em(), claims));
    }
    const hash = await hashPassword('bench-password');
    const t0 = performance.now();
    for (let i = 0; i < 20; i++) await verifyPassword('bench-password', hash);
    const scryptMs = round((performance.now() - t0) / 20, 1);
    console.log({ scryptMs });

    const results = {
      machine: machine(db.version),
      rounds: ROUNDS,
      scryptMsPerLogin: scryptMs,
      rows: rows.map(([name, r]) => ({ name, ...r })),
    };
    const md = [
      `Measured ${new Date().toISOString().slice(0, 10)}: the statements the shared authentication state adds (docs/authentication.md, "Cost"), through the service's own code, ${ROUNDS} calls each from 1 and ${CLIENTS} clients at once; \`select 1\` on the same pool is the floor. A login's scrypt: ${scryptMs} ms.`,
      '',
      table([
        ['statement(s)', 'µs per call (mean)', 'p99 µs', 'calls/s'],
        ...rows.map(([name, r]) => [name, r.meanUs, r.p99Us, r.perSecond]),
      ]),
    ].join('\n');
    for (const [name, r] of rows.filter(([n]) => n.endsWith(`${CLIENTS} clients`))) {
      summary(`rate-limit ${name}: ${r.meanUs} µs per call, p99 ${r.p99Us} µs`);
    }
    await writeFigures('rate-limit', md, results, process.argv.includes('--write'));
  } finally {
    await orm.close(true);
    await db.stop();
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
