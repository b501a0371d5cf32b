import { print } from 'graphql';
import { createClient } from 'graphql-ws';
import pg from 'pg';
import { describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { DepositDocument, LoginDocument } from '../generated/graphql.ts';
import { spawnServer, waitUntilServing } from '../utils/child-server.ts';
import { createTestDatabase, demo, dropTestDatabase } from '../utils/test-app.ts';

// A real fault inside the service, not a mocked one: a trigger that fails every ledger insert,
// so `deposit` reaches PostgreSQL and fails there the way a bug in a statement would.
const SECRET = 'ledger-trigger-secret-7731';
const LEAKS = [SECRET, 'bank_transactions', 'insert into', 'stacktrace', 'P0001', '    at '];

describe('an internal error', () => {
  it('reaches the client as "Internal server error." only, and the log with the request id', async () => {
    const databaseUrl = await createTestDatabase();
    const db = new pg.Client({ connectionString: databaseUrl });
    await db.connect();
    await db.query(`
      create function test_fail_ledger() returns trigger language plpgsql as
        $$ begin raise exception '${SECRET}'; end $$;
      create trigger test_fail_ledger before insert on bank_transactions
        for each row execute function test_fail_ledger();`);
    await db.end();
    const server = await spawnServer({ DATABASE_URL: databaseUrl, LOG_LEVEL: 'info' });
    try {
      await waitUntilServing(server);
      const post = (body: object, headers: Record<string, string> = {}) =>
        fetch(server.url, {
          method: 'POST',
          headers: { 'content-type': 'application/json', ...headers },
          body: JSON.stringify(body),
        });
      const login = await post({
        query: print(LoginDocument),
        variables: { consumerId: demo.admin.id, password: demo.admin.password },
      });
      const token: string = (await login.json()).data.login.token;
      const deposit = { consumerId: demo.consumer.id, amount: '10.00' };

      const res = await post(
        { query: print(DepositDocument), variables: deposit },
        { authorization: `Bearer ${token}`, 'x-request-id': 'internal-http-1' },
      );
      expect(res.headers.get('x-request-id')).toBe('internal-http-1');
      const text = await res.text();
      expect(JSON.parse(text)).toMatchObject({
        data: null,
        errors: [
          {
            message: 'Internal server error.',
            path: ['deposit'],
            extensions: { code: 'INTERNAL_SERVER_ERROR' },
          },
        ],
      });
      for (const leak of LEAKS) expect(text).not.toContain(leak);

      // The same operation over graphql-ws.
      const client = createClient({
        url: server.url.replace('http', 'ws'),
        webSocketImpl: WebSocket,
        connectionParams: { authorization: `Bearer ${token}` },
        retryAttempts: 0,
      });
      const overWs = await new Promise<unknown>((done, fail) => {
        let result: unknown;
        client.subscribe(
          { query: print(DepositDocument), variables: deposit },
          { next: (r) => (result = r), error: fail, complete: () => done(result) },
        );
      });
      await client.dispose();
      expect(overWs).toMatchObject({
        errors: [
          { message: 'Internal server error.', extensions: { code: 'INTERNAL_SERVER_ERROR' } },
        ],
      });
      for (const leak of LEAKS) expect(JSON.stringify(overWs)).not.toContain(leak);

      server.process.kill('SIGTERM');
      expect(await server.exited).toBe(0);
      const lines = server
        .stdout()
        .split('\n')
        .filter((line) => line.startsWith('{'))
        .map((line) => JSON.parse(line));
      const internal = lines.filter((l) => l.msg === 'internal error');
      expect(internal).toHaveLength(2);
      // What the client was not told is in the log, under the request id it was given.
      expect(internal[0]).toMatchObject({ level: 50, requestId: 'internal-http-1' });
      expect(JSON.stringify(internal[0].err)).toContain(SECRET);
      expect(internal[1].requestId).toEqual(expect.any(String));
      expect(JSON.stringify(internal[1].err)).toContain(SECRET);
    } finally {
      server.process.kill('SIGKILL');
      await dropTestDatabase(databaseUrl);
    }
  });
});
