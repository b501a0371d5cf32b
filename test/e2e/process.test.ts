import { createClient } from 'graphql-ws';
import { request } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { spawnServer, waitUntilServing } from '../utils/child-server';
import {
  createTestDatabase,
  demo,
  dropTestDatabase,
  startTestApp,
  type TestApp,
} from '../utils/test-app';

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
      url.password = 'orderly';
      await dropTestDatabase(url.toString());
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
      const slow = new Promise<{ status: number; body: string }>((done, fail) => {
        const req = request(server.url, {
          method: 'POST',
          headers: {
            'content-type': 'application/json',
            'content-length': Buffer.byteLength(slowBody),
          },
        });
        req.on('response', (res) => {
          let body = '';
          res.on('data', (d) => (body += d));
          res.on('end', () => done({ status: res.statusCode ?? 0, body }));
        });
        req.on('error', fail);
        req.write(slowBody.slice(0, 20));
        setTimeout(() => req.end(slowBody.slice(20)), 1500);
      });
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
});
