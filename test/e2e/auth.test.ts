import { scryptSync } from 'node:crypto';
import jwt from 'jsonwebtoken';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  DepositDocument,
  LoginDocument,
  MeDocument,
  type LoginMutation,
} from '../generated/graphql.ts';
import { accounts } from '../../src/platform/accounts/accounts.service.ts';
import {
  concurrently,
  demo,
  startTestApp,
  type GraphQLResponse,
  type TestApp,
} from '../utils/test-app.ts';

let t: TestApp;
beforeAll(async () => {
  t = await startTestApp({ config: { loginMaxFailures: 3, loginWindowSeconds: 60 } });
});
afterAll(() => t?.close());

describe('login', () => {
  it('gives the seed consumer a bearer token that `me` accepts', async () => {
    const res = await t.gql(LoginDocument, { consumerId: '89638599', password: '400820' });
    expect(res.data?.login.errors).toEqual([]);
    expect(res.data?.login.consumer).toMatchObject({ id: '89638599', role: 'CONSUMER' });
    const me = await t.gql(MeDocument, {}, { token: res.data!.login.token! });
    expect(me.data?.me).toMatchObject({ id: '89638599', balance: '200000.00' });
  });

  it('answers CONSUMER_NOT_FOUND for an id nobody has, with no token', async () => {
    const res = await t.gql(LoginDocument, { consumerId: '12345678', password: 'x' });
    expect(res.data?.login.token).toBeNull();
    expect(res.data?.login.errors).toEqual([
      { code: 'CONSUMER_NOT_FOUND', message: expect.any(String), field: ['consumerId'] },
    ]);
  });

  it('answers WRONG_PASSWORD for a wrong password, with no token', async () => {
    const res = await t.gql(LoginDocument, { consumerId: demo.otherConsumer.id, password: 'nope' });
    expect(res.data?.login.token).toBeNull();
    expect(res.data?.login.errors.map((e) => e.code)).toEqual(['WRONG_PASSWORD']);
  });

  it('stores passwords only as salted scrypt hashes', async () => {
    const { rows } = await t.db.query(
      `select id, password_hash from consumers where id in ($1, $2)`,
      [demo.consumer.id, demo.otherConsumer.id],
    );
    for (const row of rows) {
      expect(row.password_hash).toMatch(
        /^scrypt\$\d+\$\d+\$\d+\$[A-Za-z0-9+/=]+\$[A-Za-z0-9+/=]+$/,
      );
      expect(row.password_hash).not.toContain('400820');
    }
    expect(rows[0].password_hash.split('$')[4]).not.toEqual(rows[1].password_hash.split('$')[4]);
  });

  it('hashes with a slow scrypt and a salt of its own: one password, two consumers, two hashes', async () => {
    const em = t.app.orm.em.fork();
    const twins = [
      await accounts.register(
        { em },
        { id: '40000001', name: 'twin one', password: 'same-password' },
      ),
      await accounts.register(
        { em },
        { id: '40000002', name: 'twin two', password: 'same-password' },
      ),
    ];
    const { rows } = await t.db.query(
      `select password_hash from consumers where id in ($1, $2) order by id`,
      twins.map((c) => c.id),
    );
    const [one, two] = rows.map((r) => r.password_hash as string);
    expect(one).not.toEqual(two);
    for (const stored of [one, two]) {
      const [scheme, n, r, p, salt, key] = stored.split('$');
      expect(scheme).toBe('scrypt');
      // N = 2^15, r = 8: 128 × N × r = 32 MiB of memory per guess, what the code uses.
      expect(Number(n)).toBeGreaterThanOrEqual(32768);
      expect(Number(r)).toBeGreaterThanOrEqual(8);
      expect(Number(p)).toBeGreaterThanOrEqual(1);
      expect(Buffer.from(salt, 'base64').length).toBeGreaterThanOrEqual(16);
      // The stored key really is scrypt of the password under these parameters, not a label.
      const derived = scryptSync('same-password', Buffer.from(salt, 'base64'), 32, {
        N: Number(n),
        r: Number(r),
        p: Number(p),
        maxmem: 64 * 1024 * 1024,
      });
      expect(derived.toString('base64')).toBe(key);
    }
    for (const twin of twins) {
      const res = await t.gql(LoginDocument, { consumerId: twin.id, password: 'same-password' });
      expect(res.data?.login.token).toBeTruthy();
    }
  });

  it('rate limits failed logins per consumer id, even when the right password follows', async () => {
    const target = demo.thirdConsumer;
    for (let i = 0; i < 3; i++) {
      const res = await t.gql(LoginDocument, { consumerId: target.id, password: `guess-${i}` });
      expect(res.data?.login.errors[0].code).toBe('WRONG_PASSWORD');
    }
    const blocked = await t.gql(LoginDocument, {
      consumerId: target.id,
      password: target.password,
    });
    expect(blocked.errors?.[0].extensions?.code).toBe('RATE_LIMITED');
    expect(blocked.errors?.[0].extensions?.retryAfterSeconds).toBeGreaterThan(0);
    // Another consumer from the same address is not blocked yet.
    const other = await t.gql(LoginDocument, {
      consumerId: demo.operator.id,
      password: demo.operator.password,
    });
    expect(other.data?.login.token).toBeTruthy();
  });

  it('rate limits failed logins per client address across many ids', async () => {
    const app = await startTestApp({ config: { loginMaxFailures: 2, loginWindowSeconds: 60 } });
    try {
      // The address budget is four times the per-id one: 8 failures on 8 different ids.
      for (let i = 0; i < 8; i++) {
        const res = await app.gql(LoginDocument, {
          consumerId: String(20000000 + i),
          password: 'x',
        });
        expect(res.data?.login.errors[0].code).toBe('CONSUMER_NOT_FOUND');
      }
      const res = await app.gql(LoginDocument, {
        consumerId: demo.admin.id,
        password: demo.admin.password,
      });
      expect(res.errors?.[0].extensions?.code).toBe('RATE_LIMITED');
    } finally {
      await app.close();
    }
  });
});

