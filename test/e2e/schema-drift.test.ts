import {
  DatabaseSchema,
  SchemaComparator,
  type Column,
  type MikroORM,
  type SchemaDifference,
} from '@mikro-orm/postgresql';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { modules } from '../../src/modules.ts';
import { openDatabase } from '../../src/platform/db/orm.ts';
import { createTestDatabase, dropTestDatabase } from '../utils/test-app.ts';

/*
 * The guard that the entities and the committed migrations describe the same tables and columns.
 * It asks MikroORM's schema comparator (what `getUpdateSchemaSQL()` prints from) what it would
 * change in a database built by the migrations alone. Constraints, indexes, foreign keys and
 * triggers are left out on purpose: the migrations own them as hand-written SQL (exclusion
 * constraints, partial indexes, CHECKs) that entities do not declare. Column-level differences
 * must be listed below, each with why it is harmless.
 */

/** Tables the migrations create that no entity maps. */
const TABLES_WITHOUT_ENTITY: Record<string, string> = {
  driver_order_drivers: "a driver order's drivers: written and read with raw SQL only",
  insurance_settings: 'the one-row driver fee: read with raw SQL only',
  demo_data_seeded: 'the one-row "demo data complete" mark: read and written with raw SQL only',
  auth_secret: 'the one-row generated signing secret: read and written with raw SQL only',
  auth_sessions: 'login sessions: read and written with raw SQL only (session.service.ts)',
  rate_buckets: 'mutation budgets: written by the rate_bucket_take function',
  rate_login_attempts: 'logins in flight: written by rate_login_begin / rate_login_end',
  rate_login_failures: 'failed logins: written by rate_login_begin / rate_login_end',
};

/** Columns the migrations create that no entity property maps. */
const COLUMNS_WITHOUT_PROPERTY: Record<string, string> = {
  'order_events.tx_id':
    'xid8 set by its default and the follow-order trigger; the live hub reads it with raw SQL',
};

/** Column types that differ in name only: each pair stores every value the entity can hold. */
const EQUIVALENT_TYPES: { db: string; entity: string; why: string }[] = [
  {
    db: 'text',
    entity: 'varchar(255)',
    why: 'migrations use text (lengths are CHECKs); an entity string without a length reads as varchar(255)',
  },
  {
    db: 'timestamptz(3)',
    entity: 'timestamptz',
    why: 'the insurance tables keep milliseconds, all a JS Date holds; entities leave precision unset',
  },
];

/** Entity defaults the database does not have. */
const ENTITY_ONLY_DEFAULTS: Record<string, string> = {
  'orders.status':
    "inferred by MikroORM from the property's initializer; every insert writes the status",
};

/** bigint identity (migrations) against bigserial (entities): both number rows from a sequence. */
function sameAutoincrementKey(db: Column, entity: Column): boolean {
  return (
    db.type === 'int8' &&
    !!db.autoincrement &&
    db.generated === 'by default as identity' &&
    entity.type === 'bigserial' &&
    !!entity.autoincrement
  );
}

