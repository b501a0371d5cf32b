import { createHash } from 'node:crypto';
import type { EntityManager } from '@mikro-orm/postgresql';
import { BusinessError, ErrorCode, badInput } from '../errors.ts';
import { Decimal } from '../money.ts';

/**
 * Sorts object keys so the same input always hashes the same. Decimals and Dates hash by their
 * string form; any other object (type-graphql builds inputs as class instances) by its fields.
 */
function canonical(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(canonical);
  if (value instanceof Decimal || value instanceof Date) return String(value);
  if (value && typeof value === 'object') {
    return Object.fromEntries(
      Object.keys(value)
        .sort()
        .map((k) => [k, canonical((value as Record<string, unknown>)[k])]),
    );
  }
  return value;
}

export function requestHash(operation: string, input: unknown): string {
  return createHash('sha256')
    .update(JSON.stringify([operation, canonical(input)]))
    .digest('hex');
}

export interface IdempotentOutcome<R> {
  result: R;
  /** True when the result is the stored one of an earlier request with this key. */
  replayed: boolean;
}

/**
 * Runs `work` at most once per (consumer, key), inside one transaction with the key's row.
 *
 * The key is inserted first: a concurrent request with the same key blocks on the unique
 * index until the first commits (then it reads the stored result) or rolls back (then it
 * does the work itself). A BusinessError from `work` rolls everything back, key included,
 * so a request refused for, say, a short balance can be retried with the same key. The same
 * key with a different input is IDEMPOTENCY_KEY_REUSED. `work`'s result must be JSON.
 */
export async function runIdempotent<R>(
  em: EntityManager,
  consumerId: string,
  key: string,
  operation: string,
  input: unknown,
  work: (tx: EntityManager) => Promise<R>,
): Promise<IdempotentOutcome<R>> {
  if (key.length < 1 || key.length > 200) {
    throw badInput('idempotencyKey must be 1 to 200 characters.', { field: 'idempotencyKey' });
  }
  const hash = requestHash(operation, input);
  return em.transactional(async (tx) => {
    const inserted = await tx.execute<{ key: string }[]>(
      `insert into idempotency_keys (consumer_id, key, operation, request_hash)
       values (?, ?, ?, ?) on conflict do nothing returning key`,
      [consumerId, key, operation, hash],
    );
    if (inserted.length === 0) {
      const [stored] = await tx.execute<{ request_hash: string; result: R }[]>(
        `select request_hash, result from idempotency_keys where consumer_id = ? and key = ?`,
        [consumerId, key],
      );
      if (stored.request_hash !== hash) {
        throw BusinessError.of(
          ErrorCode.IDEMPOTENCY_KEY_REUSED,
          'This idempotency key was already used for a different request.',
          ['idempotencyKey'],
        );
      }
      return { result: stored.result, replayed: true };
    }
    const result = await work(tx);
    await tx.execute(`update idempotency_keys set result = ? where consumer_id = ? and key = ?`, [
      JSON.stringify(result ?? null),
      consumerId,
      key,
    ]);
    return { result, replayed: false };
  });
}