const codeOf = (res: GraphQLResponse<LoginMutation>) =>
  res.errors?.[0]?.extensions?.code ?? res.data?.login.errors[0]?.code ?? 'TOKEN';

describe('login rate limit under parallel guesses', () => {
  // Each test gets its own app, so the counters start at zero and the limits are exact.
  const withApp = async (run: (app: TestApp) => Promise<void>) => {
    const app = await startTestApp({ config: { loginMaxFailures: 3, loginWindowSeconds: 60 } });
    try {
      await run(app);
    } finally {
      await app.close();
    }
  };

  it('answers at most the limit of 20 simultaneous wrong passwords for one id; the rest, and then the right password, are RATE_LIMITED', async () => {
    await withApp(async (app) => {
      const target = demo.otherConsumer;
      const answers = await concurrently(20, (i) =>
        app.gql(LoginDocument, { consumerId: target.id, password: `parallel-${i}` }),
      );
      const codes = answers.map(codeOf);
      expect(codes.filter((c) => c === 'WRONG_PASSWORD')).toHaveLength(3);
      expect(codes.filter((c) => c === 'RATE_LIMITED')).toHaveLength(17);
      const right = await app.gql(LoginDocument, {
        consumerId: target.id,
        password: target.password,
      });
      expect(right.errors?.[0].extensions?.code).toBe('RATE_LIMITED');
      expect(right.data?.login?.token ?? null).toBeNull();
    });
  });

  it('answers only the address budget (12 with 3 failures per id) of 20 simultaneous guesses on 20 ids', async () => {
    await withApp(async (app) => {
      // Twenty real consumers (sharing a copied hash), so every guess spends scrypt's time
      // in flight: a check that does not see in-flight attempts lets them all through.
      await app.db.query(
        `insert into consumers (id, name, password_hash)
         select 30000000 + i, 'guess target ' || i, password_hash
         from consumers, generate_series(0, 19) as i where consumers.id = $1`,
        [demo.admin.id],
      );
      // Four times the per-id limit of 3: 12 answers, then the address is blocked.
      const answers = await concurrently(20, (i) =>
        app.gql(LoginDocument, { consumerId: String(30000000 + i), password: 'x' }),
      );
      const codes = answers.map(codeOf);
      expect(codes.filter((c) => c === 'WRONG_PASSWORD')).toHaveLength(12);
      expect(codes.filter((c) => c === 'RATE_LIMITED')).toHaveLength(8);
      const admin = await app.gql(LoginDocument, {
        consumerId: demo.admin.id,
        password: demo.admin.password,
      });
      expect(admin.errors?.[0].extensions?.code).toBe('RATE_LIMITED');
    });
  });

  it('does not count a successful login against the address', async () => {
    await withApp(async (app) => {
      // 13 right passwords at once: over the address budget of 12 if successes counted.
      const answers = await concurrently(13, () =>
        app.gql(LoginDocument, { consumerId: demo.admin.id, password: demo.admin.password }),
      );
      expect(answers.map(codeOf)).toEqual(Array(13).fill('TOKEN'));
      const wrong = await app.gql(LoginDocument, { consumerId: demo.admin.id, password: 'no' });
      expect(codeOf(wrong)).toBe('WRONG_PASSWORD');
    });
  });
});

