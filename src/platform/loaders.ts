import DataLoader from 'dataloader';
import type { EntityManager } from '@mikro-orm/postgresql';

/** A value, or a promise of it while its batch is still on its way. */
export type MaybePromise<T> = T | Promise<T>;

/** Loads the values of a batch of keys, in the keys' order (an Error for a key that failed). */
export type Batch<K, V> = (
  keys: readonly K[],
  em: EntityManager,
) => Promise<readonly (V | Error)[]>;

/**
 * A batched load, declared once at module level in its domain's `<domain>.loaders.ts` (or
 * beside its platform feature) with `defineLoader`. Its name is its identity in each
 * operation's `Loaders`: a load whose batch depends on arguments (a page window) names them.
 */
export interface LoaderDefinition<K, V> {
  readonly name: string;
  readonly batch: Batch<K, V>;
}

export function defineLoader<K, V>(name: string, batch: Batch<K, V>): LoaderDefinition<K, V> {
  return { name, batch };
}

/**
 * Per-operation DataLoaders, created lazily from their definitions, so each domain can add its
 * own without this file knowing them. A field resolver asks `ctx.loaders.get(definition)`;
 * every parent in the same tick shares one batch, so a list of N parents costs one query, not N.
 *
 * Each loader also keeps the values its batches brought (`peek`, `now`): a field whose row is
 * already here returns it as a plain value, and graphql-js completes a plain value without the
 * promise, microtasks and async-function frame an awaited load costs, on every field.
 */
export class Loaders {
  private readonly loaders = new Map<
    string,
    { loader: DataLoader<unknown, unknown>; values: Map<unknown, unknown> }
  >();

  constructor(readonly em: EntityManager) {}

  private entry<K, V>(definition: LoaderDefinition<K, V>) {
    let entry = this.loaders.get(definition.name);
    if (!entry) {
      const values = new Map<unknown, unknown>();
      const loader = new DataLoader<K, V>(
        async (keys) => {
          const found = await definition.batch(keys, this.em);
          for (let i = 0; i < keys.length; i++) {
            if (!(found[i] instanceof Error)) values.set(keys[i], found[i]);
          }
          return found;
        },
        { cache: true },
      );
      entry = { loader: loader as DataLoader<unknown, unknown>, values };
      this.loaders.set(definition.name, entry);
    }
    return entry as { loader: DataLoader<K, V>; values: Map<K, V> };
  }

  get<K, V>(definition: LoaderDefinition<K, V>): DataLoader<K, V> {
    return this.entry(definition).loader;
  }

  /** The value a batch of this loader already brought for `key`, or undefined. */
  peek<K, V>(definition: LoaderDefinition<K, V>, key: K): V | undefined {
    return this.loaders.get(definition.name)?.values.get(key) as V | undefined;
  }

  /**
   * Gives `key` its value without a batch of its own: another load already brought that row
   * (plan items come with their plans), so this loader answers it from there.
   */
  prime<K, V>(definition: LoaderDefinition<K, V>, key: K, value: V): void {
    const { loader, values } = this.entry(definition);
    if (values.has(key)) return;
    values.set(key, value);
    loader.prime(key, value);
  }

  /** `get(definition).load(key)`, but the value itself when a batch already brought it. */
  now<K, V>(definition: LoaderDefinition<K, V>, key: K): MaybePromise<V> {
    const { loader, values } = this.entry(definition);
    return values.has(key) ? values.get(key)! : loader.load(key);
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

/** The values of `list`: a plain array when every one is here, else a promise of them. */
export function allOf<T>(list: MaybePromise<T>[]): MaybePromise<T[]> {
  return list.some((value) => value instanceof Promise) ? Promise.all(list) : (list as T[]);
}

/**
 * Orders `rows` as `keys` asks, grouping by `keyOf` (given each row and its index): the shape
 * DataLoader wants for to-many loads.
 */
export function groupByKeys<K, V>(
  keys: readonly K[],
  rows: V[],
  keyOf: (row: V, index: number) => K,
): V[][] {
  const groups = new Map<K, V[]>();
  for (let i = 0; i < rows.length; i++) {
    const row = rows[i];
    const key = keyOf(row, i);
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
