import { LockMode, type EntityClass } from '@mikro-orm/core';
import type { EntityManager } from '@mikro-orm/postgresql';
import type { RequestContext } from '../../context.ts';
import { requireViewer } from '../auth/roles.ts';
import { BusinessError, ErrorCode, userError, type UserError, type FieldPath } from '../errors.ts';
import { InputChecks } from '../input.rules.ts';
import { Decimal, toMoneyString } from '../money.ts';
import { catalogHistory, type FieldChanges } from './catalog-history.service.ts';

/** A unique constraint a catalogue write may run into, and the input field that names it. */
export interface UniqueField {
  constraint: string;
  field: FieldPath;
  message: string;
}

function shown(value: unknown): unknown {
  if (value instanceof Decimal) return toMoneyString(value);
  if (value instanceof Date) return value.toISOString();
  return value ?? null;
}

function same(a: unknown, b: unknown): boolean {
  if (a instanceof Decimal && b instanceof Decimal) return a.eq(b);
  return shown(a) === shown(b);
}

/** Which row a history entry is about, and who acts (null: the demo data, the service's jobs). */
export interface HistoryAt {
  entityType: string;
  entityId: string | number;
  actorId: string | null;
}

/**
 * Sets each field of `patch` that is not null or undefined (an update input's "leave it") on
 * `entity` and returns what really changed; an equal value is no change.
 */
function applyChanges<T extends object>(entity: T, patch: Partial<T>): FieldChanges {
  const changes: FieldChanges = {};
  for (const [key, to] of Object.entries(patch) as [keyof T & string, T[keyof T & string]][]) {
    if (to === undefined || to === null) continue;
    const from = entity[key];
    if (same(from, to)) continue;
    changes[key] = { from: shown(from), to: shown(to) };
    entity[key] = to;
  }
  return changes;
}

/**
 * Edits a versioned row the caller has locked and checked (checkVersion): sets the fields of
 * `patch` that change, moves the version on and records an UPDATED history entry. An edit that
 * changes nothing writes nothing. Returns what changed.
 */
export function applyEdit<T extends { version: number }>(
  em: EntityManager,
  at: HistoryAt,
  entity: T,
  patch: Partial<T>,
): FieldChanges {
  const changes = applyChanges(entity, patch);
  if (Object.keys(changes).length === 0) return changes;
  entity.version += 1;
  catalogHistory.record(em, { ...at, action: 'UPDATED', changes });
  return changes;
}

/** Every field of a new row as a change from nothing, for its CREATED history entry. */
export function created(fields: Record<string, unknown>): FieldChanges {
  return Object.fromEntries(
    Object.entries(fields).map(([key, to]) => [key, { from: null, to: shown(to) }]),
  );
}

/** Records a new row's CREATED history entry: every field in `fields` as a change from nothing. */
export function recordCreated(em: EntityManager, at: HistoryAt, fields: Record<string, unknown>) {
  catalogHistory.record(em, { ...at, action: 'CREATED', changes: created(fields) });
}

/** One `update*` of a versioned catalogue row. */
export interface VersionedEdit<T> {
  entity: EntityClass<T>;
  /** The history's entity type. */
  entityType: string;
  id: string;
  validId: (id: string) => boolean;
  notFound: { message: string; field: FieldPath };
  expectedVersion: number;
  /** How STALE_UPDATE names the row: `Plan "Basic"`. */
  named: (row: T) => string;
  /** The fields to set (undefined: leave it), each checked into `checks`. */
  patch: (checks: InputChecks) => Partial<T>;
  /** Refusals that need the row and the checked patch; runs before anything is set. */
  guard?: (row: T, patch: Partial<T>) => Promise<void>;
}

/**
 * The shape every catalogue edit shares: locks the row (NOT_FOUND), refuses it unless at the
 * version the client read (STALE_UPDATE), checks the patch (every INVALID_INPUT at once), runs
 * the guard, then applies the patch with its UPDATED entry (applyEdit). Returns the row and
 * what changed.
 */
export async function editAtVersion<T extends { id: string | number; version: number }>(
  em: EntityManager,
  actorId: string | null,
  edit: VersionedEdit<T>,
): Promise<{ row: T; changes: FieldChanges }> {
  const row = await lockById(em, edit.entity, edit.id, edit.validId, edit.notFound);
  checkVersion(edit.named(row), row.version, edit.expectedVersion);
  const checks = new InputChecks();
  const patch = edit.patch(checks);
  checks.throwIfAny();
  await edit.guard?.(row, patch);
  const at = { entityType: edit.entityType, entityId: row.id, actorId };
  return { row, changes: applyEdit(em, at, row, patch) };
}

/**
 * Optimistic concurrency: STALE_UPDATE unless the row is still at the version the client read.
 * Callers hold the row's lock, so the version cannot move between this check and their write.
 */
export function checkVersion(what: string, current: number, expected: number): void {
  if (current === expected) return;
  throw BusinessError.of(
    ErrorCode.STALE_UPDATE,
    `${what} is at version ${current}, not ${expected}: someone changed it since you read it. Read it again and retry.`,
    ['input', 'expectedVersion'],
  );
}

/**
 * The row of `entity` with this id, locked FOR UPDATE until the transaction ends; NOT_FOUND at
 * `field` when `validId` refuses the id or no row has it.
 */
export async function lockById<T extends object>(
  em: EntityManager,
  entity: EntityClass<T>,
  id: string,
  validId: (id: string) => boolean,
  notFound: { message: string; field: FieldPath },
): Promise<T> {
  const row = validId(id)
    ? await em.findOne(entity, id as never, { lockMode: LockMode.PESSIMISTIC_WRITE })
    : null;
  if (!row) throw BusinessError.of(ErrorCode.NOT_FOUND, notFound.message, notFound.field);
  return row as T;
}

const uniqueViolation = (err: unknown): string | undefined => {
  const { code, constraint } = (err ?? {}) as { code?: unknown; constraint?: unknown };
  return code === '23505' && typeof constraint === 'string' ? constraint : undefined;
};

/**
 * Runs one catalogue change for the caller in one transaction and flushes it. A BusinessError
 * rolls everything back and comes back as the payload's errors; so does a unique constraint
 * another writer took first (`unique` names its input field). Returns the work's value.
 */
export async function catalogWrite<T>(
  ctx: RequestContext,
  work: (em: EntityManager, actorId: string) => Promise<T>,
  unique: UniqueField[] = [],
): Promise<{ value?: T; errors: UserError[] }> {
  const viewer = requireViewer(ctx);
  try {
    const value = await ctx.em.transactional(async (em) => {
      const result = await work(em, viewer.id);
      await em.flush();
      return result;
    });
    return { value, errors: [] };
  } catch (err) {
    if (err instanceof BusinessError) return { errors: err.errors };
    const constraint = uniqueViolation(err);
    const known = unique.find((u) => u.constraint === constraint);
    if (known) return { errors: [userError(ErrorCode.INVALID_INPUT, known.message, known.field)] };
    throw err;
  }
}

/** catalogWrite's outcome as a mutation payload: the written object under `key`, or null. */
export async function catalogPayload<K extends string, T>(
  ctx: RequestContext,
  key: K,
  work: (em: EntityManager, actorId: string) => Promise<T>,
  unique: UniqueField[] = [],
): Promise<Record<K, T | null> & { errors: UserError[] }> {
  const { value, errors } = await catalogWrite(ctx, work, unique);
  return { [key]: value ?? null, errors } as Record<K, T | null> & { errors: UserError[] };
}
