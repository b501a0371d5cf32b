import DataLoader from 'dataloader';
import type { EntityManager } from '@mikro-orm/postgresql';

/**
 * Per-operation DataLoaders, created lazily by name so each domain can add its own without
 * this file knowing them. A field resolver asks `ctx.loaders.get('x', batchFn)`; every parent
 * in the same tick shares one batch, so a list of N parents costs one query, not N.
 */
export class Loaders {
  private readonly byName = new Map<string, DataLoader<unknown, unknown>>();

  constructor(readonly em: EntityManager) {}

  get<K, V>(
    name: string,
    batch: (keys: readonly K[], em: EntityManager) => Promise<readonly (V | Error)[]>,
  ): DataLoader<K, V> {
    let loader = this.byName.get(name) as DataLoader<K, V> | undefined;
    if (!loader) {
      loader = new DataLoader<K, V>((keys) => batch(keys, this.em), { cache: true });
      this.byName.set(name, loader as DataLoader<unknown, unknown>);
    }
    return loader;
  }
}

/** Orders `rows` as `keys` asks, grouping by `keyOf`: the shape DataLoader wants for to-many loads. */
export function groupByKeys<K, V>(keys: readonly K[], rows: V[], keyOf: (row: V) => K): V[][] {
  const groups = new Map<K, V[]>();
  for (const row of rows) {
    const key = keyOf(row);
    const list = groups.get(key);
    if (list) list.push(row);
    else groups.set(key, [row]);
  }
  return keys.map((k) => groups.get(k) ?? []);
}

/** One row per key (or null): the shape DataLoader wants for to-one loads. */
export function indexByKeys<K, V>(
  keys: readonly K[],
  rows: V[],
  keyOf: (row: V) => K,
): (V | null)[] {
  const byKey = new Map<K, V>();
  for (const row of rows) byKey.set(keyOf(row), row);
  return keys.map((k) => byKey.get(k) ?? null);
}
