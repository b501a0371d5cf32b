import DataLoader from 'dataloader';
import type { EntityManager } from '@mikro-orm/postgresql';

/** A value, or a promise of it while its batch is still on its way. */
export type MaybePromise<T> = T | Promise<T>;

/**
 * Per-operation DataLoaders, created lazily by name so each domain can add its own without
 * this file knowing them. A field resolver asks `ctx.loaders.get('x', batchFn)`; every parent
 * in the same tick shares one batch, so a list of N parents costs one query, not N.
 *
 * Each loader also keeps the values its batches brought (`peek`, `now`): a field whose row is
 * already here returns it as a plain value, and graphql-js completes a plain value without the
 * promise, microtasks and async-function frame an awaited load costs, on every field.
 */
export class Loaders {
  private readonly byName = new Map<string, DataLoader<unknown, unknown>>();
  private readonly settled = new Map<string, Map<unknown, unknown>>();

  constructor(readonly em: EntityManager) {}

  get<K, V>(
    name: string,
    batch: (keys: readonly K[], em: EntityManager) => Promise<readonly (V | Error)[]>,
  ): DataLoader<K, V> {
    let loader = this.byName.get(name) as DataLoader<K, V> | undefined;
    if (!loader) {
      const values = new Map<unknown, unknown>();
      this.settled.set(name, values);
      loader = new DataLoader<K, V>(
        async (keys) => {
          const found = await batch(keys, this.em);
          for (let i = 0; i < keys.length; i++) {
            if (!(found[i] instanceof Error)) values.set(keys[i], found[i]);
          }
          return found;
        },
        { cache: true },
      );
      this.byName.set(name, loader as DataLoader<unknown, unknown>);
    }
    return loader;
  }

  /** The value a batch of loader `name` already brought for `key`, or undefined. */
  peek<K, V>(name: string, key: K): V | undefined {
    return this.settled.get(name)?.get(key) as V | undefined;
  }

  /** `get(name, batch).load(key)`, but the value itself when a batch already brought it. */
  now<K, V>(
    name: string,
    batch: (keys: readonly K[], em: EntityManager) => Promise<readonly (V | Error)[]>,
    key: K,
  ): MaybePromise<V> {
    const values = this.settled.get(name);
    if (values?.has(key)) return values.get(key) as V;
    return this.get(name, batch).load(key);
  }
}

/**
 * `f(value)` at once for a value, after it for a promise: keeps loaded fields synchronous. Not
 * named `then`: a module exporting `then` is a thenable, and `await import()` of it calls that.
 */
export function andThen<T, R>(
  value: MaybePromise<T>,
  f: (value: T) => MaybePromise<R>,
): MaybePromise<R> {
  return value instanceof Promise ? value.then(f) : f(value);
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
