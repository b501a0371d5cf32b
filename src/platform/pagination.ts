import { Field, ObjectType } from 'type-graphql';
import { badInput } from './errors.ts';

@ObjectType()
export class PageInfo {
  @Field(() => Boolean)
  hasNextPage!: boolean;

  @Field(() => String, { nullable: true })
  endCursor?: string | null;
}

export const MAX_PAGE_SIZE = 100;

/** `first` must be 1..100: a bigger page is a request for the whole table. */
export function checkPageSize(first: number): number {
  if (!Number.isInteger(first) || first < 1 || first > MAX_PAGE_SIZE) {
    throw badInput(`first must be between 1 and ${MAX_PAGE_SIZE}.`, { field: 'first' });
  }
  return first;
}

/** Opaque keyset cursors: base64url of the sort key's parts. */
export function encodeCursor(parts: (string | number)[]): string {
  return Buffer.from(JSON.stringify(parts)).toString('base64url');
}

export function decodeCursor(cursor: string, arity: number): (string | number)[] {
  try {
    const parts = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    if (Array.isArray(parts) && parts.length === arity) return parts;
  } catch {
    // fall through to the error below
  }
  throw badInput('after is not a cursor this service handed out.', { field: 'after' });
}
