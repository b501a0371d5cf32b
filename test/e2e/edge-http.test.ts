import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { serverAudits } from 'graphql-http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/platform/config.ts';
import { demo, startTestApp, type TestApp } from '../utils/test-app.ts';
import { connectWs } from '../utils/ws-run.ts';
import { ledgerCount } from '../utils/ledger.ts';

let t: TestApp; // development defaults, no cross-origin callers
let shop: TestApp; // CORS_ORIGINS=https://shop.example
let prod: TestApp; // NODE_ENV=production
let prodGraphiql: TestApp; // NODE_ENV=production ENABLE_GRAPHIQL=true
beforeAll(async () => {
  [t, shop, prod, prodGraphiql] = await Promise.all([
    startTestApp(),
    startTestApp({ config: { corsOrigins: ['https://shop.example'] } }),
    startTestApp({ config: { production: true, enableGraphiql: false } }),
    startTestApp({ config: { production: true, enableGraphiql: true } }),
  ]);
});
afterAll(async () => {
  await Promise.all([t?.close(), shop?.close(), prod?.close(), prodGraphiql?.close()]);
});

const DEPOSIT = JSON.stringify({
  query: `mutation { deposit(consumerId: "${demo.otherConsumer.id}", amount: "1.00") { id } }`,
});

describe('CSRF prevention', () => {
  it('refuses a POST with a content type an HTML form can send, and runs nothing', async () => {
    const admin = await t.login(demo.admin);
    const before = await ledgerCount(t);
    for (const type of ['text/plain', 'application/x-www-form-urlencoded']) {
      const res = await fetch(t.url, {
        method: 'POST',
        headers: { 'content-type': type, authorization: `Bearer ${admin}` },
        body: DEPOSIT,
      });
      expect(res.status).toBe(400);
      expect(await res.text()).toMatch(/Cross-Site Request Forgery/);
    }
    expect(await ledgerCount(t)).toBe(before);
  });

  it('refuses a GET without a preflight header, and a GET mutation with one', async () => {
    const query = encodeURIComponent('{ me { id } }');
    const bare = await fetch(`${t.url}?query=${query}`);
    expect(bare.status).toBe(400);
    expect(await bare.text()).toMatch(/Cross-Site Request Forgery/);

    const preflighted = await fetch(`${t.url}?query=${query}`, {
      headers: { 'apollo-require-preflight': 'true' },
    });
    expect(preflighted.status).toBe(200);
    expect(await preflighted.json()).toEqual({ data: { me: null } });

    const mutation = encodeURIComponent(
      `mutation { login(consumerId: "1", password: "x") { token } }`,
    );
    const get = await fetch(`${t.url}?query=${mutation}`, {
      headers: { 'apollo-require-preflight': 'true' },
    });
    expect(get.status).toBe(405);
  });
});

describe('CORS', () => {
  const preflight = (app: TestApp, origin: string) =>
    fetch(app.url, {
      method: 'OPTIONS',
      headers: {
        origin,
        'access-control-request-method': 'POST',
        'access-control-request-headers': 'authorization, content-type',
      },
    });

  it('allows no other origin by default', async () => {
    const res = await preflight(t, 'https://evil.example');
    expect(res.status).toBe(204);
    expect(res.headers.get('access-control-allow-origin')).toBeNull();
    const post = await fetch(t.url, {
      method: 'POST',
      headers: { origin: 'https://evil.example', 'content-type': 'application/json' },
      body: JSON.stringify({ query: '{ me { id } }' }),
    });
    expect(post.headers.get('access-control-allow-origin')).toBeNull();
  });

  it('lets an origin listed in CORS_ORIGINS send a bearer token and read the answer', async () => {
    const res = await preflight(shop, 'https://shop.example');
    expect(res.status).toBe(204);
    expect(res.headers.get('access-control-allow-origin')).toBe('https://shop.example');
    expect(res.headers.get('access-control-allow-headers')).toMatch(/authorization/);
    expect(res.headers.get('access-control-allow-methods')).toMatch(/POST/);
    expect(res.headers.get('access-control-allow-credentials')).toBeNull();

    const post = await fetch(shop.url, {
      method: 'POST',
      headers: { origin: 'https://shop.example', 'content-type': 'application/json' },
      body: JSON.stringify({ query: '{ me { id } }' }),
    });
    expect(post.headers.get('access-control-allow-origin')).toBe('https://shop.example');
    expect(post.headers.get('access-control-expose-headers')).toMatch(/x-request-id/);
    expect(post.headers.get('vary')).toMatch(/Origin/);

    const other = await preflight(shop, 'https://evil.example');
    expect(other.headers.get('access-control-allow-origin')).toBeNull();
  });

  it('reads CORS_ORIGINS as a comma-separated list', () => {
    expect(
      loadConfig({ CORS_ORIGINS: 'https://a.example, https://b.example' }).corsOrigins,
    ).toEqual(['https://a.example', 'https://b.example']);
    expect(loadConfig({}).corsOrigins).toEqual([]);
  });
});

