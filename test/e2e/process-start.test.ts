import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LoginDocument, MeDocument } from '../generated/graphql.ts';
import { fingerprintOf, ordersAside, rowCounts } from '../utils/db-fingerprint.ts';
import {
  gqlAt,
  loginAt,
  spawnServer,
  stopAndExpectExit0 as stop,
  waitUntilServing,
  type ChildServer,
} from '../utils/child-server.ts';
import {
  concurrently,
  createEmptyDatabase,
  createTestDatabase,
  demo,
  dropTestDatabase,
} from '../utils/test-app.ts';

const databases: string[] = [];
const servers: ChildServer[] = [];
afterAll(async () => {
  for (const server of servers)
    if (server.process.exitCode === null) server.process.kill('SIGKILL');
  await Promise.all(databases.map(dropTestDatabase));
});

async function emptyDatabase(): Promise<string> {
  const url = await createEmptyDatabase();
  databases.push(url);
  return url;
}

async function serve(env: Record<string, string>): Promise<ChildServer> {
  const server = await spawnServer(env);
  servers.push(server);
  await waitUntilServing(server, 90_000);
  return server;
}

async function rows<T extends pg.QueryResultRow>(url: string, sql: string): Promise<T[]> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query<T>(sql)).rows;
  } finally {
    await client.end();
  }
}

const PRODUCTION = { NODE_ENV: 'production', JWT_SECRET: randomBytes(32).toString('hex') };
const ADMIN_PASSWORD = 'first-admin-password-1';

describe('a first start in production', () => {
  let url: string;
  beforeAll(async () => {
    url = await emptyDatabase();
  });

  it('seeds no demo account and creates the first ADMIN from INITIAL_ADMIN_PASSWORD', async () => {
    const server = await serve({
      ...PRODUCTION,
      DATABASE_URL: url,
      INITIAL_ADMIN_PASSWORD: ADMIN_PASSWORD,
    });
    const refused = await gqlAt(server.url, LoginDocument, {
      consumerId: demo.admin.id,
      password: demo.admin.password,
    });
    expect(refused.data!.login.token).toBeNull();
    const accounts = await rows<{ id: string; name: string; role: string }>(
      url,
      'select id, name, role from consumers',
    );
    expect(accounts).toEqual([{ id: expect.any(String), name: 'Administrator', role: 'ADMIN' }]);
    expect(rowCounts(await fingerprintOf(url)).products).toBe('0');
    const token = await loginAt(server.url, { id: accounts[0].id, password: ADMIN_PASSWORD });
    const me = await gqlAt(server.url, MeDocument, {}, token);
    expect(me.data!.me!.role).toBe('ADMIN');
    await stop(server);
  }, 120_000);

  it('leaves an existing ADMIN as it is on the next start, and seeds the demo data when SEED_DEMO_DATA=true', async () => {
    const server = await serve({
      ...PRODUCTION,
      DATABASE_URL: url,
      INITIAL_ADMIN_PASSWORD: 'another-password-entirely',
      SEED_DEMO_DATA: 'true',
    });
    const [first] = await rows<{ id: string }>(
      url,
      `select id from consumers where name = 'Administrator'`,
    );
    await loginAt(server.url, { id: first.id, password: ADMIN_PASSWORD });
    await expect(
      loginAt(server.url, { id: first.id, password: 'another-password-entirely' }),
    ).rejects.toThrow();
    const admin = await loginAt(server.url, demo.admin);
    expect((await gqlAt(server.url, MeDocument, {}, admin)).data!.me!.role).toBe('ADMIN');
    await stop(server);
  }, 120_000);

  it('refuses in one line an INITIAL_ADMIN_PASSWORD too short to be one', async () => {
    const server = await spawnServer({
      ...PRODUCTION,
      DATABASE_URL: url,
      INITIAL_ADMIN_PASSWORD: 'admin',
    });
    expect(await server.exited).toBe(1);
    expect(server.stderr().trim()).toBe(
      'orderly: INITIAL_ADMIN_PASSWORD must be at least 12 characters long',
    );
  });
});

describe('several processes starting at once on an empty database', () => {
  it('all serve, and the database is migrated and seeded once', async () => {
    const url = await emptyDatabase();
    // What one start seeds: the test template (seeded once), and the demo orders.
    const template = await createTestDatabase();
    databases.push(template);
    const seededOnce = rowCounts(await fingerprintOf(template));

    const started = await concurrently(4, () => spawnServer({ DATABASE_URL: url }));
    servers.push(...started);
    await Promise.all(started.map((server) => waitUntilServing(server, 120_000)));
    expect(started.map((server) => server.stderr())).toEqual(['', '', '', '']);
    const seeded = rowCounts(await fingerprintOf(url));
    expect(ordersAside(seeded)).toEqual(ordersAside(seededOnce));
    // The demo consumer's six demo orders, placed once.
    expect(seeded.orders).toBe('6');
    for (const server of started) {
      const me = await gqlAt(server.url, MeDocument, {}, await loginAt(server.url, demo.consumer));
      expect(me.data!.me!.id).toBe(demo.consumer.id);
    }
    await Promise.all(started.map(stop));
  }, 180_000);
});
