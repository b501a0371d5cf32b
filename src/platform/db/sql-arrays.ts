import { isUuid } from '../ids.ts';

/*
 * The one way hand-written SQL takes a list (or a row set, as JSON): one parameter holding a PostgreSQL array literal,
 * cast in the statement (`= any(?::uuid[])`, `unnest(?::int[])`). MikroORM inlines `?` values
 * and would turn a JS array into a comma list; one literal keeps the statement's text the same
 * for any number of values and an empty list valid. (readRows builds its own conditions.)
 */

/** `{1,2,3}` for `?::int[]`; only safe integers get in. */
export function intArray(values: Iterable<number>): string {
  const list = [...values];
  for (const v of list) if (!Number.isSafeInteger(v)) throw new Error(`not an integer: ${v}`);
  return `{${list.join(',')}}`;
}

/** `{uuid,uuid}` for `?::uuid[]`; only well-formed uuids get in. */
export function uuidArray(values: Iterable<string>): string {
  const list = [...values];
  for (const v of list) if (!isUuid(v)) throw new Error(`not a uuid: ${v}`);
  return `{${list.join(',')}}`;
}

/** `{"a","b"}` for `?::text[]`, each value quoted and escaped. */
export function textArray(values: Iterable<string>): string {
  return `{${[...values].map((v) => `"${v.replace(/[\\"]/g, '\\$&')}"`).join(',')}}`;
}

/** Any JSON value as one text parameter, for `?::jsonb` (row sets for `jsonb_to_recordset`). */
export function json(value: unknown): string {
  return JSON.stringify(value);
}
