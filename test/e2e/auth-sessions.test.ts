import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  ChangePasswordDocument,
  CreateConsumerDocument,
  DepositDocument,
  LoginDocument,
  LoginShowingBalanceDocument,
  LogoutDocument,
  MeDocument,
  RefreshTokenDocument,
} from '../generated/graphql.ts';
import {
  concurrently,
  demo,
  isCallerCheck,
  startTestApp,
  type TestApp,
} from '../utils/test-app.ts';

let t: TestApp;
let admin: string;
beforeAll(async () => {
  t = await startTestApp();
  admin = await t.login(demo.admin);
});
afterAll(() => t?.close());

let made = 0;
/** A consumer of its own (created through the API) and a logged-in session of it. */
async function freshConsumer(password = 'first-password') {
  const res = await t.gql(
    CreateConsumerDocument,
    { input: { name: `session test ${++made}`, password } },
    { token: admin },
  );
  const consumer = res.data!.createConsumer.consumer!;
  const login = await t.gql(LoginDocument, { consumerId: consumer.id, password });
  return { id: consumer.id, password, ...login.data!.login };
}

const meOf = (token: string) => t.gql(MeDocument, {}, { token });

describe('the login payload', () => {
  it('answers every field of the consumer who just logged in, their balance, ledger and orders too', async () => {
    const res = await t.gql(LoginShowingBalanceDocument, {
      consumerId: demo.consumer.id,
      password: demo.consumer.password,
    });
    expect(res.errors).toBeUndefined();
    expect(res.data!.login.consumer).toMatchObject({
      id: demo.consumer.id,
      role: 'CONSUMER',
      balance: expect.stringMatching(/^\d+\.\d\d$/),
      transactions: { nodes: [{ reason: expect.any(String) }] },
      orders: { totalCount: expect.any(Number) },
    });
  });

  it('answers a staff account without an error: its balance is 0.00', async () => {
    for (const staff of [demo.operator, demo.admin]) {
      const res = await t.gql(LoginShowingBalanceDocument, {
        consumerId: staff.id,
        password: staff.password,
      });
      expect(res.errors).toBeUndefined();
      expect(res.data!.login.consumer).toMatchObject({ id: staff.id, balance: '0.00' });
    }
  });

  it('refuses login beside another root field, where that field would run as the new caller', async () => {
    const res = await t.gql(
      `mutation { login(consumerId: "${demo.admin.id}", password: "${demo.admin.password}") { token }
                  deposit(consumerId: "${demo.consumer.id}", amount: "1.00") { id } }`,
    );
    expect(res.errors?.[0]).toMatchObject({ extensions: { code: 'BAD_USER_INPUT' } });
    expect(res.data ?? null).toBeNull();
  });
});

describe('refresh', () => {
  it('swaps a refresh token for a new pair; the old refresh token is good once', async () => {
    const session = await freshConsumer();
    const refreshed = await t.gql(RefreshTokenDocument, { refreshToken: session.refreshToken! });
    const pair = refreshed.data!.refreshToken;
    expect(pair.token).toBeTruthy();
    expect(pair.refreshToken).not.toBe(session.refreshToken);
    expect(pair.consumer).toMatchObject({ id: session.id, balance: '0.00' });
    expect(new Date(pair.tokenExpiresAt!).getTime()).toBeGreaterThan(Date.now());
    expect((await meOf(pair.token!)).data?.me?.id).toBe(session.id);
  });

  it('works with a stale Authorization header sent along (a client whose token just expired)', async () => {
    const session = await freshConsumer();
    const res = await t.gql(
      RefreshTokenDocument,
      { refreshToken: session.refreshToken! },
      { token: 'stale.token.here' },
    );
    expect(res.status).toBe(200);
    expect(res.data!.refreshToken.token).toBeTruthy();
  });

  it('gives exactly one of two refreshes with one refresh token a pair, and ends that session as copied', async () => {
    const session = await freshConsumer();
    const both = await concurrently(2, () =>
      t.gql(RefreshTokenDocument, { refreshToken: session.refreshToken! }),
    );
    const winners = both.filter((r) => r.data?.refreshToken.token);
    const losers = both.filter((r) => r.errors?.[0].extensions?.code === 'UNAUTHENTICATED');
    expect([winners.length, losers.length]).toEqual([1, 1]);
    expect(losers[0].errors![0].message).toMatch(/already used/);
    // Reuse means a copy exists: the whole session ends, the winner's new tokens included.
    const after = await meOf(winners[0].data!.refreshToken.token!);
    expect(after.errors?.[0]).toMatchObject({
      message: expect.stringMatching(/session has ended/),
      extensions: { code: 'UNAUTHENTICATED', reason: 'revoked' },
    });
    const again = await t.gql(RefreshTokenDocument, {
      refreshToken: winners[0].data!.refreshToken.refreshToken!,
    });
    expect(again.errors?.[0].extensions?.code).toBe('UNAUTHENTICATED');
  });

  it('refuses a refresh token that is malformed or unknown with UNAUTHENTICATED', async () => {
    for (const refreshToken of ['nonsense', '00000000-0000-4000-8000-000000000000.abc']) {
      const res = await t.gql(RefreshTokenDocument, { refreshToken });
      expect(res.errors?.[0]).toMatchObject({
        message: expect.stringMatching(/not valid/),
        extensions: { code: 'UNAUTHENTICATED' },
      });
    }
  });
});

