import type { Migration } from '@mikro-orm/migrations';
import type { EntityManager } from '@mikro-orm/postgresql';
import type { MikroORM } from '@mikro-orm/postgresql';
import type { Logger } from 'pino';
import type { Config } from './config.ts';
import type { OrderKindDefinition } from './orders/order-kinds.ts';

export interface MigrationEntry {
  name: string;
  class: new (...args: any[]) => Migration;
}

/** What a running module's background work gets: the ORM (fork its em), config and logger. */
export interface ModuleRuntime {
  orm: MikroORM;
  config: Config;
  log: Logger;
}

/**
 * One business domain (or the platform itself) as the app wires it: its entities, resolvers,
 * GraphQL types reachable only through interfaces, migrations, order kinds, demo data and
 * background jobs. `src/modules.ts` lists them; nothing else needs to know a domain exists,
 * and nothing is registered by importing a file: the app composes what the modules declare.
 */
export interface DomainModule {
  name: string;
  entities: (new (...args: any[]) => object)[];
  resolvers: (new (...args: any[]) => object)[];
  /** Object types that implement an interface and are not otherwise referenced. */
  orphanedTypes?: (new (...args: any[]) => object)[];
  migrations: MigrationEntry[];
  /** The order kinds the domain adds: their state tables, hooks and prefetches. */
  orderKinds?: OrderKindDefinition[];
  /** Adds the module's demo data; must be idempotent (safe on every start). */
  seed?(em: EntityManager): Promise<void>;
  /** Starts background work (timers, listeners); returns how to stop it. */
  start?(runtime: ModuleRuntime): () => Promise<void> | void;
}
