import { randomBytes } from 'node:crypto';
import type { MikroORM } from '@mikro-orm/postgresql';

/** Production refuses a JWT_SECRET estimated below this (32 bytes). */
export const MIN_SECRET_BITS = 256;

/**
 * A conservative estimate of a secret's entropy in bits: its length times the bits of the
 * smallest alphabet it is written in (hex 4, base64 6, otherwise the character classes it
 * uses), none when its characters repeat so much that it cannot be random (their Shannon
 * entropy below 60 % of the alphabet's: `aaaa…`, `abab…`, a word repeated).
 */
export function secretEntropyBits(secret: string): number {
  const chars = [...secret];
  if (chars.length === 0) return 0;
  let alphabet: number;
  if (/^[0-9a-fA-F]+$/.test(secret)) alphabet = 16;
  else if (/^[A-Za-z0-9+/_-]+=*$/.test(secret)) alphabet = 64;
  else {
    alphabet = 0;
    if (/[a-z]/.test(secret)) alphabet += 26;
    if (/[A-Z]/.test(secret)) alphabet += 26;
    if (/[0-9]/.test(secret)) alphabet += 10;
    if (/[^A-Za-z0-9]/.test(secret)) alphabet += 33;
  }
  const perChar = Math.log2(alphabet);
  const counts = new Map<string, number>();
  for (const c of chars) counts.set(c, (counts.get(c) ?? 0) + 1);
  let shannon = 0;
  for (const n of counts.values()) shannon -= (n / chars.length) * Math.log2(n / chars.length);
  if (shannon < 0.6 * Math.min(perChar, Math.log2(chars.length))) return 0;
  return Math.floor(chars.length * perChar);
}

/**
 * The secret tokens are signed with. JWT_SECRET when set (production requires it); otherwise
 * one generated at the first start and kept in the database (auth_secret), so a restart keeps
 * everybody logged in and every process on the database signs and verifies alike. Two first
 * starts at once agree: the first insert wins, both read it back.
 */
export async function signingSecret(orm: MikroORM, configured: string): Promise<string> {
  if (configured) return configured;
  const connection = orm.em.getConnection();
  await connection.execute(`insert into auth_secret (secret) values (?) on conflict do nothing`, [
    randomBytes(32).toString('hex'),
  ]);
  const [row] = await connection.execute<{ secret: string }[]>(`select secret from auth_secret`);
  return row.secret;
}