describe('logout', () => {
  it('ends the session at once: its access and refresh tokens are refused, others live on', async () => {
    const session = await freshConsumer();
    const other = await t.gql(LoginDocument, {
      consumerId: session.id,
      password: session.password,
    });
    const out = await t.gql(LogoutDocument, {}, { token: session.token! });
    expect(out.data!.logout).toEqual({ endedSessions: 1, errors: [] });
    const me = await meOf(session.token!);
    expect(me.status).toBe(401);
    expect(me.errors?.[0]).toMatchObject({
      message: expect.stringMatching(/session has ended/),
      extensions: { code: 'UNAUTHENTICATED', reason: 'revoked' },
    });
    const refresh = await t.gql(RefreshTokenDocument, { refreshToken: session.refreshToken! });
    expect(refresh.errors?.[0].extensions?.code).toBe('UNAUTHENTICATED');
    expect((await meOf(other.data!.login.token!)).data?.me?.id).toBe(session.id);
  });

  it('with allSessions ends every session of the account', async () => {
    const session = await freshConsumer();
    const second = await t.gql(LoginDocument, {
      consumerId: session.id,
      password: session.password,
    });
    const out = await t.gql(LogoutDocument, { allSessions: true }, { token: session.token! });
    expect(out.data!.logout.endedSessions).toBe(2);
    expect((await meOf(second.data!.login.token!)).errors?.[0].extensions?.code).toBe(
      'UNAUTHENTICATED',
    );
  });

  it('ends a session once when two logouts race: one ends it, the other finds nothing left', async () => {
    const session = await freshConsumer();
    const outs = await concurrently(2, () => t.gql(LogoutDocument, {}, { token: session.token! }));
    const ended = outs.map((r) => r.data?.logout.endedSessions ?? r.errors?.[0].extensions?.code);
    // The second either ran after the first committed (refused: the session ended) or
    // was checked before it and found the row already revoked (0 ended).
    expect(ended.filter((e) => e === 1)).toHaveLength(1);
    expect(ended.filter((e) => e === 0 || e === 'UNAUTHENTICATED')).toHaveLength(1);
  });

  it('refuses anonymous callers with UNAUTHENTICATED', async () => {
    const res = await t.gql(LogoutDocument, {});
    expect(res.errors?.[0].extensions?.code).toBe('UNAUTHENTICATED');
  });
});

