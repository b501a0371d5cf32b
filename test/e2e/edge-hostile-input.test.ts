import { createHash } from 'node:crypto';
import { connect } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { spawnServer, waitUntilServing } from '../utils/child-server.ts';
import {
  createTestDatabase,
  demo,
  dropTestDatabase,
  startTestApp,
  type TestApp,
} from '../utils/test-app.ts';
import { connectWs } from '../utils/ws-run.ts';

// Issue 20: one anonymous request must never hold the process. Each pass over what a caller
// sends (body, document, variables) is linear and bounded, and stops at its limit.

let t: TestApp;
const sql: string[] = [];
let token: string;

beforeAll(async () => {
  t = await startTestApp({ onQuery: (s) => sql.push(s) });
  token = await t.login(demo.consumer);
});
afterAll(() => t?.close());

/** POSTs a raw body; answers with the status, the body and how long it took. */
async function post(body: string, headers: Record<string, string> = {}) {
  const started = performance.now();
  const res = await fetch(t.url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body,
  });
  const json = (await res.json()) as { data?: unknown; errors?: any[] };
  return { status: res.status, ...json, ms: performance.now() - started };
}

/** `{ __typename }` answered again and again until `until` settles: how long each took. */
async function pingWhile(until: Promise<unknown>): Promise<number[]> {
  const times: number[] = [];
  let done = false;
  void until.finally(() => (done = true));
  while (!done) {
    const started = performance.now();
    const res = await t.gql(`{ __typename }`);
    expect(res.data).toEqual({ __typename: 'Query' });
    times.push(performance.now() - started);
  }
  return times;
}

describe('variables: one linear pass, bounded in depth and size', () => {
  it("answers issue 20's 100000-deep variables at once with QUERY_TOO_COMPLEX, and serves others meanwhile", async () => {
    // The repro: before, this one request held the event loop for 80 s.
    const depth = 100_000;
    const body = `{"query":"{__typename}","variables":{"v":${'['.repeat(depth)}${']'.repeat(depth)}}}`;
    const hostile = post(body);
    const pings = await pingWhile(hostile);
    const res = await hostile;
    expect(res.status).toBe(400);
    expect(res.errors).toEqual([
      {
        message: 'A variable nests lists and objects more than 10 deep.',
        extensions: {
          code: 'QUERY_TOO_COMPLEX',
          limit: 'variableDepth',
          maximum: 10,
          field: ['v', ...Array(10).fill('0')],
        },
      },
    ]);
    // Generous bounds for a loaded two-core machine; the quadratic scan took minutes.
    expect(res.ms).toBeLessThan(2000);
    expect(Math.max(...pings)).toBeLessThan(2000);
  });

  it('accepts a value nested exactly as deep as the limit allows (and refuses one level more)', async () => {
    const nested = (levels: number): unknown => (levels === 0 ? 'x' : [nested(levels - 1)]);
    const ok = await post(
      JSON.stringify({ query: '{ __typename }', variables: { v: nested(10) } }),
    );
    expect(ok.errors).toBeUndefined();
    const over = await post(
      JSON.stringify({ query: '{ __typename }', variables: { v: { a: nested(10) } } }),
    );
    expect(over.errors?.[0].extensions).toMatchObject({
      limit: 'variableDepth',
      field: ['v', 'a', ...Array(9).fill('0')],
    });
  });

  it('refuses more than 50000 variable values before coercing any of them, and runs no SQL', async () => {
    const lot = {
      chipName: 'CK101',
      quantity: 1,
      plantNames: [],
      startTimes: Array(60_000).fill(0),
    };
    sql.length = 0;
    const res = await post(
      JSON.stringify({
        query: `mutation ($input: ChipPlanInput!) { analyzeChipOrder(input: $input) { feasible } }`,
        variables: { input: { budget: '1.00', expectedTime: 1, lots: [lot] } },
      }),
      { authorization: `Bearer ${token}` },
    );
    expect(res.status).toBe(400);
    expect(res.errors?.[0]).toEqual({
      message: 'The variables hold more than 50000 values (lists, objects and scalars).',
      extensions: { code: 'QUERY_TOO_COMPLEX', limit: 'variableValues', maximum: 50000 },
    });
    expect(sql).toEqual([]);
  });

  it('refuses the same over graphql-ws', async () => {
    const ws = await connectWs(t.wsUrl, token);
    try {
      const nested = (levels: number): unknown => (levels === 0 ? 1 : [nested(levels - 1)]);
      const res = await ws.run('{ __typename }', { v: nested(50) });
      expect(res.errors?.[0].extensions).toMatchObject({
        code: 'QUERY_TOO_COMPLEX',
        limit: 'variableDepth',
      });
    } finally {
      await ws.close();
    }
  });
});