describe('tokens', () => {
  it('stops accepting a token once its lifetime has passed', async () => {
    // JWT times are whole seconds, so a 1 s token may live only milliseconds; 3 s leaves at
    // least 2 s to show the token works before showing that it stops.
    const app = await startTestApp({ config: { tokenTtlSeconds: 3 } });
    try {
      const token = await app.login(demo.consumer);
      const claims = jwt.decode(token) as jwt.JwtPayload;
      expect(claims.exp! - claims.iat!).toBe(3);
      const fresh = await app.gql(MeDocument, {}, { token });
      expect(fresh.data?.me?.id).toBe(demo.consumer.id);
      await new Promise((resolve) => setTimeout(resolve, (claims.exp! + 0.5) * 1000 - Date.now()));
      const late = await app.gql(MeDocument, {}, { token });
      expect(late.status).toBe(401);
      expect(late.errors?.[0]).toMatchObject({ extensions: { code: 'UNAUTHENTICATED' } });
      expect(late.errors?.[0].message).toMatch(/expired/);
    } finally {
      await app.close();
    }
  });

  it('refuses an expired token with UNAUTHENTICATED', async () => {
    const expired = jwt.sign({ role: 'CONSUMER' }, t.app.config.jwtSecret, {
      subject: demo.consumer.id,
      issuer: 'orderly',
      expiresIn: -10,
    });
    const res = await t.gql(MeDocument, {}, { token: expired });
    expect(res.status).toBe(401);
    expect(res.errors?.[0]).toMatchObject({ extensions: { code: 'UNAUTHENTICATED' } });
    expect(res.errors?.[0].message).toMatch(/expired/);
  });

  it('refuses a token whose claims were changed (consumer made ADMIN)', async () => {
    const token = await t.login(demo.consumer);
    const [header, , signature] = token.split('.');
    const forged = Buffer.from(
      JSON.stringify({ role: 'ADMIN', sub: demo.consumer.id, iss: 'orderly', exp: 4102444800 }),
    ).toString('base64url');
    const res = await t.gql(
      DepositDocument,
      { consumerId: demo.consumer.id, amount: '1.00' },
      { token: `${header}.${forged}.${signature}` },
    );
    expect(res.errors?.[0].extensions?.code).toBe('UNAUTHENTICATED');
  });

  it('refuses a token signed with another secret', async () => {
    const token = jwt.sign({ role: 'ADMIN' }, 'not-the-secret', {
      subject: demo.admin.id,
      issuer: 'orderly',
    });
    const res = await t.gql(MeDocument, {}, { token });
    expect(res.errors?.[0].extensions?.code).toBe('UNAUTHENTICATED');
  });

  it('treats no Authorization header as anonymous: me is null', async () => {
    const res = await t.gql(MeDocument, {});
    expect(res.errors).toBeUndefined();
    expect(res.data?.me).toBeNull();
  });
});

