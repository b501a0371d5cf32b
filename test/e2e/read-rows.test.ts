import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EntityManager } from '@mikro-orm/postgresql';
import {
  entityRows,
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
});
