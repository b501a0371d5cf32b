import { inject } from 'vitest';
import { randomBytes } from 'node:crypto';
import type { TypedDocumentNode } from '@graphql-typed-document-node/core';
import { print } from 'graphql';
import pg from 'pg';
import { startApp, type RunningApp } from '../../src/app.ts';
import { DEMO_ACCOUNTS } from '../../src/platform/seed.ts';

export const TEMPLATE_DB = 'orderly_test_template';

export interface GraphQLResponse<T> {
  data?: T | null;
  errors?: {
    message: string;
    path?: string[];
    extensions?: { code?: string; [k: string]: unknown };
  }[];
  status: number;
}

export type Account = (typeof DEMO_ACCOUNTS)[number];
export const demo = {
  consumer: DEMO_ACCOUNTS[0],
  otherConsumer: DEMO_ACCOUNTS[1],
  thirdConsumer: DEMO_ACCOUNTS[2],
  operator: DEMO_ACCOUNTS[3],
  admin: DEMO_ACCOUNTS[4],
};

function withDatabase(url: string, database: string): string {
  const parsed = new URL(url);
  parsed.pathname = `/${database}`;
  return parsed.toString();
}

/** A running server on its own fresh database, and a client for it. */
export interface TestApp {
  app: RunningApp;
  url: string;
  wsUrl: string;
  databaseUrl: string;
  /** A plain `pg` pool on the test database, for asserting what the rows say. */
  db: pg.Pool;
  gql<T = any, V = Record<string, unknown>>(
    query: TypedDocumentNode<T, V> | string,
    variables?: V,
    options?: { token?: string; headers?: Record<string, string> },
  ): Promise<GraphQLResponse<T>>;
  /** Logs a demo account in and returns its bearer token. */
  login(account: Pick<Account, 'id' | 'password'>): Promise<string>;
  close(): Promise<void>;
}

/** Clones the template into a new database and starts the service on it, on a free port. */
export async function createTestDatabase(): Promise<string> {
  const adminUrl = inject('adminDatabaseUrl');
  const name = `orderly_test_${randomBytes(6).toString('hex')}`;
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  try {
    await admin.query(`create database ${name} template ${TEMPLATE_DB}`);
  } finally {
    await admin.end();
  }
  return withDatabase(adminUrl, name);
}

export async function dropTestDatabase(databaseUrl: string): Promise<void> {
  const name = new URL(databaseUrl).pathname.slice(1);
  const admin = new pg.Client({ connectionString: inject('adminDatabaseUrl') });
  await admin.connect();
  try {
    await admin.query(`drop database if exists ${name} with (force)`);
  } finally {
    await admin.end();
  }
}

export async function startTestApp(
  options: {
    config?: Parameters<typeof startApp>[0] extends infer O
      ? O extends { config?: infer C }
        ? C
        : never
      : never;
    onQuery?: (sql: string) => void;
  } = {},
): Promise<TestApp> {
  const databaseUrl = await createTestDatabase();
  const app = await startApp({
    config: {
      databaseUrl,
      port: 0,
      host: '127.0.0.1',
      logLevel: 'silent',
      // A test file runs its mutations as a handful of demo accounts, back to back: the
      // per-consumer budget would throttle the harness, not a client. test/e2e/edge-rate-limit
      // turns it on (with the defaults) to test it.
      mutationRateLimit: 0,
      ...options.config,
    },
    // The template already holds the demo data.
    seed: false,
    onQuery: options.onQuery,
  });
  const db = new pg.Pool({ connectionString: databaseUrl, max: 4 });
  // db.end() resolves before its sockets close; the forced drop of the database right after
  // tells the idle ones "terminating connection", which must not crash the test run.
  db.on('error', () => undefined);
  const url = app.url;
  const gql: TestApp['gql'] = async (query, variables, opts = {}) => {
    const res = await fetch(url, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        ...(opts.token ? { authorization: `Bearer ${opts.token}` } : {}),
        ...opts.headers,
      },
      body: JSON.stringify({ query: typeof query === 'string' ? query : print(query), variables }),
    });
    const body = (await res.json()) as GraphQLResponse<any>;
    return { ...body, status: res.status };
  };
  return {
    app,
    url,
    wsUrl: url.replace('http://', 'ws://'),
    databaseUrl,
    db,
    gql,
    async login(account) {
      const res = await gql<{ login: { token: string | null; errors: { code: string }[] } }>(
        `mutation ($id: ID!, $pw: String!) { login(consumerId: $id, password: $pw) { token errors { code } } }`,
        { id: account.id, pw: account.password },
      );
      const token = res.data?.login.token;
      if (!token) throw new Error(`login of ${account.id} failed: ${JSON.stringify(res)}`);
      return token;
    },
    async close() {
      await db.end();
      await app.close();
      await dropTestDatabase(databaseUrl);
    },
  };
}

/** Values `n` promises resolve to, started together: for concurrency tests. */
export function concurrently<T>(n: number, make: (i: number) => Promise<T>): Promise<T[]> {
  return Promise.all(Array.from({ length: n }, (_, i) => make(i)));
}
