import {
  ReferenceKind,
  type EntityClass,
  type EntityMetadata,
  type EntityProperty,
} from '@mikro-orm/core';
import type { EntityManager } from '@mikro-orm/postgresql';
import type pg from 'pg';
import { textArray } from './sql-arrays.ts';

/*
 * The read path of every domain (docs/architecture.md, "Reading and writing data"):
 *
 * - Reads (queries, field resolvers, the batch loads behind them, the checks a write makes
 *   before it writes) take rows of an entity through `readRows` / `countRows`, or through a
 *   domain's `<domain>.loaders.ts` built on them. A statement readRows cannot say (a join for
 *   a name, an aggregate, a range overlap, a lateral probe per key) stays hand-written SQL
 *   with a one-line comment saying why, selects `selectColumns(entity)` and maps its rows with
 *   `entityRows`: the same entity-shaped values, no row interface of its own.
 * - Writes go through managed entities (`em.find`, `em.create`, flush) or explicit statements
 *   (an insert from a recordset, a conditional update); a write's `returning` list is
 *   `selectColumns(entity)`, mapped with `entityRows` too.
 *
 * Why not `em.find` for reads: it costs several times the CPU of `em.execute` of the same
 * statement (criteria processing, the query builder, hydration, identity map, per-instance
 * accessors; measured in BENCHMARKS.md part 1), and a page of orders sends many such loads.
 * Outside a transaction they do not take `em.execute` either, but the same pool straight
 * (`executeRead`).
 * These rows come from `em.execute` and are mapped by the entity's own metadata (columns, custom
 * types, dates), so they carry the same values `em.find` would, but they are NOT managed: never
 * persist, assign or flush them; a to-one relation is `{ <primary key>: value }` only (no
 * `load()`, no `unwrap()`).
 */

export type Where<T> = { [K in keyof T & string]?: unknown };
export type OrderBy<T> = { [K in keyof T & string]?: 'asc' | 'desc' };

export interface ReadOptions {
  limit?: number;
  /**
   * Keyset pagination on the first two `orderBy` properties: only rows strictly after this
   * position in that order.
   */
  after?: [unknown, unknown];
  /** Row locks for a write that reads first: `for share` or `for update`. */
  lock?: 'share' | 'update';
}

interface Column {
  name: string;
  field: string;
  read: (value: unknown) => unknown;
}

interface Mapping {
  table: string;
  columns: Column[];
  select: string;
  fieldOf: Map<string, string>;
}

const mappings = new WeakMap<EntityMetadata, Mapping>();

const quote = (identifier: string) => `"${identifier.replace(/"/g, '""')}"`;

const selectOf = (columns: Column[], alias?: string) =>
  columns.map((c) => (alias ? `${quote(alias)}.${quote(c.field)}` : quote(c.field))).join(', ');

function reader(em: EntityManager, prop: EntityProperty): (value: unknown) => unknown {
  const platform = em.getPlatform();
  if (prop.kind === ReferenceKind.MANY_TO_ONE || prop.kind === ReferenceKind.ONE_TO_ONE) {
    const target = prop.targetMeta!;
    const pk = target.getPrimaryProps()[0];
    const readKey = reader(em, pk);
    return (value) => (value == null ? null : { [pk.name]: readKey(value) });
  }
  // The PostgreSQL driver leaves timestamps as text; MikroORM parses them the same way.
  if (prop.runtimeType === 'Date')
    return (value) => (value == null ? value : platform.parseDate(value as string));
  const type = prop.customType;
  if (type) return (value) => type.convertToJSValue(value, platform);
  return (value) => value;
}

function mappingOf(em: EntityManager, meta: EntityMetadata): Mapping {
  let mapping = mappings.get(meta);
  if (mapping) return mapping;
  const columns: Column[] = [];
  for (const prop of meta.props) {
    const stored =
      prop.kind === ReferenceKind.SCALAR ||
      prop.kind === ReferenceKind.MANY_TO_ONE ||
      (prop.kind === ReferenceKind.ONE_TO_ONE && prop.owner);
    if (!stored || prop.persist === false || prop.formula || prop.lazy) continue;
    if (prop.fieldNames.length !== 1) {
      throw new Error(`${meta.className}.${prop.name}: composite columns are not supported`);
    }
    columns.push({ name: prop.name, field: prop.fieldNames[0], read: reader(em, prop) });
  }
  mapping = {
    table: quote(meta.tableName),
    columns,
    select: selectOf(columns),
    fieldOf: new Map(columns.map((c) => [c.name, quote(c.field)])),
  };
  mappings.set(meta, mapping);
  return mapping;
}

