import { ApolloClient, InMemoryCache, gql } from '@apollo/client';
import { GraphQLWsLink } from '@apollo/client/link/subscriptions';
import { createClient } from 'graphql-ws';
import jwt from 'jsonwebtoken';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { LoginDocument, LogoutDocument } from '../generated/graphql.ts';
import { within } from '../utils/deferred.ts';
import { LiveSocket } from '../utils/live-client.ts';
import { demo, startTestApp, type TestApp } from '../utils/test-app.ts';
import { connectWs } from '../utils/ws-run.ts';

// Tokens live 3 s (JWT times are whole seconds: at least 2 s to show they work), and the
// sockets' sessions are checked every 200 ms.
let t: TestApp;
beforeAll(async () => {
  t = await startTestApp({ config: { tokenTtlSeconds: 3, socketAuthCheckMs: 200 } });
});
afterAll(() => t?.close());

const liveStats = async () =>
  (await fetch(t.url.replace('/graphql', '/healthz/live')).then((r) => r.json())) as {
    subscriptions: number;
  };

async function untilSubscribed(n: number): Promise<void> {
  await expect.poll(async () => (await liveStats()).subscriptions, { timeout: 10_000 }).toBe(n);
}

async function loggedIn(account: { id: string; password: string } = demo.consumer) {
  const res = await t.gql(LoginDocument, { consumerId: account.id, password: account.password });
  return res.data!.login;
}

/** A new staff account (made by the ADMIN) and a session of it. */
async function staffToDemote(role: 'OPERATOR' | 'ADMIN') {
  const password = 'demote-me-pass';
  const created = await t.gql(
    `mutation ($input: CreateConsumerInput!) { createConsumer(input: $input) { consumer { id } } }`,
    { input: { name: `${role} to demote`, password, role } },
    { token: (await loggedIn(demo.admin)).token! },
  );
  const id: string = created.data.createConsumer.consumer.id;
  return { id, session: await loggedIn({ id, password }) };
}

describe('a subscription without a usable token', () => {
  it('fails at once in Apollo Client with UNAUTHENTICATED in words, on one connection, with no retry', async () => {
    let connections = 0;
    const wsClient = createClient({
      url: t.wsUrl,
      webSocketImpl: WebSocket,
      connectionParams: { authorization: 'Bearer stale.token.here' },
      on: { connected: () => connections++ },
    });
    const client = new ApolloClient({
      cache: new InMemoryCache(),
      link: new GraphQLWsLink(wsClient),
    });
    try {
      const started = Date.now();
      const failure = await within(
        new Promise<unknown>((resolve) => {
          client
            .subscribe({
              query: gql`
                subscription {
                  orderStatusChanged {
                    cursor
                  }
                }
              `,
            })
            .subscribe({ next: (r) => r.error && resolve(r.error), error: resolve });
        }),
        5000,
        'the subscription to fail',
      );
      expect(Date.now() - started).toBeLessThan(2000);
      expect(String(failure)).toMatch(/token is not valid/);
      expect(
        (failure as { errors?: { extensions?: { code?: string } }[] }).errors?.[0]?.extensions
          ?.code,
      ).toBe('UNAUTHENTICATED');
      await new Promise((r) => setTimeout(r, 1500));
      expect(connections).toBe(1);
    } finally {
      await wsClient.dispose();
    }
  });

  it('says the session has ended for a token logged out before the socket opened', async () => {
    const session = await loggedIn();
    await t.gql(LogoutDocument, {}, { token: session.token! });
    const socket = new LiveSocket(t.wsUrl, session.token!);
    const stream = socket.subscribe({});
    expect(await stream.waitForEnd(3000)).toBe('complete');
    expect(stream.errors).toEqual([
      expect.objectContaining({
        message: expect.stringMatching(/session has ended/),
        extensions: expect.objectContaining({ code: 'UNAUTHENTICATED', reason: 'revoked' }),
      }),
    ]);
    await socket.dispose().catch(() => undefined);
  });

  it('still lets the socket log in: login needs no token', async () => {
    const ws = await connectWs(t.wsUrl, 'expired.or.bad');
    try {
      const res = await ws.run(
        `mutation { login(consumerId: "${demo.consumer.id}", password: "${demo.consumer.password}") { token } }`,
      );
      expect(res.data.login.token).toBeTruthy();
    } finally {
      await ws.close();
    }
  });
});

describe('an open socket whose authentication ends', () => {
  it('when the token expires: the subscription fails in words, then the socket closes with 4401', async () => {
    const { token } = await loggedIn();
    const exp = (jwt.decode(token!) as jwt.JwtPayload).exp!;
    const socket = new LiveSocket(t.wsUrl, token!);
    const stream = socket.subscribe({});
    await untilSubscribed(1);
    const ended = (await stream.waitForEnd(6000)) as { message?: string };
    const at = Date.now();
    expect(at).toBeGreaterThanOrEqual(exp * 1000 - 50);
    expect(at).toBeLessThan(exp * 1000 + 1500);
    expect(ended).toEqual([
      expect.objectContaining({
        message: expect.stringMatching(/expired/),
        extensions: expect.objectContaining({ code: 'UNAUTHENTICATED' }),
      }),
    ]);
    expect(await socket.closed.promise).toEqual({
      code: 4401,
      reason: expect.stringMatching(/expired/),
    });
    await untilSubscribed(0);
  });

  it('on logout (from anywhere): closed with 4401 within the check interval', async () => {
    const session = await loggedIn();
    const socket = new LiveSocket(t.wsUrl, session.token!);
    const stream = socket.subscribe({});
    await untilSubscribed(1);
    await t.gql(LogoutDocument, {}, { token: session.token! });
    const ended = await stream.waitForEnd(2000);
    expect(ended).toEqual([
      expect.objectContaining({ message: expect.stringMatching(/session has ended/) }),
    ]);
    expect((await socket.closed.promise).code).toBe(4401);
  });

  it('when the role changes: staff demoted in the database stop receiving everyone’s events', async () => {
    const { id, session } = await staffToDemote('OPERATOR');
    const socket = new LiveSocket(t.wsUrl, session.token!);
    const stream = socket.subscribe({});
    await untilSubscribed(1);
    await t.db.query(`update consumers set role = 'CONSUMER' where id = $1`, [id]);
    expect(await stream.waitForEnd(2000)).toEqual([
      expect.objectContaining({ message: expect.stringMatching(/role changed/) }),
    ]);
    expect((await socket.closed.promise).code).toBe(4401);
  });

  it('runs each operation on a socket as the account is now: a demoted ADMIN cannot deposit', async () => {
    const { id, session } = await staffToDemote('ADMIN');
    const ws = await connectWs(t.wsUrl, session.token!);
    const deposit = `mutation { deposit(consumerId: "${id}", amount: "1.00") { id } }`;
    try {
      expect((await ws.run(deposit)).errors).toBeUndefined();
      await t.db.query(`update consumers set role = 'CONSUMER' where id = $1`, [id]);
      expect((await ws.run(deposit)).errors?.[0].extensions?.code).toBe('FORBIDDEN');
    } finally {
      await ws.close();
    }
  });
});
