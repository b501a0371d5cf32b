import { rmSync } from 'node:fs';
import { createServer, type Socket } from 'node:net';
import { print } from 'graphql';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startApp, type RunningApp } from '../../src/app.ts';
import { loadConfig } from '../../src/platform/config.ts';
import {
  startEmbeddedPostgres,
  temporaryDataDir,
  type EmbeddedDatabase,
} from '../../src/platform/db/embedded.ts';
import { MeDocument } from '../generated/graphql.ts';
import {
  concurrently,
  demo,
  startTestApp,
  UNPAID_LIMITS_OFF,
  type TestApp,
} from '../utils/test-app.ts';
import { ledgerCount } from '../utils/ledger.ts';

const DEPOSIT = `mutation { deposit(consumerId: "${demo.otherConsumer.id}", amount: "7.00") { id } }`;

/** Holds the row lock on a consumer's bank account until `release()`. */
async function lockAccount(app: TestApp, consumerId: string) {
  const client = await app.db.connect();
  await client.query('begin');
  await client.query('select 1 from bank_accounts where consumer_id = $1 for update', [consumerId]);
  return {
    async release() {
      await client.query('rollback');
      client.release();
    },
  };
}

async function timed<T>(work: () => Promise<T>): Promise<[T, number]> {
  const started = Date.now();
  const result = await work();
  return [result, Date.now() - started];
}

describe('timeouts', () => {
  // Generous enough that logins and set-up on a loaded machine stay under them.
  let st: TestApp; // STATEMENT_TIMEOUT_MS=500
  let rt: TestApp; // REQUEST_TIMEOUT_MS=1500
  let stAdmin: string;
  let rtAdmin: string;
  beforeAll(async () => {
    [st, rt] = await Promise.all([
      startTestApp({ config: { statementTimeoutMs: 500 } }),
      startTestApp({ config: { requestTimeoutMs: 1500 } }),
    ]);
    [stAdmin, rtAdmin] = await Promise.all([st.login(demo.admin), rt.login(demo.admin)]);
  });
  afterAll(async () => {
    await Promise.all([st?.close(), rt?.close()]);
  });

  it('sets PostgreSQL statement_timeout on every connection the service opens', async () => {
    // Run at once, these need several pooled connections.
    const settings = await concurrently(5, () =>
      st.app.orm.em
        .fork()
        .execute<{ timeout: string }[]>(
          `select current_setting('statement_timeout') as timeout, pg_sleep(0.05)`,
        ),
    );
    expect(settings.map(([row]) => row.timeout)).toEqual(Array(5).fill('500ms'));
    await expect(st.app.orm.em.fork().execute('select pg_sleep(1)')).rejects.toMatchObject({
      code: '57014',
    });
    expect(loadConfig({}).statementTimeoutMs).toBe(5000);
  });

  it('answers TIMEOUT when a statement waits past STATEMENT_TIMEOUT_MS, and changes nothing', async () => {
    const before = await ledgerCount(st);
    const lock = await lockAccount(st, demo.otherConsumer.id);
    try {
      const [res, ms] = await timed(() => st.gql(DEPOSIT, {}, { token: stAdmin }));
      expect(res.errors).toEqual([
        expect.objectContaining({
          message: 'The database took longer than the statement timeout.',
          extensions: { code: 'TIMEOUT' },
        }),
      ]);
      expect(ms).toBeLessThan(3000);
    } finally {
      await lock.release();
    }
    expect(await ledgerCount(st)).toBe(before);
  });

  it('answers 503 TIMEOUT at REQUEST_TIMEOUT_MS; the mutation still completes afterwards', async () => {
    const before = await ledgerCount(rt);
    const lock = await lockAccount(rt, demo.otherConsumer.id);
    let released = false;
    try {
      const [res, ms] = await timed(() =>
        fetch(rt.url, {
          method: 'POST',
          headers: { 'content-type': 'application/json', authorization: `Bearer ${rtAdmin}` },
          body: JSON.stringify({ query: DEPOSIT }),
        }),
      );
      expect(res.status).toBe(503);
      expect(res.headers.get('x-request-id')).toBeTruthy();
      const body = await res.json();
      expect(body.errors[0].extensions).toEqual({ code: 'TIMEOUT' });
      expect(body.errors[0].message).toMatch(/did not finish within 1500 ms/);
      expect(ms).toBeGreaterThanOrEqual(1490);
      expect(ms).toBeLessThan(4000);
      await lock.release();
      released = true;
    } finally {
      if (!released) await lock.release();
    }
    // Its work was not cancelled: once the lock is gone the deposit commits.
    await expect.poll(() => ledgerCount(rt), { timeout: 5000 }).toBe(before + 1);
    const next = await rt.gql(`{ me { id } }`, {}, { token: rtAdmin });
    expect(next.data.me.id).toBe(demo.admin.id);
  });
});