/** The SQL conditions of `where` (see readRows) and their parameters; undefined when nothing can match. */
function conditionsOf(
  meta: EntityMetadata,
  mapping: Mapping,
  where: Record<string, unknown>,
): { conditions: string[]; params: unknown[] } | undefined {
  const params: unknown[] = [];
  const conditions: string[] = [];
  for (const [name, value] of Object.entries(where)) {
    const column = fieldOf(meta, mapping, name);
    if (value === null) {
      conditions.push(`${column} is null`);
    } else if (Array.isArray(value)) {
      // Nothing can match an empty list.
      if (value.length === 0) return undefined;
      // One array literal, so the statement's text is the same for any number of keys (the
      // planner turns `in (list)` into this same `= any(array)`).
      conditions.push(`${column} = any(?)`);
      params.push(textArray(value.map(String)));
    } else {
      conditions.push(`${column} = ?`);
      params.push(value);
    }
  }
  return { conditions, params };
}

function fieldOf(meta: EntityMetadata, mapping: Mapping, name: string): string {
  const column = mapping.fieldOf.get(name);
  if (!column) throw new Error(`${meta.className}.${name} is not a column readRows can use`);
  return column;
}

/**
 * Rows of `entity` matching `where` (a property equal to a value, in a list when the value is
 * an array, or null), in `orderBy` order: one statement, the shape `em.find` sends.
 */
export async function readRows<T extends object>(
  em: EntityManager,
  entity: EntityClass<T>,
  where: Where<T>,
  orderBy: OrderBy<T> = {},
  options: ReadOptions = {},
): Promise<T[]> {
  const meta = em.getMetadata().get<T>(entity) as EntityMetadata;
  const mapping = mappingOf(em, meta);
  const found = conditionsOf(meta, mapping, where);
  if (!found) return [];
  const { conditions, params } = found;
  const order = Object.entries(orderBy) as [string, 'asc' | 'desc'][];
  const columns = order.map(([name, dir]) => [fieldOf(meta, mapping, name), dir] as const);
  if (options.after) {
    if (columns.length < 2) throw new Error('readRows: `after` needs two orderBy properties');
    const [[a, dir], [b]] = columns;
    const [at, id] = options.after;
    const op = dir === 'desc' ? '<' : '>';
    // The lone bound on the first column lets an index scan start at the position instead of
    // reading and filtering every row before it (bench/indexes.ts).
    conditions.push(`${a} ${op}= ? and (${a} ${op} ? or (${a} = ? and ${b} ${op} ?))`);
    params.push(at, at, at, id);
  }
  let sql = `select ${mapping.select} from ${mapping.table}`;
  if (conditions.length) sql += ` where ${conditions.join(' and ')}`;
  if (columns.length) {
    sql += ` order by ${columns.map(([c, dir]) => `${c} ${dir === 'desc' ? 'desc' : 'asc'}`).join(', ')}`;
  }
  if (options.limit !== undefined) {
    sql += ' limit ?';
    params.push(options.limit);
  }
  if (options.lock) sql += ` for ${options.lock}`;
  return mapRows(mapping, await executeRead(em, sql, params));
}

const pools = new WeakMap<object, pg.Pool>();

/** A statement parameter as PostgreSQL reads it from text (see executeRead). */
function textParam(value: unknown): unknown {
  if (value === null || typeof value === 'string' || typeof value === 'number') return value;
  if (typeof value === 'boolean' || typeof value === 'bigint') return String(value);
  // Both time zones' columns read an ISO instant in UTC as MikroORM writes it (forceUtcTimezone).
  if (value instanceof Date) return value.toISOString();
  throw new Error(`executeRead: a parameter must be text, a number, a boolean, a date or null`);
}

