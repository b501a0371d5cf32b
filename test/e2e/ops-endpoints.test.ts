import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LiveSocket } from '../utils/live-client.ts';
import { demo, startTestApp, type TestApp } from '../utils/test-app.ts';

let t: TestApp;
let base: string;
beforeAll(async () => {
  t = await startTestApp();
  base = t.url.replace('/graphql', '');
});
afterAll(() => t?.close());

/** The samples of a Prometheus text exposition: `name{labels}` to value. */
async function scrape(): Promise<{ type: string | null; samples: Map<string, number> }> {
  const res = await fetch(`${base}/metrics`);
  expect(res.status).toBe(200);
  const samples = new Map<string, number>();
  for (const line of (await res.text()).split('\n')) {
    if (!line || line.startsWith('#')) continue;
    const at = line.lastIndexOf(' ');
    samples.set(line.slice(0, at), Number(line.slice(at + 1)));
  }
  return { type: res.headers.get('content-type'), samples };
}

describe('liveness and readiness', () => {
  it('answers /livez without the database and /readyz once the database answers', async () => {
    const live = await fetch(`${base}/livez`);
    expect([live.status, await live.json()]).toEqual([200, { status: 'ok' }]);
    const ready = await fetch(`${base}/readyz`);
    expect([ready.status, await ready.json()]).toEqual([200, { status: 'ready', database: 'up' }]);
  });

  it("answers the Dockerfile's HEALTHCHECK", async () => {
    const dockerfile = readFileSync(resolve(import.meta.dirname, '../../Dockerfile'), 'utf8');
    const path = dockerfile.match(/HEALTHCHECK[^]*?process\.env\.PORT \+ '(\/\w+)'/)![1];
    expect((await fetch(`${base}${path}`)).status).toBe(200);
  });
});

describe('unknown paths', () => {
  it.each(['GET', 'POST', 'DELETE'])('answer %s with a JSON 404', async (method) => {
    const res = await fetch(`${base}/no/such/path?x=1`, { method });
    expect(res.status).toBe(404);
    expect(res.headers.get('content-type')).toMatch(/^application\/json/);
    expect(await res.json()).toEqual({
      errors: [
        {
          message: 'Not found: the API is at /graphql (POST, or GET).',
          extensions: { code: 'NOT_FOUND' },
        },
      ],
    });
  });

  it('answer a malformed path with a JSON 400, not an HTML page', async () => {
    const res = await fetch(`${base}/%E0%A4%A`);
    expect(res.headers.get('content-type')).toMatch(/^application\/json/);
    expect(res.status).toBeLessThan(500);
  });
});

describe('GET /metrics', () => {
  it('counts requests, errors and latency, and shows subscriptions, sockets and the pool', async () => {
    const before = (await scrape()).samples;
    const count = (samples: Map<string, number>, key: string) => samples.get(key) ?? 0;

    await t.gql('{ me { id } }');
    await t.gql('{ me { id } }');
    await t.gql('{ noSuchField }');
    await fetch(`${base}/nowhere`);
    const socket = new LiveSocket(t.wsUrl, await t.login(demo.consumer));
    try {
      const stream = socket.subscribe();
      // Subscribed once the hub counts it.
      await expect.poll(() => t.app.subscriptions.stats().subscriptions).toBe(1);

      const { type, samples } = await scrape();
      expect(type).toBe('text/plain; version=0.0.4; charset=utf-8');
      const posted = 'orderly_http_requests_total{route="/graphql",method="POST",status="200"}';
      // The two reads, the login; the invalid one answers 400.
      expect(count(samples, posted) - count(before, posted)).toBe(3);
      const invalid = 'orderly_http_requests_total{route="/graphql",method="POST",status="400"}';
      expect(count(samples, invalid) - count(before, invalid)).toBe(1);
      const missing = 'orderly_http_requests_total{route="other",method="GET",status="404"}';
      expect(count(samples, missing) - count(before, missing)).toBe(1);
      const queries = 'orderly_graphql_operations_total{type="query"}';
      expect(count(samples, queries) - count(before, queries)).toBe(2);
      const failed = 'orderly_graphql_errors_total{code="GRAPHQL_VALIDATION_FAILED"}';
      expect(count(samples, failed) - count(before, failed)).toBe(1);
      const timed = 'orderly_http_request_duration_seconds_count{route="/graphql"}';
      expect(count(samples, timed) - count(before, timed)).toBe(4);
      expect(samples.get('orderly_subscriptions')).toBe(1);
      expect(samples.get('orderly_websocket_connections')).toBe(1);
      expect(samples.get('orderly_db_pool_max')).toBe(20);
      expect(samples.get('orderly_db_pool_connections{state="total"}')).toBeGreaterThan(0);
      expect(samples.has('orderly_db_pool_connections{state="waiting"}')).toBe(true);
      expect(samples.get('process_cpu_seconds_total')).toBeGreaterThan(0);
      stream.unsubscribe();
    } finally {
      await socket.dispose();
    }
    await expect.poll(async () => (await scrape()).samples.get('orderly_subscriptions')).toBe(0);
  });
});