describe('documents: measured before validation compares their fields', () => {
  // Validation compares every pair of same-named fields at one place, recursively: these
  // documents of under 2000 tokens took graphql-js 0.05 to 0.15 s each to validate.
  const tree = (levels: number): string =>
    levels === 0 ? 'id' : `consumer { ${tree(levels - 1)} } consumer { ${tree(levels - 1)} }`;

  it.each([
    ['490 copies of one field', `{${' plants { name }'.repeat(490)} }`, 239_610],
    ['two copies of a field nested 8 deep', `{ orders { edges { node { ${tree(8)} } } } }`, 76_075],
    [
      '150 fragments of one field',
      Array.from({ length: 150 }, (_, i) => `fragment F${i} on Query { plants { name } }`).join(
        ' ',
      ) + `{${Array.from({ length: 150 }, (_, i) => ` ...F${i}`).join('')} }`,
      22_350,
    ],
  ])(
    'refuses %s with QUERY_TOO_COMPLEX (overlaps), over HTTP and graphql-ws',
    async (_what, query, pairs) => {
      sql.length = 0;
      const res = await post(JSON.stringify({ query }), { authorization: `Bearer ${token}` });
      expect(res.status).toBe(400);
      expect(res.errors).toEqual([
        {
          message: `The query repeats fields too often (${pairs}); the limit is 1000.`,
          extensions: {
            code: 'QUERY_TOO_COMPLEX',
            limit: 'overlaps',
            measured: pairs,
            maximum: 1000,
          },
        },
      ]);
      expect(sql).toEqual([]);
      const ws = await connectWs(t.wsUrl, token);
      try {
        expect((await ws.run(query)).errors?.[0].extensions).toMatchObject({ limit: 'overlaps' });
      } finally {
        await ws.close();
      }
    },
  );

  it('refuses fragments that spread each other into more than 2000 fields (fields)', async () => {
    // Each fragment spreads the one before twice: 2^30 fields from a few hundred tokens.
    const chain = Array.from(
      { length: 30 },
      (_, i) => `fragment F${i + 1} on Query { ...F${i} ... on Query { ...F${i} } }`,
    ).join(' ');
    const query = `${chain} fragment F0 on Query { __typename } { ...F30 }`;
    const res = await post(JSON.stringify({ query }));
    expect(res.status).toBe(400);
    expect(res.errors?.[0].extensions).toMatchObject({
      code: 'QUERY_TOO_COMPLEX',
      limit: 'fields',
      maximum: 2000,
    });
    expect(res.errors?.[0].extensions?.measured).toBeGreaterThan(1e9);
  });

  it('refuses a document over 100000 characters before lexing it, over HTTP and graphql-ws', async () => {
    // Under the token limit all the same: a name of 900000 characters is one token.
    const query = `{ ${'a'.repeat(900_000)} }`;
    const refused = {
      message: 'The query is longer than 100000 characters.',
      extensions: { code: 'QUERY_TOO_COMPLEX', limit: 'length', maximum: 100_000 },
    };
    const res = await post(JSON.stringify({ query }));
    expect(res.status).toBe(400);
    expect(res.errors).toEqual([refused]);
    const ws = await connectWs(t.wsUrl, token);
    try {
      expect((await ws.run(query)).errors).toEqual([refused]);
    } finally {
      await ws.close();
    }
  });

  it('still lets a client repeat fields through its fragments, as real clients do', async () => {
    const res = await t.gql(
      `query { me { id ...A ...B } } fragment A on Consumer { id name } fragment B on Consumer { id name }`,
      {},
      { token },
    );
    expect(res.errors).toBeUndefined();
    expect(res.data).toEqual({ me: { id: demo.consumer.id, name: expect.any(String) } });
  });
});