/**
 * A read statement's rows. `sql` marks its parameters with `?` (MikroORM's way) and has no
 * other `?`; a list goes in as one array literal (sql-arrays.ts).
 *
 * Inside a transaction (a write that reads first) it is `em.execute` on the transaction's
 * connection. Outside one it goes straight to the pool under MikroORM, with `$n` parameters:
 * `em.execute` formats every value into the statement's text and passes it through Kysely's
 * connection provider, about 15 µs of CPU per statement, and a page of orders sends 26
 * (BENCHMARKS.md). The pool is the same one, with MikroORM's type parsers, so the rows are the
 * same; errors are converted as MikroORM's (db-errors.ts reads them), and MikroORM's logger
 * sees the statement (tests count statements with it).
 */
export async function executeRead<T = Record<string, unknown>>(
  em: EntityManager,
  sql: string,
  params: unknown[] = [],
): Promise<T[]> {
  if (em.getTransactionContext()) return em.execute<T[]>(sql, params);
  const connection = em.getConnection();
  let pool = pools.get(connection);
  if (!pool) {
    pool = (await connection.getNativeClient()) as pg.Pool;
    pools.set(connection, pool);
  }
  let n = 0;
  const text = sql.replace(/\?/g, () => `$${++n}`);
  if (n !== params.length) {
    throw new Error(`executeRead: ${n} placeholders for ${params.length} parameters`);
  }
  const logger = em.config.getLogger();
  const started = Date.now();
  try {
    const result = await pool.query(text, params.map(textParam));
    if (logger.isEnabled('query')) {
      logger.logQuery({ query: text, took: Date.now() - started, results: result.rowCount ?? 0 });
    }
    return result.rows as T[];
  } catch (err) {
    if (logger.isEnabled('query')) logger.logQuery({ query: text, level: 'error' });
    throw em.getDriver().convertException(err as Error);
  }
}

function mapRows<T>(mapping: Mapping, raw: Record<string, unknown>[]): T[] {
  const rows: T[] = new Array(raw.length);
  for (let i = 0; i < raw.length; i++) {
    const row: Record<string, unknown> = {};
    for (const column of mapping.columns) row[column.name] = column.read(raw[i][column.field]);
    rows[i] = row as T;
  }
  return rows;
}

/**
 * The columns of `entity` for a hand-written `select` or `returning` list, each prefixed with
 * `alias.` when given (where tables are joined); read the rows back with `entityRows`.
 */
export function selectColumns(
  em: EntityManager,
  entity: EntityClass<object>,
  alias?: string,
): string {
  return selectOf(mappingOf(em, em.getMetadata().get(entity) as EntityMetadata).columns, alias);
}

/**
 * Rows of a hand-written statement that selected `selectColumns(entity)` as readRows returns
 * them: plain, entity-shaped, not managed. Other columns the statement selected are left out
 * (read them from the raw rows, index by index).
 */
export function entityRows<T extends object>(
  em: EntityManager,
  entity: EntityClass<T>,
  raw: Record<string, unknown>[],
): T[] {
  return mapRows(mappingOf(em, em.getMetadata().get<T>(entity) as EntityMetadata), raw);
}

/** How many rows of `entity` match `where` (as in readRows). */
export async function countRows<T extends object>(
  em: EntityManager,
  entity: EntityClass<T>,
  where: Where<T>,
): Promise<number> {
  const meta = em.getMetadata().get<T>(entity) as EntityMetadata;
  const mapping = mappingOf(em, meta);
  const found = conditionsOf(meta, mapping, where);
  if (!found) return 0;
  let sql = `select count(*) as count from ${mapping.table}`;
  if (found.conditions.length) sql += ` where ${found.conditions.join(' and ')}`;
  const [{ count }] = await executeRead<{ count: string }>(em, sql, found.params);
  return Number(count);
}

/**
 * An explicit write (`insert`, `update`, `delete` without its `returning`) that answers the rows
 * it wrote as readRows would: `sql` gets `returning <the entity's columns>` appended.
 */
export async function returningRows<T extends object>(
  em: EntityManager,
  entity: EntityClass<T>,
  sql: string,
  params: unknown[],
): Promise<T[]> {
  const meta = em.getMetadata().get<T>(entity) as EntityMetadata;
  const mapping = mappingOf(em, meta);
  const raw = await em.execute<Record<string, unknown>[]>(
    `${sql} returning ${mapping.select}`,
    params,
  );
  return mapRows(mapping, raw);
}
