import {
  MikroORM,
  defineConfig,
  type LogContext,
  type Logger,
  type LoggerNamespace,
  type Options,
} from '@mikro-orm/postgresql';
import { Migrator } from '@mikro-orm/migrations';
import type { DomainModule } from '../module.ts';
import { installOrderKinds } from '../orders/order-kinds.ts';
import { underStartupLock } from './startup-lock.ts';

export interface OrmOptions {
  url: string;
  statementTimeoutMs?: number;
  /** Longest wait to open a connection or get one from the pool (default 3000 ms). */
  connectTimeoutMs?: number;
  poolMax?: number;
  /** Where the driver's warnings go (a dropped connection, say); silent when unset. */
  onWarning?: (message: string) => void;
  /** Log every SQL statement through this function (tests count statements with it). */
  onQuery?: (sql: string) => void;
}

/** MikroORM configuration for the given modules; `mikro-orm.config.ts` uses it for the CLI. */
export function ormConfig(modules: DomainModule[], options: OrmOptions): Options {
  const connectTimeoutMs = options.connectTimeoutMs ?? 3000;
  return defineConfig({
    clientUrl: options.url,
    entities: modules.flatMap((m) => m.entities),
    extensions: [Migrator],
    // Schema changes only through the committed migrations, never synced at run time.
    migrations: {
      migrationsList: modules.flatMap((m) => m.migrations),
      transactional: true,
      allOrNothing: true,
      snapshot: false,
    },
    pool: { min: 0, max: options.poolMax ?? 20 },
    // Passed to pg's Pool as they are.
    driverOptions: {
      // Names the service's sessions in pg_stat_activity (the live hub's are orderly-live-*).
      application_name: 'orderly',
      statement_timeout: options.statementTimeoutMs ?? 5000,
      // With the database down, a request fails within connectTimeoutMs (opening a connection or
      // waiting for a free one) instead of queueing; the pool opens fresh ones once it is back.
      connectionTimeoutMillis: connectTimeoutMs,
    },
    loggerFactory: () => new OrmLogger(options),
    // One EntityManager fork per operation is passed explicitly; the global one must never be used.
    allowGlobalContext: false,
    forceUtcTimezone: true,
    ignoreUndefinedInQuery: true,
  });
}

/**
 * MikroORM's logger: each statement's SQL to `onQuery`, warnings (the pool's dropped
 * connections) to `onWarning`; nothing else, and nothing to the console.
 */
class OrmLogger implements Logger {
  constructor(private readonly options: Pick<OrmOptions, 'onQuery' | 'onWarning'>) {}
  log(): void {}
  error(_namespace: string, message: string): void {
    this.options.onWarning?.(message);
  }
  warn(_namespace: string, message: string): void {
    this.options.onWarning?.(message);
  }
  logQuery(context: LogContext): void {
    if (context.query !== undefined) this.options.onQuery?.(context.query);
  }
  setDebugMode(): void {}
  isEnabled(namespace: LoggerNamespace): boolean {
    return namespace === 'query' && this.options.onQuery !== undefined;
  }
}

export class DatabaseUnavailableError extends Error {}

/**
 * Makes the modules' order kinds known (installOrderKinds), connects, fails with one clear
 * line when the database cannot be reached, then, holding the start-up lock (several
 * processes may be starting at once), migrates up and runs `prepare` (demo data, the first
 * ADMIN). Closes the connection again when any of it fails.
 */
export async function openDatabase(
  modules: DomainModule[],
  options: OrmOptions,
  prepare?: (orm: MikroORM) => Promise<void>,
): Promise<MikroORM> {
  let parsed: URL | undefined;
  try {
    parsed = new URL(options.url);
  } catch {
    // reported below
  }
  if (!parsed || !/^postgres(ql)?:$/.test(parsed.protocol) || parsed.pathname.length < 2) {
    throw new DatabaseUnavailableError(
      `DATABASE_URL must look like postgres://user:password@host:5432/database, got ${redact(options.url)}`,
    );
  }
  const unreachable = (reason: string) =>
    new DatabaseUnavailableError(
      `cannot connect to the database at ${redact(options.url)}: ${reason}`,
    );
  // The kinds whose rows this database holds are the ones createOrder and transition know.
  installOrderKinds(modules);
  let orm: MikroORM;
  try {
    orm = await MikroORM.init(ormConfig(modules, options));
    // The connection is lazy: open it now, so an unreachable database is reported at start.
    await orm.connect();
  } catch (err) {
    throw unreachable(err instanceof Error ? err.message : String(err));
  }
  const check = await orm.checkConnection();
  if (!check.ok) {
    await orm.close(true);
    throw unreachable(check.reason);
  }
  try {
    await underStartupLock(
      options.url,
      async () => {
        await orm.migrator.up();
        await prepare?.(orm);
      },
      () => options.onWarning?.('another process is migrating or seeding: waiting for it'),
    );
  } catch (err) {
    await orm.close(true);
    throw err;
  }
  return orm;
}

/** The URL without its password, fit for a log line. */
export function redact(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = '***';
    return parsed.toString();
  } catch {
    return '(unparseable DATABASE_URL)';
  }
}
