import type { TypedDocumentNode } from '@graphql-typed-document-node/core';
import { print } from 'graphql';
import { createClient } from 'graphql-ws';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { DepositDocument, MyLedgerDocument } from '../generated/graphql.ts';
import {
  gqlAt,
  halfSentRequest,
  loginAt,
  spawnServer,
  waitUntilServing,
  type ChildServer,
} from '../utils/child-server.ts';
import { demo } from '../utils/test-app.ts';
import { temporaryDataDir } from '../../src/platform/db/embedded.ts';

// `npm start` as a new user runs it: no DATABASE_URL, so the service starts its own PostgreSQL
// in ORDERLY_DATA_DIR. Initialising a cluster takes seconds, hence one long test.
const dataDir = temporaryDataDir('orderly-embedded-');
const pidFile = join(dataDir, 'postgres', 'postmaster.pid');

/** The data of a request to `server` that must succeed. */
async function gql<T, V>(
  server: ChildServer,
  document: TypedDocumentNode<T, V>,
  variables: V,
  token?: string,
): Promise<T> {
  const body = await gqlAt(server.url, document, variables, token);
  if (body.errors) throw new Error(JSON.stringify(body.errors));
  return body.data!;
}

const login = (server: ChildServer, account: { id: string; password: string }) =>
  loginAt(server.url, account);

function start(
  options: { ownProcessGroup?: boolean; via?: 'node' | 'npm' } = {},
): Promise<ChildServer> {
  // An empty DATABASE_URL counts as unset, whatever the test runner's environment holds.
  return spawnServer({ DATABASE_URL: '', ORDERLY_DATA_DIR: dataDir }, options);
}

afterAll(() => {
  // Should a step fail with PostgreSQL still up, stop it rather than leave it running.
  if (existsSync(pidFile)) {
    const pid = Number(readFileSync(pidFile, 'utf8').split('\n')[0]);
    try {
      process.kill(pid, 'SIGINT');
    } catch {
      // already gone
    }
  }
  rmSync(dataDir, { recursive: true, force: true });
});

describe('npm start on the embedded PostgreSQL', () => {
  it('drains on SIGTERM, stops its PostgreSQL, exits 0, and keeps the data for the next start', async () => {
    const first = await start();
    let second: ChildServer | undefined;
    try {
      await waitUntilServing(first, 90_000);
      expect(existsSync(pidFile)).toBe(true);
      const adminToken = await login(first, demo.admin);
      const deposit = await gql(
        first,
        DepositDocument,
        { consumerId: demo.consumer.id, amount: '123.45' },
        adminToken,
      );
      const consumerToken = await login(first, demo.consumer);

      const wsClosed = new Promise<number>((done) => {
        createClient({
          url: first.url.replace('http', 'ws'),
          webSocketImpl: WebSocket,
          connectionParams: { authorization: `Bearer ${consumerToken}` },
          retryAttempts: 0,
          lazy: false,
          onNonLazyError: () => undefined,
          on: { closed: (event) => done((event as { code: number }).code) },
        });
      });
      // A request whose body is half sent when the signal lands: certainly in flight. Before
      // the fix, the package's own SIGTERM handler stopped PostgreSQL and exited 143 under it.
      const slowBody = JSON.stringify({ query: print(MyLedgerDocument), variables: {} });
      const slow = halfSentRequest(first.url, slowBody, 2500, {
        authorization: `Bearer ${consumerToken}`,
      });
      await new Promise((r) => setTimeout(r, 1000)); // socket acknowledged, request headers read
      first.process.kill('SIGTERM');

      const late = await slow;
      expect(late.status).toBe(200);
      expect(JSON.parse(late.body).data.me.transactions.nodes[0]).toMatchObject({
        id: deposit.deposit.id,
        amount: '123.45',
      });
      expect(await wsClosed).toBe(1001);
      expect(await first.exited).toBe(0);
      // PostgreSQL removes its pid file when it has shut down cleanly.
      expect(existsSync(pidFile)).toBe(false);

      second = await start({ ownProcessGroup: true });
      await waitUntilServing(second, 60_000);
      const again = await gql(
        second,
        MyLedgerDocument,
        { first: 5 },
        await login(second, demo.consumer),
      );
      expect(again.me!.transactions.nodes[0]).toMatchObject({
        id: deposit.deposit.id,
        amount: '123.45',
        balanceAfter: deposit.deposit.balanceAfter,
      });
      expect(again.me!.balance).toBe(deposit.deposit.balanceAfter);
      // Ctrl-C in a terminal: SIGINT to the whole process group, so PostgreSQL gets it too and
      // is gone before the service's drain reaches it. The service must still exit at once
      // (it used to wait forever for the package's stop of a server that had already exited).
      // A request in flight (no token: its answer needs no database) holds the drain open until
      // PostgreSQL has surely exited; it still gets an HTTP answer, not a dropped socket.
      const inFlight = halfSentRequest(second.url, slowBody, 1500);
      await new Promise((r) => setTimeout(r, 500));
      const interrupted = Date.now();
      process.kill(-second.process.pid!, 'SIGINT');
      expect((await inFlight).status).toBeGreaterThanOrEqual(200);
      expect(await second.exited).toBe(0);
      expect(Date.now() - interrupted).toBeLessThan(8_000);
      expect(existsSync(pidFile)).toBe(false);
    } finally {
      for (const server of [first, second]) {
        if (server && server.process.exitCode === null) {
          server.process.kill('SIGTERM');
          await Promise.race([server.exited, new Promise((r) => setTimeout(r, 15_000))]);
        }
      }
    }
  }, 180_000);

  it('stops everything when a process manager sends SIGTERM to the npm start process', async () => {
    // Process managers and containers signal the process they started: npm here. npm passes
    // the signal to the service (the start script execs node, no shell in between), which drains,
    // stops its PostgreSQL and exits 0; npm then exits with that code.
    const server = await start({ via: 'npm', ownProcessGroup: true });
    try {
      await waitUntilServing(server, 90_000);
      expect(existsSync(pidFile)).toBe(true);
      server.process.kill('SIGTERM');
      expect(await server.exited).toBe(0);
      expect(existsSync(pidFile)).toBe(false);
      await expect(fetch(server.url, { method: 'POST' })).rejects.toThrow();
      // Nothing of that process group is left: not the service, not its PostgreSQL.
      expect(() => process.kill(-server.process.pid!, 0)).toThrow();
    } finally {
      if (server.process.exitCode === null) process.kill(-server.process.pid!, 'SIGKILL');
    }
  }, 120_000);
});
