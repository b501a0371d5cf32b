// `npm run bench:subscriptions`: thousands of graphql-ws subscribers on one server process,
// transitions driven at a target rate, and what arrived: delivered/expected, commit-to-client
// latency, lost and repeated events, and the server's memory per subscription. Loopback only;
// bounded in count and time.
//
//   npm run bench:subscriptions -- --steps 1000,5000,10000 --rate 200 --seconds 15
//
// BENCH_QUICK=1 (or BENCH_SECONDS) makes it short: steps 100,500 and 2 s each unless given.
//
// The server is `src/main.ts` in a child process (its memory is measured apart from the
// clients'); PostgreSQL is an embedded one in a temporary folder. Writers run the real
// lifecycle code (lockOrder + transition, one transaction each, any allowed move as the
// kinds' own flows make them) from this process, so the figure is the live path:
// commit -> NOTIFY -> hub read -> fan-out -> socket -> client.
//
// Latency is from the writer seeing its COMMIT return (MikroORM's afterTransactionCommit, fired
// as soon as the COMMIT's reply is processed) to a client handling the event, on one clock. It
// can come out negative: writers and clients share this process's event loop, and when the loop
// is busy the event's socket message may be handled before the COMMIT reply that was on the wire
// first. Negative figures are counted and kept in the percentiles, not clamped to 0.
import 'reflect-metadata';
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import type { EntityManager } from '@mikro-orm/postgresql';
import { createClient, type Client } from 'graphql-ws';
import WebSocket from 'ws';
import { seedDemoData } from '../src/app.ts';
import { modules } from '../src/modules.ts';
import { Role } from '../src/platform/accounts/consumer.entity.ts';
import { benchSeconds, JWT_SECRET, QUICK, summary, tokenFor, runBench } from './harness.ts';
import { freePort, startEmbeddedPostgres, temporaryDataDir } from '../src/platform/db/embedded.ts';
import { openDatabase } from '../src/platform/db/orm.ts';
import { eventCursor, START_CURSOR } from '../src/platform/events/order-event.mapping.ts';
import { money } from '../src/platform/money.ts';
import { OrderKind, OrderStatus } from '../src/platform/orders/order.entity.ts';
import { createOrder, lockOrder, transition } from '../src/platform/orders/order-lifecycle.ts';

const args = new Map<string, string>();
for (let i = 2; i < process.argv.length; i += 2) {
  args.set(process.argv[i].replace(/^--/, ''), process.argv[i + 1]);
}
const STEPS = (args.get('steps') ?? (QUICK ? '100,500' : '1000,5000,10000')).split(',').map(Number);
const RATE = Number(args.get('rate') ?? 200);
const SECONDS = benchSeconds(15, 2);
/** The aim of issue 17, for the verdict line. */
const AIM_P99_MS = 200;
const CONSUMERS = Number(args.get('consumers') ?? 1000);
const STAFF = Number(args.get('staff') ?? 2);
const MAX_IN_FLIGHT = 32;
const HARD_LIMIT_MS = 10 * 60_000;
const SECRET = JWT_SECRET;
const OPERATOR_ID = '10000001';
const QUERY = `subscription { orderStatusChanged { id cursor orderId toStatus } }`;

setTimeout(() => {
  console.error('benchmark exceeded its time limit; stopping');
  process.exit(2);
}, HARD_LIMIT_MS).unref();

interface Subscriber {
  consumerId: string | null;
  client: Client;
  cursors: Set<string>;
  /** Every cursor in arrival order, repeats included. */
  received: string[];
  duplicates: number;
}

const receivedAt = new Map<string, number[]>();
const committedAt = new Map<string, number>();

function rssMb(pid: number): { rss: number; peak: number } {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = (field: string) => Number(new RegExp(`${field}:\\s+(\\d+)`).exec(status)?.[1] ?? 0);
  return { rss: Math.round(kb('VmRSS') / 1024), peak: Math.round(kb('VmHWM') / 1024) };
}

function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