describe('roles', () => {
  it('refuses deposit to anonymous callers with UNAUTHENTICATED', async () => {
    const res = await t.gql(DepositDocument, { consumerId: demo.consumer.id, amount: '10.00' });
    expect(res.errors?.[0].extensions?.code).toBe('UNAUTHENTICATED');
  });

  it('refuses deposit to a CONSUMER and an OPERATOR with FORBIDDEN, changing nothing', async () => {
    const before = await t.db.query(`select count(*)::int as n from bank_transactions`);
    for (const account of [demo.consumer, demo.operator]) {
      const token = await t.login(account);
      const res = await t.gql(
        DepositDocument,
        { consumerId: account.id, amount: '10.00' },
        { token },
      );
      expect(res.errors?.[0].extensions?.code).toBe('FORBIDDEN');
    }
    const after = await t.db.query(`select count(*)::int as n from bank_transactions`);
    expect(after.rows[0].n).toBe(before.rows[0].n);
  });

  it("refuses to list another consumer's orders with FORBIDDEN", async () => {
    const token = await t.login(demo.otherConsumer);
    const res = await t.gql(
      `{ orders(consumerId: "${demo.consumer.id}") { totalCount } }`,
      {},
      { token },
    );
    expect(res.errors?.[0].extensions?.code).toBe('FORBIDDEN');
  });

  it('never shows a stack trace or SQL in errors', async () => {
    const res = await t.gql(
      `{ orders(first: 1000) { totalCount } }`,
      {},
      { token: await t.login(demo.consumer) },
    );
    expect(res.errors?.[0].extensions?.code).toBe('BAD_USER_INPUT');
    expect(JSON.stringify(res)).not.toMatch(/stacktrace|select |at .*\.ts/i);
  });
});

describe('password hashing under a crowd', () => {
  it('answers 300 simultaneous logins of one account each with a token or RATE_LIMITED, none with a timeout', async () => {
    // The defaults: 4 scrypt at once, 32 more waiting; the rest are refused before any work.
    const app = await startTestApp({ config: { requestTimeoutMs: 10_000 } });
    try {
      // Each is answered before REQUEST_TIMEOUT_MS: a TIMEOUT would show among the codes.
      const answers = await concurrently(300, () =>
        app.gql(LoginDocument, { consumerId: demo.admin.id, password: demo.admin.password }),
      );
      const codes = answers.map(codeOf);
      expect(codes.filter((c) => c !== 'TOKEN' && c !== 'RATE_LIMITED')).toEqual([]);
      expect(codes.filter((c) => c === 'TOKEN').length).toBeGreaterThanOrEqual(4);
      const refused = answers.filter((r) => codeOf(r) === 'RATE_LIMITED');
      expect(refused.length).toBeGreaterThan(0);
      expect(refused[0].errors?.[0].extensions?.retryAfterSeconds).toBeGreaterThan(0);
      // Refusals for load count as no failed login: a wrong password is still just wrong.
      const wrong = await app.gql(LoginDocument, { consumerId: demo.admin.id, password: 'no' });
      expect(codeOf(wrong)).toBe('WRONG_PASSWORD');
    } finally {
      await app.close();
    }
  });

  it('refuses checks past PASSWORD_HASH_CONCURRENCY + PASSWORD_HASH_QUEUE at once, saying so', async () => {
    const app = await startTestApp({
      config: { passwordHashConcurrency: 1, passwordHashQueue: 1, loginMaxFailures: 100 },
    });
    try {
      const answers = await concurrently(20, (i) =>
        app.gql(LoginDocument, {
          consumerId: [demo.consumer, demo.operator, demo.admin][i % 3].id,
          password: [demo.consumer, demo.operator, demo.admin][i % 3].password,
        }),
      );
      const refused = answers.filter((r) => codeOf(r) === 'RATE_LIMITED');
      expect(refused.length).toBeGreaterThan(0);
      expect(refused[0].errors?.[0]).toMatchObject({
        message: expect.stringMatching(/password checks in progress/),
        extensions: { code: 'RATE_LIMITED', retryAfterSeconds: 1 },
      });
      expect(answers.filter((r) => codeOf(r) === 'TOKEN').length).toBeGreaterThanOrEqual(2);
    } finally {
      await app.close();
    }
  });
});