describe('changePassword', () => {
  it('needs the old password, ends every session, and hands the caller a new one', async () => {
    const session = await freshConsumer();
    const other = await t.gql(LoginDocument, {
      consumerId: session.id,
      password: session.password,
    });
    const wrong = await t.gql(
      ChangePasswordDocument,
      { oldPassword: 'not-it', newPassword: 'second-password' },
      { token: session.token! },
    );
    expect(wrong.data!.changePassword.errors).toEqual([
      { code: 'WRONG_PASSWORD', message: expect.any(String), field: ['oldPassword'] },
    ]);
    const changed = await t.gql(
      ChangePasswordDocument,
      { oldPassword: session.password, newPassword: 'second-password' },
      { token: session.token! },
    );
    expect(changed.data!.changePassword.errors).toEqual([]);
    for (const old of [session.token!, other.data!.login.token!]) {
      expect((await meOf(old)).errors?.[0].extensions).toMatchObject({
        code: 'UNAUTHENTICATED',
        reason: 'revoked',
      });
    }
    expect((await meOf(changed.data!.changePassword.token!)).data?.me?.id).toBe(session.id);
    const oldLogin = await t.gql(LoginDocument, {
      consumerId: session.id,
      password: session.password,
    });
    expect(oldLogin.data!.login.errors[0].code).toBe('WRONG_PASSWORD');
    const newLogin = await t.gql(LoginDocument, {
      consumerId: session.id,
      password: 'second-password',
    });
    expect(newLogin.data!.login.token).toBeTruthy();
    const { rows } = await t.db.query(`select password_changed_at from consumers where id = $1`, [
      session.id,
    ]);
    expect(rows[0].password_changed_at).toBeInstanceOf(Date);
  });

  it('refuses a new password that is too short or the old one, naming newPassword, and changes nothing', async () => {
    const session = await freshConsumer();
    for (const newPassword of ['short', session.password]) {
      const res = await t.gql(
        ChangePasswordDocument,
        { oldPassword: session.password, newPassword },
        { token: session.token! },
      );
      expect(res.data!.changePassword.errors).toEqual([
        { code: 'INVALID_INPUT', message: expect.any(String), field: ['newPassword'] },
      ]);
    }
    expect((await meOf(session.token!)).data?.me?.id).toBe(session.id);
  });

  it('lets one of two changes at once win; the other answers STALE_UPDATE and its password never works', async () => {
    const session = await freshConsumer();
    const both = await Promise.all(
      ['winner-or-loser-1', 'winner-or-loser-2'].map((newPassword) =>
        t.gql(
          ChangePasswordDocument,
          { oldPassword: session.password, newPassword },
          { token: session.token! },
        ),
      ),
    );
    const codes = both.map(
      (r) => r.data?.changePassword.errors[0]?.code ?? r.errors?.[0].extensions?.code ?? 'CHANGED',
    );
    expect(codes.filter((c) => c === 'CHANGED')).toHaveLength(1);
    // The loser lost the race in the UPDATE (STALE_UPDATE), or was checked after the winner
    // had ended the session it came with (UNAUTHENTICATED).
    expect(codes.filter((c) => c === 'STALE_UPDATE' || c === 'UNAUTHENTICATED')).toHaveLength(1);
    const won = both.findIndex((r) => r.data?.changePassword.token);
    const lost = `winner-or-loser-${2 - won}`;
    const login = await t.gql(LoginDocument, { consumerId: session.id, password: lost });
    expect(login.data!.login.errors[0].code).toBe('WRONG_PASSWORD');
  });
});

describe('createConsumer (ADMIN)', () => {
  it('creates an account that can log in, with an empty bank account, recording who and when', async () => {
    const res = await t.gql(
      CreateConsumerDocument,
      { input: { name: '  Wang Wu 王五  ', password: 'wangwu-password' } },
      { token: admin },
    );
    expect(res.data!.createConsumer.errors).toEqual([]);
    const consumer = res.data!.createConsumer.consumer!;
    expect(consumer).toMatchObject({ name: 'Wang Wu 王五', role: 'CONSUMER', balance: '0.00' });
    const { rows } = await t.db.query(
      `select created_by::text, created_at from consumers where id = $1`,
      [consumer.id],
    );
    expect(rows[0]).toMatchObject({ created_by: demo.admin.id, created_at: expect.any(Date) });
    const login = await t.gql(LoginDocument, {
      consumerId: consumer.id,
      password: 'wangwu-password',
    });
    expect(login.data!.login.consumer).toMatchObject({ id: consumer.id });
  });

  it('creates staff with the id asked for, and refuses that id a second time', async () => {
    const input = {
      id: '10000077',
      name: 'Operator Li',
      password: 'operator-li-pass',
      role: 'OPERATOR' as const,
    };
    const first = await t.gql(CreateConsumerDocument, { input }, { token: admin });
    expect(first.data!.createConsumer.consumer).toMatchObject({ id: '10000077', role: 'OPERATOR' });
    const again = await t.gql(CreateConsumerDocument, { input }, { token: admin });
    expect(again.data!.createConsumer.errors).toEqual([
      { code: 'INVALID_INPUT', message: 'This id is taken.', field: ['input', 'id'] },
    ]);
  });

  it('gives two creations of one id at once one account: the other is told the id is taken', async () => {
    const input = { id: '10000088', name: 'Twin', password: 'twin-password' };
    const both = await concurrently(2, () =>
      t.gql(CreateConsumerDocument, { input }, { token: admin }),
    );
    const errors = both.map((r) => r.data!.createConsumer.errors.map((e) => e.field?.join('.')));
    expect(errors.filter((e) => e.length === 0)).toHaveLength(1);
    expect(errors.filter((e) => e[0] === 'input.id')).toHaveLength(1);
  });

  it('names every field at fault and creates nothing', async () => {
    const before = await t.db.query(`select count(*)::int as n from consumers`);
    const res = await t.gql(
      CreateConsumerDocument,
      { input: { id: '0012', name: ' ', password: 'short' } },
      { token: admin },
    );
    expect(res.data!.createConsumer.errors.map((e) => e.field)).toEqual([
      ['input', 'id'],
      ['input', 'name'],
      ['input', 'password'],
    ]);
    const after = await t.db.query(`select count(*)::int as n from consumers`);
    expect(after.rows[0].n).toBe(before.rows[0].n);
  });
});