describe('the database goes down and comes back', () => {
  let dir: string;
  let database: EmbeddedDatabase;
  let app: RunningApp;
  let port: number;
  beforeAll(async () => {
    dir = temporaryDataDir('orderly-edge-pg-');
    database = await startEmbeddedPostgres(dir, { persistent: true });
    port = Number(new URL(database.url).port);
    app = await startApp({
      seed: true,
      config: {
        databaseUrl: database.url,
        port: 0,
        host: '127.0.0.1',
        logLevel: 'silent',
        mutationRateLimit: 0,
        ...UNPAID_LIMITS_OFF,
        databaseConnectTimeoutMs: 1500,
      },
    });
  }, 120_000);
  afterAll(async () => {
    await app?.close();
    await database?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  const health = async (path = '/healthz') => {
    const res = await fetch(app.url.replace('/graphql', path));
    return { status: res.status, body: await res.json() };
  };
  const post = async (query: string, token?: string) => {
    const res = await fetch(app.url, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        ...(token ? { authorization: `Bearer ${token}` } : {}),
      },
      body: JSON.stringify({ query }),
    });
    return { status: res.status, body: await res.json() };
  };
  const login = `mutation { login(consumerId: "${demo.consumer.id}", password: "${demo.consumer.password}") { token } }`;
  const me = print(MeDocument);

  it('fails fast with SERVICE_UNAVAILABLE and 503 while it is down or hung, and recovers without a restart', async () => {
    const { body } = await post(login);
    const token: string = body.data.login.token;
    expect(await health()).toEqual({ status: 200, body: { status: 'ok', database: 'up' } });
    const before = await post(me, token);

    await database.stop();

    const [down, healthMs] = await timed(health);
    expect(down).toEqual({ status: 503, body: { status: 'degraded', database: 'down' } });
    expect(healthMs).toBeLessThan(5000);
    // Not ready for traffic, but alive: an orchestrator must not restart it for the database.
    expect(await health('/readyz')).toEqual({
      status: 503,
      body: { status: 'not ready', database: 'down' },
    });
    expect(await health('/livez')).toEqual({ status: 200, body: { status: 'ok' } });
    for (const [query, auth] of [
      [me, token],
      [login, undefined],
    ] as const) {
      const [res, ms] = await timed(() => post(query, auth));
      expect(res.status).toBe(503);
      expect(res.body.errors).toEqual([
        expect.objectContaining({
          message: 'The database is unavailable; try again shortly.',
          extensions: { code: 'SERVICE_UNAVAILABLE' },
        }),
      ]);
      expect(ms).toBeLessThan(5000);
    }

    // A server that takes the connection and never answers (a hung host, a lost network).
    const sockets: Socket[] = [];
    const hung = createServer((socket) => sockets.push(socket));
    await new Promise<void>((done) => hung.listen(port, '127.0.0.1', done));
    try {
      const [res, ms] = await timed(() => post(me, token));
      expect(res.status).toBe(503);
      expect(res.body.errors[0].extensions.code).toBe('SERVICE_UNAVAILABLE');
      expect(ms).toBeGreaterThanOrEqual(1400); // DATABASE_CONNECT_TIMEOUT_MS=1500
      expect(ms).toBeLessThan(4000);
      expect((await health()).status).toBe(503);
    } finally {
      sockets.forEach((s) => s.destroy());
      await new Promise((done) => hung.close(done));
    }

    database = await startEmbeddedPostgres(dir, { persistent: true, port });

    await expect.poll(async () => (await health()).status, { timeout: 15_000 }).toBe(200);
    const back = await post(me, token);
    expect(back).toEqual(before);
    expect(back.body.data.me.id).toBe(demo.consumer.id);
    expect((await post(login)).body.data.login.token).toEqual(expect.any(String));
  }, 60_000);
});
