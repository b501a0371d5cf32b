import { createHash } from 'node:crypto';
import type { EntityManager } from '@mikro-orm/postgresql';
import { BusinessError, ErrorCode, badInput, type UserError } from '../errors.ts';
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

export interface IdempotentRequest<S = unknown> {
  consumerId: string;
  /** Null only where the key is optional: the work then runs once, in a plain transaction. */
  key: string | null;
  operation: string;
  /** What the request hash is taken over: the same key with another input is refused. */
  input: unknown;
  /**
   * The stored result when it is known before the work (the id of the order it will create):
   * written with the key's claim, so the work's end writes nothing more. The work must store it.
   */
  result?: S;
}

/** What a mutation's work did: the JSON kept with its key, and its answer from what it wrote. */
export interface IdempotentWork<S, P> {
  stored: S;
  payload: P;
}

const asErrors = (err: BusinessError) => ({ errors: err.errors });

/**
 * A money-moving mutation, run at most once per (consumer, key) and answered as a payload.
 * `work` runs inside one transaction with the key's row and answers from what it wrote (no
 * re-read); a repeat of the key does no work and answers `replay(stored)`, read as committed.
 * A BusinessError from `work` (or a refused key) rolls everything back, key included, and
 * becomes `refused(err)`, by default the payload `{ errors }`. Any other error is thrown.
 */
export async function runIdempotent<S, P>(
  em: EntityManager,
  request: IdempotentRequest<S>,
  work: (tx: EntityManager) => Promise<IdempotentWork<S, P>>,
  replay: (stored: S) => Promise<P>,
  refused: (err: BusinessError) => P | { errors: UserError[] } = asErrors,
): Promise<P | { errors: UserError[] }> {
  let answer: { payload: P } | undefined;
  const once = async (tx: EntityManager): Promise<S> => {
    const done = await work(tx);
    answer = { payload: done.payload };
    return done.stored;
  };
  try {
    const { key } = request;
    const stored =
      key === null ? await em.transactional(once) : await claimOnce(em, { ...request, key }, once);
    return answer ? answer.payload : await replay(stored);
  } catch (err) {
    if (err instanceof BusinessError) return refused(err);
    throw err;
  }
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
async function claimOnce<S>(
  em: EntityManager,
  request: IdempotentRequest<S> & { key: string },
  work: (tx: EntityManager) => Promise<S>,
): Promise<S> {
  const { consumerId, key } = request;
  const known = request.result === undefined ? null : JSON.stringify(request.result);
  if (key.length < 1 || key.length > 200) {
    throw badInput('idempotencyKey must be 1 to 200 characters.', { field: 'idempotencyKey' });
  }
  const hash = requestHash(request.operation, request.input);
  return em.transactional(async (tx) => {
    const inserted = await tx.execute<{ key: string }[]>(
      `insert into idempotency_keys (consumer_id, key, operation, request_hash, result)
       values (?, ?, ?, ?, ?) on conflict do nothing returning key`,
      [consumerId, key, request.operation, hash, known],
    );
    if (inserted.length === 0) {
      const [stored] = await tx.execute<{ request_hash: string; result: S }[]>(
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
      return stored.result;
    }
    const result = await work(tx);
    const stored = JSON.stringify(result ?? null);
    if (known === null) {
      await tx.execute(`update idempotency_keys set result = ? where consumer_id = ? and key = ?`, [
        stored,
        consumerId,
        key,
      ]);
    } else if (stored !== known) {
      throw new Error(`${request.operation} stored ${stored}, not the ${known} it claimed with`);
    }
    return result;
  });
}