describe('NODE_ENV=production', () => {
  it('refuses introspection, over HTTP and graphql-ws; __typename still works', async () => {
    for (const query of [`{ __schema { types { name } } }`, `{ __type(name: "Query") { name } }`]) {
      const res = await prod.gql(query);
      expect(res.status).toBe(400);
      expect(res.data).toBeUndefined();
      expect(res.errors?.[0].extensions?.code).toBe('GRAPHQL_VALIDATION_FAILED');
    }
    expect((await prod.gql(`{ __typename }`)).data).toEqual({ __typename: 'Query' });

    const ws = await connectWs(prod.wsUrl, await prod.login(demo.consumer));
    try {
      const res = await ws.run(`{ __schema { queryType { name } } }`);
      expect(res.errors?.[0].message).toMatch(/introspection/i);
    } finally {
      await ws.close();
    }
  });

  it('gives no "Did you mean" hints for fields, arguments or enum values', async () => {
    const token = await prod.login(demo.consumer);
    const field = await prod.gql(`{ mee { id } }`);
    expect(field.errors?.[0].message).toBe('Cannot query field "mee" on type "Query".');
    const arg = await prod.gql(`{ orders(frist: 5) { totalCount } }`, {}, { token });
    expect(arg.errors?.[0].message).toBe('Unknown argument "frist" on field "Query.orders".');
    const value = await prod.gql(
      `query ($kind: OrderKind) { orders(kind: $kind) { totalCount } }`,
      { kind: 'CHP' },
      { token },
    );
    expect(value.errors?.[0].message).toMatch(/^Variable "\$kind" got invalid value "CHP"/);
    expect(value.errors?.[0].message).not.toMatch(/Did you mean/);

    const ws = await connectWs(prod.wsUrl, token);
    try {
      const res = await ws.run(`{ mee { id } }`);
      expect(res.errors?.[0].message).toBe('Cannot query field "mee" on type "Query".');
    } finally {
      await ws.close();
    }

    // Outside production the hints stay: they help whoever writes a query.
    expect((await t.gql(`{ mee { id } }`)).errors?.[0].message).toMatch(/Did you mean "me"\?/);
  });

  it('serves no GraphiQL unless ENABLE_GRAPHIQL=true', async () => {
    const html = { headers: { accept: 'text/html' } };
    expect(await (await fetch(prod.url, html)).text()).not.toContain('Orderly GraphiQL');
    expect(await (await fetch(prodGraphiql.url, html)).text()).toContain('Orderly GraphiQL');
    const env = { NODE_ENV: 'production', JWT_SECRET: randomBytes(32).toString('hex') };
    expect(loadConfig(env).enableGraphiql).toBe(false);
    expect(loadConfig({ ...env, ENABLE_GRAPHIQL: 'true' }).enableGraphiql).toBe(true);
    expect(loadConfig(env).production).toBe(true);
  });
});

describe('response bodies', () => {
  it('are compact JSON: no indentation, the same data', async () => {
    const token = await t.login(demo.consumer);
    const res = await fetch(t.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
      body: JSON.stringify({ query: '{ plants { id name capabilities { chipName step } } }' }),
    });
    const body = await res.text();
    const parsed = JSON.parse(body);
    expect(parsed.data.plants.length).toBeGreaterThan(1);
    expect(body).toBe(JSON.stringify(parsed));
  });
});

describe('GraphQL over HTTP conformance (graphql-http serverAudits)', () => {
  it('passes every MUST audit; each SHOULD or MAY it does not is listed in docs/security.md', async () => {
    const failed: string[] = [];
    for (const audit of serverAudits({ url: t.url })) {
      const result = await audit.fn();
      if (result.status === 'ok') continue;
      expect(audit.name.startsWith('MUST'), `${audit.id} ${audit.name}: ${result.reason}`).toBe(
        false,
      );
      failed.push(audit.id);
    }
    const documented = readFileSync('docs/security.md', 'utf8')
      .split('\n')
      .filter((line) => /^\| `[0-9A-F]{4}` \|/.test(line))
      .map((line) => line.slice(3, 7));
    expect(failed.sort()).toEqual(documented.sort());
  });
});
