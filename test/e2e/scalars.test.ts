import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AlterNoteDocument, DepositDocument } from '../generated/graphql.ts';
import { demo, startTestApp, type TestApp } from '../utils/test-app.ts';
import { underwritingOrder } from './insurance-fixtures.ts';
import { ledgerCount } from '../utils/ledger.ts';

// The contract's scalars at the edge, through real arguments: DateTime through alterNote's
// noteUpdateTime (read back from the saved underwrite), Decimal through deposit's amount.

let t: TestApp;
let adminToken: string;
let operatorToken: string;
let underwriteId: string;
beforeAll(async () => {
  t = await startTestApp();
  [adminToken, operatorToken] = await Promise.all([t.login(demo.admin), t.login(demo.operator)]);
  ({ underwriteId } = await underwritingOrder(t, await t.login(demo.consumer)));
});
afterAll(() => t?.close());

async function savedNoteTime(): Promise<Date | null> {
  const { rows } = await t.db.query(`select note_update_time from underwrites where id = $1`, [
    underwriteId,
  ]);
  return rows[0].note_update_time;
}

const alterNote = (noteUpdateTime: string) =>
  t.gql(AlterNoteDocument, { underwriteId, note: 'n', noteUpdateTime }, { token: operatorToken });

describe('DateTime', () => {
  it.each([
    ['30 February', '2024-02-30T00:00:00Z'],
    ['29 February of a common year', '2023-02-29T00:00:00Z'],
    ['31 April', '2024-04-31T00:00:00Z'],
    ['month 13', '2024-13-01T00:00:00Z'],
    ['month 00', '2024-00-10T00:00:00Z'],
    ['day 00', '2024-01-00T00:00:00Z'],
    ['hour 24', '2024-01-01T24:00:00Z'],
    ['minute 60', '2024-01-01T12:60:00Z'],
    ['second 60', '2024-01-01T12:00:60Z'],
    ['an offset of 24 hours', '2024-01-01T12:00:00+24:00'],
    ['no time zone', '2024-01-01T12:00:00'],
    ['a date only', '2024-01-01'],
    ['a space instead of T', '2024-01-01 12:00:00Z'],
    ['epoch milliseconds as a string', '1704110400000'],
  ])('refuses %s with BAD_USER_INPUT and saves nothing', async (_label, value) => {
    const before = await savedNoteTime();
    const res = await alterNote(value);
    expect(res.errors?.[0].extensions?.code).toBe('BAD_USER_INPUT');
    expect(res.data ?? null).toBeNull();
    expect(await savedNoteTime()).toEqual(before);
  });

  it('refuses an impossible date written inline in the query, too', async () => {
    const res = await t.gql(
      `mutation { alterNote(underwriteId: "${underwriteId}", note: "n",
         noteUpdateTime: "2024-02-30T00:00:00Z") { errors { code } } }`,
      {},
      { token: operatorToken },
    );
    expect(res.errors?.[0].extensions?.code).toBe('BAD_USER_INPUT');
  });

  // In increasing order: a note's time may not go back (STALE_UPDATE).
  it.each([
    ['a leap day in UTC', '2024-02-29T10:00:00Z', '2024-02-29T10:00:00.000Z'],
    ['an offset, answered in UTC', '2024-02-29T18:30:00+08:00', '2024-02-29T10:30:00.000Z'],
    ['an offset without a colon', '2024-02-29T18:40:00+0800', '2024-02-29T10:40:00.000Z'],
    ['no seconds', '2024-02-29T10:45Z', '2024-02-29T10:45:00.000Z'],
    ['milliseconds', '2024-02-29T10:50:00.250Z', '2024-02-29T10:50:00.250Z'],
    ['the last moment of a day', '2024-12-31T23:59:59.999Z', '2024-12-31T23:59:59.999Z'],
  ])('accepts %s and saves that instant', async (_label, value, utc) => {
    const res = await alterNote(value);
    expect(res.errors).toBeUndefined();
    expect(res.data?.alterNote.errors).toEqual([]);
    expect(res.data?.alterNote.underwrite?.noteUpdateTime).toBe(utc);
    expect((await savedNoteTime())?.toISOString()).toBe(utc);
  });
});

describe('Decimal', () => {
  const deposit = (amount: string | number) =>
    t.gql(
      DepositDocument,
      { consumerId: demo.otherConsumer.id, amount: amount as string },
      {
        token: adminToken,
      },
    );

  it.each([
    ['"1.5"', '1.5', '1.50'],
    ['"1.50"', '1.50', '1.50'],
    ['"1"', '1', '1.00'],
    ['the JSON number 1.5', 1.5, '1.50'],
  ])('accepts %s as %s', async (_label, amount, shown) => {
    const res = await deposit(amount);
    expect(res.errors).toBeUndefined();
    expect(res.data?.deposit.amount).toBe(shown);
  });

  it.each([
    ['a trailing zero in the third place', '1.500'],
    ['a third place', '1.501'],
    ['many trailing zeros', '1.000000'],
    ['a JSON number with a third place', 1.005],
  ])('refuses %s with BAD_USER_INPUT and moves no money', async (_label, amount) => {
    const before = await ledgerCount(t);
    const res = await deposit(amount);
    expect(res.errors?.[0].extensions?.code).toBe('BAD_USER_INPUT');
    expect(res.errors?.[0].message).toMatch(/more than two decimal places/);
    expect(await ledgerCount(t)).toBe(before);
  });

  it('refuses a float literal with a trailing-zero third place inline in the query', async () => {
    const before = await ledgerCount(t);
    const res = await t.gql(
      `mutation { deposit(consumerId: "${demo.otherConsumer.id}", amount: 2.500) { id } }`,
      {},
      { token: adminToken },
    );
    expect(res.errors?.[0].extensions?.code).toBe('BAD_USER_INPUT');
    expect(await ledgerCount(t)).toBe(before);
  });
});