/** What the database built by the migrations has that the entities do not say, and back. */
function columnDrift(diff: SchemaDifference, used: Set<string>): string[] {
  const drift: string[] = [];
  for (const table of Object.values(diff.newTables)) {
    drift.push(`${table.name}: an entity's table, which no migration creates`);
  }
  for (const table of Object.values(diff.removedTables)) {
    if (table.name in TABLES_WITHOUT_ENTITY) used.add(table.name);
    else drift.push(`${table.name}: a table of the migrations that no entity maps`);
  }
  for (const tableDiff of Object.values(diff.changedTables)) {
    const table = tableDiff.toTable.name;
    const { addedColumns: added, removedColumns: removed } = tableDiff;
    for (const [name, column] of Object.entries(removed)) {
      const key = `${table}.${name}`;
      // MikroORM reports a changed identity kind as the column dropped and added again.
      if (added[name] && sameAutoincrementKey(column, added[name])) continue;
      if (key in COLUMNS_WITHOUT_PROPERTY) used.add(key);
      else drift.push(`${key}: a ${column.type} column of the migrations with no entity property`);
    }
    for (const [name, column] of Object.entries(added)) {
      if (removed[name] && sameAutoincrementKey(removed[name], column)) continue;
      drift.push(`${table}.${name}: an entity property (${column.type}) with no column`);
    }
    for (const name of Object.keys(tableDiff.renamedColumns)) {
      drift.push(`${table}.${name}: MikroORM would rename this column`);
    }
    for (const [name, { fromColumn: db, column: entity, changedProperties }] of Object.entries(
      tableDiff.changedColumns,
    )) {
      const key = `${table}.${name}`;
      for (const property of changedProperties) {
        if (property === 'type') {
          const pair = EQUIVALENT_TYPES.find((t) => t.db === db.type && t.entity === entity.type);
          if (pair) used.add(`${pair.db} ~ ${pair.entity}`);
          else drift.push(`${key}: type ${db.type} in the database, ${entity.type} in the entity`);
        } else if (property === 'default') {
          // A database default the entity does not declare only fills inserts that omit it.
          if (entity.default == null) continue;
          if (key in ENTITY_ONLY_DEFAULTS) used.add(key);
          else
            drift.push(
              `${key}: default ${db.default} in the database, ${entity.default} in the entity`,
            );
        } else if (property === 'enumItems') {
          // Enum items are CHECK constraints, which the migrations own (see above).
          continue;
        } else {
          drift.push(
            `${key}: ${property} ${String(db[property as keyof Column])} in the database, ` +
              `${String(entity[property as keyof Column])} in the entity`,
          );
        }
      }
    }
  }
  return drift.sort();
}

const allowListKeys = () => [
  ...Object.keys(TABLES_WITHOUT_ENTITY),
  ...Object.keys(COLUMNS_WITHOUT_PROPERTY),
  ...EQUIVALENT_TYPES.map((t) => `${t.db} ~ ${t.entity}`),
  ...Object.keys(ENTITY_ONLY_DEFAULTS),
];

describe('entities and committed migrations', () => {
  let url: string;
  let orm: MikroORM;
  let database: DatabaseSchema;

  beforeAll(async () => {
    // A clone of the test template: the committed migrations, applied as on start, and nothing else.
    url = await createTestDatabase();
    orm = await openDatabase(modules, { url });
    const driver = orm.em.getDriver();
    database = await DatabaseSchema.create(
      driver.getConnection(),
      driver.getPlatform(),
      orm.config,
    );
  });
  afterAll(async () => {
    await orm?.close(true);
    if (url) await dropTestDatabase(url);
  });

  const compare = (entities: DatabaseSchema) =>
    new SchemaComparator(orm.em.getDriver().getPlatform()).compare(database, entities);

  it('agree on every table and column, so nothing needs a schema sync', () => {
    const used = new Set<string>();
    expect(columnDrift(compare(orm.schema.getTargetSchema()), used)).toEqual([]);
    // An allow-list entry nothing needs any more is one to delete.
    expect(allowListKeys().filter((key) => !used.has(key))).toEqual([]);
  });

  it('notices an entity column no migration created, and a nullability the migrations do not have', () => {
    const baseline = columnDrift(compare(orm.schema.getTargetSchema()), new Set());
    // The entities' schema as MikroORM reads it, with a property added and one made nullable.
    const entities = orm.schema.getTargetSchema();
    const orders = entities.getTable('orders')!;
    orders.addColumn({ ...orders.getColumn('status_label')!, name: 'gift_note' });
    orders.getColumn('payment')!.nullable = true;
    expect(columnDrift(compare(entities), new Set())).toEqual(
      [
        ...baseline,
        'orders.gift_note: an entity property (varchar(255)) with no column',
        'orders.payment: nullable false in the database, true in the entity',
      ].sort(),
    );
  });
});
