import { isUuid } from '../platform/ids.ts';

// MikroORM inlines `?` parameters as literals and turns a JS array into a comma list, so
// arrays travel as one Postgres array literal (cast in the SQL: `= any(?::int[])`) or as JSON.

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

/** Any JSON value as one text parameter, for `?::jsonb` (names, row sets). */
export function json(value: unknown): string {
  return JSON.stringify(value);
}

/** pg returns bigint as text; ticks fit a double exactly (the unit-time cap sees to it). */
export function tick(value: string | number): number {
  return Number(value);
}