describe("the account's current state decides, not the token", () => {
  it('refuses an ADMIN demoted in the database at once, with their old token', async () => {
    const created = await t.gql(
      CreateConsumerDocument,
      { input: { name: 'Soon demoted', password: 'demoted-pass', role: 'ADMIN' } },
      { token: admin },
    );
    const id = created.data!.createConsumer.consumer!.id;
    const token = (await t.gql(LoginDocument, { consumerId: id, password: 'demoted-pass' })).data!
      .login.token!;
    const allowed = await t.gql(DepositDocument, { consumerId: id, amount: '1.00' }, { token });
    expect(allowed.errors).toBeUndefined();
    await t.db.query(`update consumers set role = 'CONSUMER' where id = $1`, [id]);
    const before = await t.db.query(`select count(*)::int as n from bank_transactions`);
    const refused = await t.gql(
      DepositDocument,
      { consumerId: id, amount: '1000000.00' },
      { token },
    );
    expect(refused.errors?.[0].extensions?.code).toBe('FORBIDDEN');
    const after = await t.db.query(`select count(*)::int as n from bank_transactions`);
    expect(after.rows[0].n).toBe(before.rows[0].n);
    expect((await meOf(token)).data?.me?.role).toBe('CONSUMER');
  });

  it("refuses a deleted account's token with UNAUTHENTICATED, saying the account is gone", async () => {
    const session = await freshConsumer();
    await t.db.query(`delete from bank_accounts where consumer_id = $1`, [session.id]);
    await t.db.query(`delete from consumers where id = $1`, [session.id]);
    const me = await meOf(session.token!);
    expect(me.errors?.[0]).toMatchObject({
      message: expect.stringMatching(/no longer exists/),
      extensions: { code: 'UNAUTHENTICATED', reason: 'gone' },
    });
    const write = await t.gql(
      `mutation { cancelOrder(orderId: "00000000-0000-4000-8000-000000000000") { errors { code } } }`,
      {},
      { token: session.token! },
    );
    expect(write.errors?.[0].extensions?.code).toBe('UNAUTHENTICATED');
  });
});

describe('the cost of the caller check', () => {
  it('is one statement per operation with a token, sent only once the query passed its limits', async () => {
    const sql: string[] = [];
    const app = await startTestApp({ onQuery: (s) => sql.push(s) });
    try {
      const token = await app.login(demo.consumer);
      sql.length = 0;
      const me = await app.gql(`{ me { id } }`, {}, { token });
      expect(me.data.me.id).toBe(demo.consumer.id);
      expect(sql.filter(isCallerCheck)).toHaveLength(1);
      sql.length = 0;
      const deep = `{ me { orders { edges { node { consumer { orders { edges { node { consumer { orders { edges { node { id } } } } } } } } } } } } }`;
      const refused = await app.gql(deep, {}, { token });
      expect(refused.errors?.[0].extensions?.code).toBe('QUERY_TOO_COMPLEX');
      expect(sql).toEqual([]);
    } finally {
      await app.close();
    }
  });
});