async function waitFor(what: string, ready: () => Promise<boolean> | boolean, ms: number) {
  const deadline = Date.now() + ms;
  while (!(await ready())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

async function startServer(databaseUrl: string): Promise<{ child: ChildProcess; url: string }> {
  const port = await freePort();
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], {
    env: {
      ...process.env,
      NODE_ENV: 'production',
      JWT_SECRET: SECRET,
      DATABASE_URL: databaseUrl,
      HOST: '127.0.0.1',
      PORT: String(port),
      LOG_LEVEL: 'warn',
    },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  let out = '';
  child.stdout!.on('data', (d) => (out += d));
  await waitFor('the server to start', () => out.includes('is serving'), 60_000);
  return { child, url: `http://127.0.0.1:${port}` };
}

async function liveStats(url: string): Promise<{ subscriptions: number; position: string }> {
  return (await fetch(`${url}/healthz/live`)).json() as never;
}

function openSubscriber(wsUrl: string, consumerId: string | null): Promise<Subscriber> {
  const token = consumerId ? tokenFor(consumerId) : tokenFor(OPERATOR_ID, Role.OPERATOR);
  return new Promise((resolve, reject) => {
    const client = createClient({
      url: wsUrl,
      webSocketImpl: WebSocket,
      connectionParams: { authorization: `Bearer ${token}` },
      retryAttempts: 0,
      on: { connected: () => resolve(subscriber) },
    });
    const subscriber: Subscriber = {
      consumerId,
      client,
      cursors: new Set(),
      received: [],
      duplicates: 0,
    };
    client.subscribe<{
      orderStatusChanged: { cursor: string; orderId: string; toStatus: string };
    }>(
      { query: QUERY },
      {
        next: ({ data }) => {
          const now = performance.now();
          const e = data!.orderStatusChanged;
          if (subscriber.cursors.has(e.cursor)) subscriber.duplicates++;
          subscriber.cursors.add(e.cursor);
          subscriber.received.push(e.cursor);
          const key = `${e.orderId}:${e.toStatus}`;
          const list = receivedAt.get(key);
          if (list) list.push(now);
          else receivedAt.set(key, [now]);
        },
        error: (err) => reject(err),
        complete: () => undefined,
      },
    );
  });
}

async function main(): Promise<void> {
  console.log(
    `machine: ${process.platform} ${process.arch}, ${(await import('node:os')).cpus().length} cores, node ${process.version}`,
  );
  const db = await startEmbeddedPostgres(temporaryDataDir('orderly-bench-pg-'), {
    persistent: false,
  });
  const orm = await openDatabase(modules, { url: db.url, poolMax: MAX_IN_FLIGHT });
  let server: { child: ChildProcess; url: string } | undefined;
  const subscribers: Subscriber[] = [];
  try {
    await seedDemoData(orm);
    const em = orm.em.fork();
    const consumers = (
      await em.execute<{ id: string }[]>(
        `insert into consumers (id, name, role, password_hash)
         select 20000000 + g, 'Bench consumer ' || g, 'CONSUMER', 'not-a-login'
           from generate_series(1, ${CONSUMERS}) g returning id::text as id`,
      )
    ).map((r) => r.id);
    await em.execute(
      `insert into auth_sessions (id, consumer_id, refresh_hash, expires_at)
       select ('00000000-0000-4000-8000-' || lpad(id::text, 12, '0'))::uuid, id, 'bench', now() + interval '1 day'
         from consumers`,
    );
    const transitionsNeeded = STEPS.length * RATE * SECONDS;
    const ordersNeeded = Math.ceil(transitionsNeeded / 3);
    const orderOwner = new Map<string, string>();
    for (let made = 0; made < ordersNeeded; made += 250) {
      await orm.em.fork().transactional(async (tx) => {
        for (let i = made; i < Math.min(ordersNeeded, made + 250); i++) {
          const consumerId = consumers[i % consumers.length];
          const order = await createOrder(tx, {
            kind: OrderKind.SALE,
            consumerId,
            payment: money('10.00'),
            actorId: consumerId,
          });
          orderOwner.set(order.id, consumerId);
        }
        await tx.flush();
      });
    }
    const orderIds = [...orderOwner.keys()];
    // Waves over all orders: every order PAID, then EFFECTIVE, then EXPIRED.
    const plan = [OrderStatus.PAID, OrderStatus.EFFECTIVE, OrderStatus.EXPIRED].flatMap((to) =>
      orderIds.map((id) => ({ id, to })),
    );
    console.log(
      `setup: ${consumers.length} consumers, ${orderIds.length} SALE orders, ${plan.length} planned transitions`,
    );

    // The moment each writer's COMMIT returns: registered before any transaction of the run,
    // so every transaction's own (cloned) event manager has it.
    const keyOfTx = new WeakMap<EntityManager, string>();
    orm.em.getEventManager().registerSubscriber({
      afterTransactionCommit: ({ em: tx }) => {
        const key = keyOfTx.get(tx as EntityManager);
        if (key) committedAt.set(key, performance.now());
      },
    });

    server = await startServer(db.url);
    const wsUrl = `${server.url.replace('http', 'ws')}/graphql`;
    const pid = server.child.pid!;
    const idle = rssMb(pid);
    console.log(`server pid ${pid}: ${idle.rss} MB RSS before any subscriber`);
    let next = 0;
    const results: string[] = [];
    const verdicts: string[] = [];

    for (const target of STEPS) {
      // Open subscribers up to `target` (STAFF of them OPERATOR, the rest one consumer each).
      const opening = performance.now();
      while (subscribers.length < target) {
        const batch = Math.min(250, target - subscribers.length);
        const made = await Promise.all(
          Array.from({ length: batch }, (_, k) => {
            const i = subscribers.length + k;
            return openSubscriber(wsUrl, i < STAFF ? null : consumers[i % consumers.length]);
          }),
        );
        subscribers.push(...made);
      }
      await waitFor(
        `${target} subscriptions on the server`,
        async () => (await liveStats(server!.url)).subscriptions >= target,
        120_000,
      );
      const openedMs = Math.round(performance.now() - opening);
      const before = rssMb(pid);
      const head = await orm.em.fork().execute<{ tx: string; id: string }[]>(
        `select tx_id::text as tx, id::text as id from order_events
            order by order_events.tx_id desc, order_events.id desc limit 1`,
      );
      const startCursor = head[0] ? eventCursor(head[0].tx, head[0].id) : START_CURSOR;

      // Drive RATE transitions per second for SECONDS, at most MAX_IN_FLIGHT at once.
      const total = RATE * SECONDS;
      const stepPlan = plan.slice(next, next + total);
      next += stepPlan.length;
      let launched = 0;
      let inFlight = 0;
      let failed = 0;
      const started = performance.now();
      await new Promise<void>((done) => {
        const tick = setInterval(() => {
          const due = Math.min(
            stepPlan.length,
            Math.floor(((performance.now() - started) / 1000) * RATE),
          );
          while (launched < due && inFlight < MAX_IN_FLIGHT) {
            const { id, to } = stepPlan[launched++];
            const key = `${id}:${to}`;
            inFlight++;
            orm.em
              .fork()
              .transactional(async (tx) => {
                keyOfTx.set(tx, key);
                const order = await lockOrder(tx, id);
                transition(tx, order!, to, { actorId: OPERATOR_ID });
                await tx.flush();
              })
              .then(
                () => {
                  if (!committedAt.has(key)) throw new Error('afterTransactionCommit did not fire');
                },
                () => failed++,
              )
              .finally(() => {
                inFlight--;
                if (launched === stepPlan.length && inFlight === 0) {
                  clearInterval(tick);
                  done();
                }
              });
          }
        }, 5);
      });
      const driveSeconds = (performance.now() - started) / 1000;

      // Expected deliveries, from the table: each event after the step's start cursor to its
      // owner's subscribers and to every staff one, in cursor order.
      const staff = subscribers.filter((s) => !s.consumerId).length;
      const events = stepPlan.filter((p) => committedAt.has(`${p.id}:${p.to}`));
      const rows = await orm.em.fork().execute<{ tx: string; id: string; consumer: string }[]>(
        `select tx_id::text as tx, id::text as id, consumer_id::text as consumer
           from order_events
          where (tx_id, id) > (?::xid8, ?::bigint)
          order by order_events.tx_id, order_events.id`,
        head[0] ? [head[0].tx, head[0].id] : ['0', '0'],
      );
      const all = rows.map((r) => ({ cursor: eventCursor(r.tx, r.id), consumer: r.consumer }));
      const byConsumer = new Map<string, string[]>();
      for (const e of all) {
        const list = byConsumer.get(e.consumer);
        if (list) list.push(e.cursor);
        else byConsumer.set(e.consumer, [e.cursor]);
      }
      const expectedOf = (s: Subscriber) =>
        s.consumerId ? (byConsumer.get(s.consumerId) ?? []) : all.map((e) => e.cursor);
      const expected = subscribers.reduce((n, s) => n + expectedOf(s).length, 0);
      const receivedInStep = (s: Subscriber) => s.received.filter((c) => c > startCursor);
      const delivered = () => subscribers.reduce((n, s) => n + receivedInStep(s).length, 0);
      await waitFor('deliveries', () => delivered() >= expected, 30_000).catch(() => undefined);
      await new Promise((r) => setTimeout(r, 500));

      // Per subscriber: exactly its expected cursors, in order, each once.
      let exact = 0;
      let missing = 0;
      let unexpected = 0;
      let outOfOrder = 0;
      for (const s of subscribers) {
        const want = expectedOf(s);
        const got = receivedInStep(s);
        if (got.length === want.length && got.every((c, i) => c === want[i])) {
          exact++;
          continue;
        }
        const wanted = new Set(want);
        const gotSet = new Set(got);
        missing += want.filter((c) => !gotSet.has(c)).length;
        unexpected += got.filter((c) => !wanted.has(c)).length;
        if (got.some((c, i) => i > 0 && c <= got[i - 1])) outOfOrder++;
      }

      const latencies: number[] = [];
      for (const p of events) {
        const key = `${p.id}:${p.to}`;
        for (const at of receivedAt.get(key) ?? []) latencies.push(at - committedAt.get(key)!);
      }
      latencies.sort((a, b) => a - b);
      const negative = latencies.filter((l) => l < 0);
      const after = rssMb(pid);
      const stats = await liveStats(server.url);
      const duplicates = subscribers.reduce((n, s) => n + s.duplicates, 0);
      // Server memory the subscribers hold: RSS above the idle server's, per subscription.
      const perSubscriptionKb = Math.round(((before.rss - idle.rss) * 1024) / target);
      const p99 = percentile(latencies, 99);
      const line =
        `${target} subscribers (${staff} staff): opened in ${openedMs} ms; ` +
        `${events.length} transitions in ${driveSeconds.toFixed(1)} s ` +
        `(${(events.length / driveSeconds).toFixed(0)}/s, ${failed} failed); ` +
        `delivered ${delivered()}/${expected}, lost ${missing}, repeated ${duplicates}; ` +
        `per subscriber: ${exact}/${subscribers.length} exact` +
        (exact < subscribers.length
          ? ` (${unexpected} unexpected, ${outOfOrder} out of order)`
          : '') +
        `; ${all.length} events in the table; ` +
        `latency p50 ${percentile(latencies, 50).toFixed(1)} ms, p99 ${p99.toFixed(1)} ms, ` +
        `max ${(latencies.at(-1) ?? NaN).toFixed(1)} ms, ` +
        `${negative.length} negative (min ${(latencies[0] ?? NaN).toFixed(1)} ms); ` +
        `server RSS ${before.rss} MB with subscribers (${perSubscriptionKb} KB per subscription), ${after.rss} MB after the run (peak ${after.peak} MB); ` +
        `hub reads cursor ${stats.position} past ${startCursor}`;
      console.log(line);
      results.push(line);
      verdicts.push(
        `subscriptions ${target} at ${RATE}/s: p99 commit-to-client ${p99.toFixed(1)} ms (aim < ${AIM_P99_MS}: ${p99 < AIM_P99_MS ? 'met' : 'not met'}), lost ${missing}, repeated ${duplicates}, ${perSubscriptionKb} KB per subscription`,
      );
    }
    console.log('\nsummary');
    for (const r of results) console.log(`- ${r}`);
    for (const v of verdicts) summary(v);
  } finally {
    await Promise.all(subscribers.map((s) => s.client.dispose()));
    if (server) {
      server.child.kill('SIGTERM');
      await new Promise((r) => server!.child.once('exit', r));
    }
    await orm.close(true);
    await db.stop();
  }
}

runBench(main, 'benchmark failed:');