describe('graphql-ws frames: limited like the HTTP body, before authentication too', () => {
  /** Upgrades a raw TCP connection, then sends only the header of a frame of `length` bytes. */
  function frameHeaderOnly(length: number): Promise<{ closeCode: number; ms: number }> {
    const { port } = new URL(t.url);
    return new Promise((resolve, reject) => {
      const socket = connect(Number(port), '127.0.0.1');
      let received = Buffer.alloc(0);
      let upgraded = false;
      let started = 0;
      socket.on('error', reject);
      socket.on('connect', () =>
        socket.write(
          [
            'GET /graphql HTTP/1.1',
            `Host: 127.0.0.1:${port}`,
            'Upgrade: websocket',
            'Connection: Upgrade',
            'Sec-WebSocket-Version: 13',
            `Sec-WebSocket-Key: ${Buffer.from('0123456789abcdef').toString('base64')}`,
            'Sec-WebSocket-Protocol: graphql-transport-ws',
            '',
            '',
          ].join('\r\n'),
        ),
      );
      socket.on('data', (chunk) => {
        received = Buffer.concat([received, chunk]);
        if (!upgraded) {
          const end = received.indexOf('\r\n\r\n');
          if (end < 0) return;
          expect(received.subarray(0, 12).toString()).toBe('HTTP/1.1 101');
          received = received.subarray(end + 4);
          upgraded = true;
          // FIN + text frame, masked, 64-bit length, a mask key, and not one byte of payload.
          const header = Buffer.alloc(14);
          header[0] = 0x81;
          header[1] = 0x80 | 127;
          header.writeBigUInt64BE(BigInt(length), 2);
          started = performance.now();
          socket.write(header);
        }
        // The server's close frame: 0x88, a length, then the code.
        if (received.length >= 4 && received[0] === 0x88) {
          resolve({ closeCode: received.readUInt16BE(2), ms: performance.now() - started });
          socket.destroy();
        }
      });
    });
  }

  it('closes with 1009 on the header of a 90 MiB connection_init, reading none of it', async () => {
    const rssBefore = process.memoryUsage().rss;
    const closed = await frameHeaderOnly(90 * 1024 * 1024);
    expect(closed.closeCode).toBe(1009);
    // It did not wait for (or buffer) the 90 MiB that never came.
    expect(closed.ms).toBeLessThan(2000);
    expect(process.memoryUsage().rss - rssBefore).toBeLessThan(50 * 1024 * 1024);
  });

  it('takes a message of up to MAX_BODY_BYTES, and closes with 1009 one byte over', async () => {
    const limit = t.app.config.maxBodyBytes;
    const send = (bytes: number) =>
      new Promise<{ code: number; acked: boolean }>((resolve) => {
        const ws = new WebSocket(t.wsUrl, 'graphql-transport-ws');
        let acked = false;
        ws.on('open', () => {
          const bare = JSON.stringify({
            type: 'connection_init',
            payload: { authorization: `Bearer ${token}`, pad: '' },
          });
          const frame = bare.replace('"pad":""', `"pad":"${'x'.repeat(bytes - bare.length)}"`);
          expect(Buffer.byteLength(frame)).toBe(bytes);
          ws.send(frame);
        });
        ws.on('message', (data) => {
          acked ||= JSON.parse(String(data)).type === 'connection_ack';
          if (acked) ws.close(1000);
        });
        ws.on('close', (code) => resolve({ code, acked }));
      });
    expect(await send(limit)).toEqual({ code: 1000, acked: true });
    expect(await send(limit + 1)).toEqual({ code: 1009, acked: false });
  });
});

describe('automatic persisted queries', () => {
  const query = '{ __typename }';
  const sha = createHash('sha256').update(query).digest('hex');

  it.each([
    [
      'a hash that is not the query’s',
      { query, extensions: { persistedQuery: { version: 1, sha256Hash: 'a'.repeat(64) } } },
      'extensions.persistedQuery.sha256Hash is not the SHA-256 of the query.',
    ],
    [
      'a hash that is no SHA-256',
      { query, extensions: { persistedQuery: { version: 1, sha256Hash: 'abc' } } },
      'extensions.persistedQuery.sha256Hash must be 64 lowercase hex digits.',
    ],
    [
      'version 2',
      { query, extensions: { persistedQuery: { version: 2, sha256Hash: sha } } },
      'extensions.persistedQuery.version must be 1, the only version served.',
    ],
    [
      'a string',
      { query, extensions: { persistedQuery: 'x' } },
      'extensions.persistedQuery must be an object: { "version": 1, "sha256Hash": "<64 hex digits>" }.',
    ],
  ])('answers %s with HTTP 400 BAD_REQUEST saying what is wrong', async (_what, body, message) => {
    const res = await post(JSON.stringify(body));
    expect(res.status).toBe(400);
    expect(res.errors).toEqual([{ message, extensions: { code: 'BAD_REQUEST' } }]);
  });

  it('still serves a query registered by its hash, then by the hash alone', async () => {
    const extensions = { persistedQuery: { version: 1, sha256Hash: sha } };
    expect((await post(JSON.stringify({ query, extensions }))).data).toEqual({
      __typename: 'Query',
    });
    expect((await post(JSON.stringify({ extensions }))).data).toEqual({ __typename: 'Query' });
  });

  it('writes no error line and no stack trace for malformed ones', async () => {
    const databaseUrl = await createTestDatabase();
    const server = await spawnServer({ DATABASE_URL: databaseUrl, LOG_LEVEL: 'info' });
    try {
      await waitUntilServing(server);
      for (const persistedQuery of ['x', { version: 2, sha256Hash: sha }]) {
        const res = await fetch(server.url, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ query, extensions: { persistedQuery } }),
        });
        expect(res.status).toBe(400);
      }
      server.process.kill('SIGTERM');
      await server.exited;
      const lines = server
        .stdout()
        .split('\n')
        .filter((line) => line.startsWith('{'))
        .map((line) => JSON.parse(line) as { level: number; msg: string });
      expect(lines.filter((l) => l.level > 40)).toEqual([]);
      expect(server.stdout() + server.stderr()).not.toMatch(/\n\s+at /);
    } finally {
      server.process.kill('SIGKILL');
      await dropTestDatabase(databaseUrl);
    }
  });
});
