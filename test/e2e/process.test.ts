import { createClient } from 'graphql-ws';
import { connect, createServer } from 'node:net';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import WebSocket from 'ws';
import { halfSentRequest, spawnServer, waitUntilServing } from '../utils/child-server.ts';
import {
  createTestDatabase,
  demo,
  dropTestDatabase,
  startTestApp,
  type TestApp,
} from '../utils/test-app.ts';

describe('starting with a bad DATABASE_URL', () => {
  it('prints one clear line and exits non-zero when the server is unreachable', async () => {
    const server = await spawnServer({
      DATABASE_URL: 'postgres://orderly:secret@127.0.0.1:1/orderly',
    });
    expect(await server.exited).toBe(1);
    const lines = server.stderr().trim().split('\n');
    expect(lines).toEqual([
      'orderly: cannot connect to the database at postgres://orderly:***@127.0.0.1:1/orderly: connect ECONNREFUSED 127.0.0.1:1',
    ]);
  });

  it('prints one clear line for a URL that is not a PostgreSQL URL', async () => {
    const server = await spawnServer({ DATABASE_URL: 'mysql://somewhere/db' });
    expect(await server.exited).toBe(1);
    expect(server.stderr().trim()).toMatch(
      /^orderly: DATABASE_URL must look like postgres:\/\/[^\n]+$/,
    );
  });

  it('prints one clear line for a wrong password, without echoing it', async () => {
    const url = new URL(await createTestDatabase());
    const password = url.password;
    try {
      url.password = 'wrong-password';
      const server = await spawnServer({ DATABASE_URL: url.toString() });
      expect(await server.exited).toBe(1);
      const stderr = server.stderr().trim();
      expect(stderr.split('\n')).toHaveLength(1);
      expect(stderr).toMatch(
        /^orderly: cannot connect to the database at .*\*\*\*.*password authentication failed/,
      );
      expect(stderr).not.toContain('wrong-password');
    } finally {
      url.password = password;
      await dropTestDatabase(url.toString());
    }
  });
});

describe('starting on a port already in use', () => {
  it('prints one clear line and exits non-zero', async () => {
    const blocker = createServer();
    await new Promise<void>((done) => blocker.listen(0, '127.0.0.1', done));
    const port = (blocker.address() as { port: number }).port;
    const databaseUrl = await createTestDatabase();
    try {
      const server = await spawnServer({ DATABASE_URL: databaseUrl, PORT: String(port) });
      expect(await server.exited).toBe(1);
      expect(server.stderr().trim().split('\n')).toEqual([
        `orderly: cannot listen on 127.0.0.1:${port}: the port is already in use (set PORT to another one)`,
      ]);
    } finally {
      blocker.close();
      await dropTestDatabase(databaseUrl);
    }
  });
});

describe('/healthz', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(() => t?.close());

  it('reports the database as up', async () => {
    const res = await fetch(t.url.replace('/graphql', '/healthz'));
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ status: 'ok', database: 'up' });
  });
});

