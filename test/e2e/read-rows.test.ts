import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EntityManager } from '@mikro-orm/postgresql';
import { DriverException } from '@mikro-orm/core';
import {
  entityRows,
  executeRead,
  readRows,
  returningRows,
  selectColumns,
} from '../../src/platform/db/read-rows.ts';
import { Capability } from '../../src/chip/chip.entity.ts';
import { Plant } from '../../src/chip/plant.entity.ts';
import { startTestApp, type TestApp } from '../utils/test-app.ts';

// The read path every domain shares (src/platform/db/read-rows.ts): rows mapped by the entity's
// own metadata, whether readRows wrote the statement or a hand-written one selected the columns.
describe('readRows, entityRows and returningRows', () => {
  let t: TestApp;
  const em = () => t.app.orm.em.fork() as EntityManager;
  const plain = (o: object) => JSON.parse(JSON.stringify(o));

  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(() => t.close());

  it('reads the values em.find reads, custom types and dates included', async () => {
    const found = await em().find(Capability, {}, { orderBy: { id: 'asc' } });
    const rows = await readRows(em(), Capability, {}, { id: 'asc' });
    expect(rows.length).toBeGreaterThan(10);
    expect(rows.map(plain)).toEqual(found.map(plain));
    expect(rows[0].unitCost.constructor).toBe(found[0].unitCost.constructor);

    const [plant] = await em().find(Plant, {}, { orderBy: { id: 'asc' }, limit: 1 });
    const [row] = await readRows(em(), Plant, { id: plant.id });
    expect(row.createdAt).toBeInstanceOf(Date);
    expect(row).toEqual({ ...plain(plant), createdAt: plant.createdAt });
  });

  it('maps the rows of a hand-written join by the entity, leaving the other columns out', async () => {
    const e = em();
    const raw = await e.execute<Record<string, unknown>[]>(
      `select ${selectColumns(e, Capability, 'cap')}, c.name as chip_name
         from chip_capabilities cap join chips c on c.id = cap.chip_id order by cap.id`,
    );
    const mapped = entityRows(e, Capability, raw);
    expect(mapped.map(plain)).toEqual(
      (await readRows(e, Capability, {}, { id: 'asc' })).map(plain),
    );
    expect(mapped[0]).not.toHaveProperty('chip_name');
    expect(typeof raw[0].chip_name).toBe('string');
  });

  it('answers an explicit write with the rows it wrote, mapped as a read maps them', async () => {
    const [before] = await readRows(em(), Plant, {}, { id: 'asc' }, { limit: 1 });
    const [after] = await returningRows(
      em(),
      Plant,
      `update chip_plants set version = version + 1 where id = ?`,
      [before.id],
    );
    expect(after).toEqual({ ...before, version: before.version + 1 });
    expect(await readRows(em(), Plant, { id: before.id })).toEqual([after]);
  });

  it('holds the rows it read locked until its transaction ends: FOR UPDATE, or FOR SHARE', async () => {
    const [plant] = await readRows(em(), Plant, {}, { id: 'asc' }, { limit: 1 });
    const probe = (mode: 'update' | 'share') =>
      t.db.query(`select id from chip_plants where id = $1 for ${mode} nowait`, [plant.id]).then(
        () => 'free',
        (e: { code?: string }) => e.code,
      );
    for (const lock of ['update', 'share'] as const) {
      let release!: () => void;
      const held = new Promise<void>((resolve) => (release = resolve));
      let locked!: () => void;
      const isLocked = new Promise<void>((resolve) => (locked = resolve));
      const tx = em().transactional(async (e) => {
        const rows = await readRows(e, Plant, { id: plant.id }, {}, { lock });
        expect(rows).toHaveLength(1);
        locked();
        await held;
      });
      await isLocked;
      // 55P03: lock_not_available.
      expect(await probe('update')).toBe('55P03');
      expect(await probe('share')).toBe(lock === 'share' ? 'free' : '55P03');
      release();
      await tx;
      expect(await probe('update')).toBe('free');
    }
  });

  it('reads outside a transaction from the pool, inside one on its connection: a write not yet committed is seen only there', async () => {
    const statements: string[] = [];
    const counted = await startTestApp({ onQuery: (sql) => statements.push(sql) });
    try {
      const fork = () => counted.app.orm.em.fork() as EntityManager;
      const [plant] = await readRows(fork(), Plant, {}, { id: 'asc' }, { limit: 1 });
      let release!: () => void;
      const held = new Promise<void>((resolve) => (release = resolve));
      let written!: () => void;
      const isWritten = new Promise<void>((resolve) => (written = resolve));
      const tx = fork().transactional(async (e) => {
        await e.execute(`update chip_plants set version = version + 100 where id = ?`, [plant.id]);
        const [inside] = await readRows(e, Plant, { id: plant.id });
        written();
        expect(inside.version).toBe(plant.version + 100);
        await held;
        throw new Error('roll back');
      });
      await isWritten;
      statements.length = 0;
      const [outside] = await readRows(fork(), Plant, { id: [plant.id, plant.id] });
      expect(outside.version).toBe(plant.version);
      // MikroORM's logger still sees it (the statement counts of the tests rely on it).
      expect(statements).toEqual([
        expect.stringMatching(/from "chip_plants" where "id" = any\(\$1\)/),
      ]);
      release();
      await expect(tx).rejects.toThrow('roll back');
    } finally {
      await counted.close();
    }
  });

  it('takes dates, numbers and lists as parameters, and fails as MikroORM fails', async () => {
    const since = new Date(Date.now() - 3_600_000);
    const [row] = await executeRead<{ later: boolean; n: number; ids: string[] }>(
      em(),
      `select now() > ?::timestamptz as later, ?::int + 1 as n, ?::uuid[] as ids`,
      [since, 41, '{00000000-0000-4000-8000-000000000001}'],
    );
    expect(row).toEqual({ later: true, n: 42, ids: ['00000000-0000-4000-8000-000000000001'] });
    // A database error comes converted (db-errors.ts reads it), not as pg's own error.
    const failed = await executeRead(em(), `select ?::int`, ['not a number']).catch((e) => e);
    expect(failed).toBeInstanceOf(DriverException);
    expect(failed.code).toBe('22P02');
    await expect(executeRead(em(), `select ?, ?`, [1])).rejects.toThrow(
      '2 placeholders for 1 parameters',
    );
  });
});
