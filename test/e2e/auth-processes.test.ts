import { randomBytes, randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LoginDocument, LogoutDocument, MeDocument } from '../generated/graphql.ts';
import { print } from 'graphql';
import { spawnServer, waitUntilServing, type ChildServer } from '../utils/child-server.ts';
import {
  concurrently,
  createTestDatabase,
  demo,
  dropTestDatabase,
  type GraphQLResponse,
} from '../utils/test-app.ts';

/*
 * Two compiled service processes (what `npm start` runs) on one database, no JWT_SECRET and no
 * shared memory: what a deployment behind a load balancer is.
 */
let databaseUrl: string;
let servers: ChildServer[] = [];
const ENV = {
  SEED_DEMO_DATA: 'false',
  LOGIN_MAX_FAILURES: '5',
  LOGIN_WINDOW_SECONDS: '60',
  MUTATION_RATE_LIMIT: '3',
  MUTATION_RATE_WINDOW_SECONDS: '60',
};

async function start(): Promise<ChildServer> {
  const server = await spawnServer({ ...ENV, DATABASE_URL: databaseUrl });
  await waitUntilServing(server);
  return server;
}

async function stop(server: ChildServer): Promise<void> {
  server.process.kill('SIGTERM');
  await server.exited;
}

beforeAll(async () => {
  databaseUrl = await createTestDatabase();
  servers = await Promise.all([start(), start()]);
}, 90_000);
afterAll(async () => {
  await Promise.all(servers.map(stop));
  await dropTestDatabase(databaseUrl);
});

async function gql(
  server: ChildServer,
  query: Parameters<typeof print>[0] | string,
  variables: Record<string, unknown> = {},
  token?: string,
): Promise<GraphQLResponse<any>> {
  const res = await fetch(server.url, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      ...(token ? { authorization: `Bearer ${token}` } : {}),
    },
    body: JSON.stringify({ query: typeof query === 'string' ? query : print(query), variables }),
  });
  return { ...((await res.json()) as object), status: res.status };
}

const login = (server: ChildServer, account: { id: string; password: string }) =>
  gql(server, LoginDocument, { consumerId: account.id, password: account.password });

const codeOf = (res: GraphQLResponse<any>) =>
  res.errors?.[0]?.extensions?.code ?? res.data?.login.errors[0]?.code ?? 'TOKEN';

describe('rate limits over two processes on one database', () => {
  it('answers 5 of 20 simultaneous wrong passwords for one id spread over both; the rest, and then the right one on either, are RATE_LIMITED', async () => {
    const target = demo.otherConsumer;
    const answers = await concurrently(20, (i) =>
      login(servers[i % 2], { id: target.id, password: `parallel-${i}` }),
    );
    const codes = answers.map(codeOf);
    expect(codes.filter((c) => c === 'WRONG_PASSWORD')).toHaveLength(5);
    expect(codes.filter((c) => c === 'RATE_LIMITED')).toHaveLength(15);
    for (const server of servers) {
      const right = await login(server, target);
      expect(codeOf(right)).toBe('RATE_LIMITED');
      expect(right.errors?.[0].extensions?.retryAfterSeconds).toBeGreaterThan(0);
    }
  });

  it('spends one mutation budget for a consumer on both: 3 a minute in all, the 4th refused on either', async () => {
    const token = (await login(servers[0], demo.thirdConsumer)).data.login.token;
    const cancel = `mutation ($id: ID!) { cancelOrder(orderId: $id) { errors { code } } }`;
    for (let i = 0; i < 3; i++) {
      const res = await gql(servers[i % 2], cancel, { id: randomUUID() }, token);
      expect(res.data?.cancelOrder.errors[0].code).toBe('NOT_FOUND');
    }
    for (const server of servers) {
      const res = await gql(server, cancel, { id: randomUUID() }, token);
      expect(res.status).toBe(429);
      expect(res.errors?.[0].extensions).toEqual({ code: 'RATE_LIMITED', retryAfterSeconds: 20 });
    }
  });
});

describe('tokens over several processes and restarts (no JWT_SECRET)', () => {
  it('accepts a token on the other process, and after both restart; a logout on one is refused on the other at once', async () => {
    const { token } = (await login(servers[0], demo.consumer)).data.login;
    expect((await gql(servers[1], MeDocument, {}, token)).data?.me?.id).toBe(demo.consumer.id);
    await Promise.all(servers.map(stop));
    servers = await Promise.all([start(), start()]);
    for (const server of servers) {
      expect((await gql(server, MeDocument, {}, token)).data?.me?.id).toBe(demo.consumer.id);
    }
    const out = await gql(servers[1], LogoutDocument, {}, token);
    expect(out.data.logout.endedSessions).toBe(1);
    const after = await gql(servers[0], MeDocument, {}, token);
    expect(after.status).toBe(401);
    expect(after.errors?.[0].extensions?.code).toBe('UNAUTHENTICATED');
  }, 90_000);
});

describe('production refuses a JWT_SECRET it cannot trust', () => {
  const production = async (secret: string | undefined) => {
    const server = await spawnServer({
      NODE_ENV: 'production',
      DATABASE_URL: databaseUrl,
      SEED_DEMO_DATA: 'false',
      ...(secret === undefined ? {} : { JWT_SECRET: secret }),
    });
    return server;
  };

  it.each([
    ['unset', undefined, /JWT_SECRET must be set/],
    ['a word', 'x', /too weak/],
    ['long but repetitive', 'ab'.repeat(40), /too weak/],
    ['31 random bytes in hex', randomBytes(31).toString('hex'), /too weak/],
  ])('exits 1 at start, saying why, with a secret %s', async (_what, secret, message) => {
    const server = await production(secret);
    expect(await server.exited).toBe(1);
    expect(server.stderr()).toMatch(message);
    expect(server.stderr()).not.toMatch(/\n\s+at /);
  });

  it('starts with 32 random bytes (openssl rand -hex 32, or base64)', async () => {
    for (const secret of [randomBytes(32).toString('hex'), randomBytes(32).toString('base64')]) {
      const server = await production(secret);
      try {
        await waitUntilServing(server);
      } finally {
        await stop(server);
      }
    }
  }, 60_000);
});