describe('SIGTERM', () => {
  it('finishes in-flight requests, closes WebSockets with 1001, and exits 0', async () => {
    const databaseUrl = await createTestDatabase();
    const server = await spawnServer({ DATABASE_URL: databaseUrl });
    try {
      await waitUntilServing(server);
      const login = () =>
        fetch(server.url, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({
            query: `mutation { login(consumerId: "${demo.consumer.id}", password: "${demo.consumer.password}") { token } }`,
          }),
        }).then(async (r) => ({
          status: r.status,
          body: (await r.json()) as { data: { login: { token: string } } },
        }));
      const { body } = await login();
      const closed = new Promise<number>((done) => {
        const client = createClient({
          url: server.url.replace('http', 'ws'),
          webSocketImpl: WebSocket,
          connectionParams: { authorization: `Bearer ${body.data.login.token}` },
          retryAttempts: 0,
          lazy: false,
          onNonLazyError: () => undefined,
          on: { closed: (event) => done((event as { code: number }).code) },
        });
        void client;
      });
      await new Promise((r) => setTimeout(r, 300)); // the socket is acknowledged
      // A request whose body is only half sent when the signal lands: certainly in flight.
      const slowBody = JSON.stringify({
        query: `mutation { login(consumerId: "${demo.consumer.id}", password: "${demo.consumer.password}") { token } }`,
      });
      const slow = halfSentRequest(server.url, slowBody, 1500);
      // Requests sent just before the signal. Node cannot tell a connection whose request it has
      // not read yet from an idle one, so give a loaded machine a full second to read them.
      const inFlight = Array.from({ length: 8 }, () => login());
      await new Promise((r) => setTimeout(r, 1000));
      server.process.kill('SIGTERM');
      const answers = await Promise.all(inFlight);
      expect(answers.map((a) => a.status)).toEqual(Array(8).fill(200));
      expect(answers.every((a) => a.body.data.login.token)).toBe(true);
      const late = await slow;
      expect(late.status).toBe(200);
      expect(JSON.parse(late.body).data.login.token).toBeTruthy();
      expect(await closed).toBe(1001);
      expect(await server.exited).toBe(0);
      await expect(login()).rejects.toThrow();
    } finally {
      server.process.kill('SIGKILL');
      await dropTestDatabase(databaseUrl);
    }
  });

  it('refuses new connections at once, still answers the request in flight, cuts a silent WebSocket, and leaves no database session', async () => {
    const databaseUrl = await createTestDatabase();
    const database = new URL(databaseUrl).pathname.slice(1);
    const server = await spawnServer({ DATABASE_URL: databaseUrl });
    const admin = new pg.Client({ connectionString: inject('adminDatabaseUrl') });
    await admin.connect();
    const sessions = async () =>
      (
        await admin.query<{ name: string }>(
          // Only the service's sessions: autovacuum and others may come and go on any database.
          `select application_name as name from pg_stat_activity
            where datname = $1 and application_name like 'orderly%'`,
          [database],
        )
      ).rows.map((r) => r.name);
    try {
      await waitUntilServing(server);
      const { port } = new URL(server.url);
      // A WebSocket client that completes the upgrade and then never answers anything (a
      // phone that went out of coverage): its close handshake can never finish.
      const silent = connect(Number(port), '127.0.0.1');
      silent.on('error', () => undefined);
      const silentClosed = new Promise<void>((done) => silent.on('close', () => done()));
      await new Promise<void>((done) => {
        silent.once('data', () => done());
        silent.write(
          'GET /graphql HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n' +
            'Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n' +
            'Sec-WebSocket-Protocol: graphql-transport-ws\r\n\r\n',
        );
      });
      const slowBody = JSON.stringify({
        query: `mutation { login(consumerId: "${demo.consumer.id}", password: "${demo.consumer.password}") { token } }`,
      });
      const slow = halfSentRequest(server.url, slowBody, 3000);
      await new Promise((r) => setTimeout(r, 1000)); // the slow request's headers are read
      // The service's own sessions: the ORM pool ('orderly') and the live hub's listener.
      expect(await sessions()).toEqual(expect.arrayContaining(['orderly', 'orderly-live-hub']));

      const signalled = Date.now();
      server.process.kill('SIGTERM');
      const tryConnect = () =>
        new Promise<string>((done) => {
          const socket = connect(Number(port), '127.0.0.1');
          socket.on('connect', () => {
            socket.destroy();
            done('accepted');
          });
          socket.on('error', (err: NodeJS.ErrnoException) => done(err.code ?? err.message));
        });
      // The port closes as soon as the child has handled the signal (a busy machine may take a
      // moment to schedule it), and long before the request in flight is answered.
      let attempt = await tryConnect();
      while (attempt === 'accepted' && Date.now() - signalled < 1500) {
        await new Promise((r) => setTimeout(r, 50));
        attempt = await tryConnect();
      }
      expect(attempt).toBe('ECONNREFUSED');
      expect(server.process.exitCode).toBeNull(); // refused while still draining, not exited

      const late = await slow;
      expect(late.status).toBe(200);
      expect(JSON.parse(late.body).data.login.token).toBeTruthy();
      // Without cutting it, the silent socket would hold the stop for ws's 30 s close timeout.
      const code = await Promise.race([
        server.exited,
        new Promise<string>((r) => setTimeout(() => r('still running after 10 s'), 10_000)),
      ]);
      expect(code).toBe(0);
      expect(Date.now() - signalled).toBeLessThan(8_000);
      await silentClosed;
      // A backend leaves pg_stat_activity a moment after its client has gone.
      let left = await sessions();
      for (let i = 0; i < 30 && left.length > 0; i++) {
        await new Promise((r) => setTimeout(r, 100));
        left = await sessions();
      }
      expect(left).toEqual([]);
    } finally {
      server.process.kill('SIGKILL');
      await admin.end();
      await dropTestDatabase(databaseUrl);
    }
  });
});
