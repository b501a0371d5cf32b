import 'reflect-metadata';
import type { MikroORM } from '@mikro-orm/postgresql';
import pino, { type Logger } from 'pino';
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import { signingSecret } from './platform/auth/secret.ts';
import { loadConfig, type Config } from './platform/config.ts';
import { serviceDataDir } from './platform/data-dir.ts';
import { openDatabase } from './platform/db/orm.ts';
import { startEmbeddedPostgres, type EmbeddedDatabase } from './platform/db/embedded.ts';
import { createHttpApp } from './platform/http/server.ts';
import {
  startSubscriptionServer,
  type SubscriptionServer,
} from './platform/events/subscription-server.ts';
import { placeDemoOrders } from './demo-orders.ts';
import { modules } from './modules.ts';
import { anyAdmin, ensureFirstAdmin } from './platform/accounts/first-admin.ts';
import { createSchema } from './schema.ts';

export interface RunningApp {
  url: string;
  port: number;
  orm: MikroORM;
  config: Config;
  /** graphql-ws and the live order-event hub of this process (stats for tests and benchmarks). */
  subscriptions: SubscriptionServer;
  /** Graceful stop: HTTP and WebSockets drained, jobs stopped, database closed. */
  close(): Promise<void>;
}

export interface StartOptions {
  config?: Partial<Config>;
  /** Seed the demo data unless it is complete; default: `config.seedDemoData`. */
  seed?: boolean;
  onQuery?: (sql: string) => void;
}

/**
 * Adds whatever demo data is missing (`npm run seed`), then notes that it is complete. With
 * `orders` (the default) that includes a few orders of every kind (src/demo-orders.ts); the
 * tests' template leaves them out, so each test starts from the catalogues and accounts alone.
 */
export async function seedDemoData(
  orm: MikroORM,
  { orders = true }: { orders?: boolean } = {},
): Promise<void> {
  for (const module of modules) {
    if (module.seed) await module.seed(orm.em.fork());
  }
  if (orders) await placeDemoOrders(orm);
  await orm.em
    .getConnection()
    .execute('insert into demo_data_seeded default values on conflict do nothing');
}

/** Whether the demo data was once seeded in full (a first start may have stopped mid-seed). */
async function demoDataComplete(orm: MikroORM): Promise<boolean> {
  const rows = await orm.em.getConnection().execute('select 1 from demo_data_seeded');
  return rows.length > 0;
}

/**
 * Starts the service: the database (embedded unless DATABASE_URL is set), migrations, the token
 * signing secret (JWT_SECRET, else the one kept in the database), missing demo data, module
 * jobs, and the HTTP + WebSocket server. Rejects with ListenError when the port cannot be
 * opened, after stopping what it had started.
 */
export async function startApp(options: StartOptions = {}): Promise<RunningApp> {
  const config = { ...loadConfig(), ...options.config };
  const log: Logger = pino({
    level: config.logLevel,
    base: { service: 'orderly' },
    // Nothing logs these today; should one ever be passed along, it is censored.
    redact: ['password', '*.password', 'token', '*.token', 'authorization', '*.authorization'],
  });
  let embedded: EmbeddedDatabase | undefined;
  let url = config.databaseUrl;
  if (!url) {
    embedded = await startEmbeddedPostgres(config.dataDir, {
      note: (message) => log.warn(message),
    });
    url = embedded.url;
    log.info({ dataDir: serviceDataDir(config) }, 'embedded PostgreSQL started');
  }
  const seed = options.seed ?? config.seedDemoData;
  let orm: MikroORM;
  try {
    orm = await openDatabase(
      modules,
      {
        url,
        statementTimeoutMs: config.statementTimeoutMs,
        connectTimeoutMs: config.databaseConnectTimeoutMs,
        onWarning: (message) => log.warn(message),
        onQuery: options.onQuery,
      },
      // Under the start-up lock: processes starting together seed once, one after the other.
      async (orm) => {
        config.jwtSecret = await signingSecret(orm, config.jwtSecret);
        // Until the demo data is complete, not only on an empty database: a start interrupted
        // mid-seed is completed by the next one. Once complete, never again on start, so a demo
        // account or product an operator deleted stays deleted (`npm run seed` restores it).
        if (seed && !(await demoDataComplete(orm))) await seedDemoData(orm);
        const admin = await ensureFirstAdmin(orm.em.fork(), config);
        if (admin) log.warn({ consumerId: admin }, 'created the first ADMIN (INITIAL_ADMIN_*)');
        else if (config.production && !(await anyAdmin(orm.em.fork()))) {
          log.warn('no ADMIN exists: set INITIAL_ADMIN_PASSWORD to create the first one');
        }
      },
    );
  } catch (err) {
    await embedded?.stop();
    throw err;
  }
  if (seed) log.info('demo data in place');
  const schema = await createSchema(modules);
  // graphql-ws beside HTTP on /graphql: the HTTP server hands it its upgrades and closes it first.
  const subscriptions = await startSubscriptionServer(schema, orm, config, log);
  const http = await createHttpApp(schema, orm, config, log, subscriptions);
  const jobs = modules.flatMap((m) => (m.start ? [m.start({ orm, config, log })] : []));
  let closing: Promise<void> | undefined;
  const close = () => {
    closing ??= (async () => {
      await http.close();
      for (const stop of jobs) await stop();
      await orm.close(true);
      await embedded?.stop();
    })();
    return closing;
  };
  try {
    await listen(http.httpServer, config.port, config.host);
  } catch (err) {
    await close();
    throw err;
  }
  const port = (http.httpServer.address() as AddressInfo).port;
  const shownHost = config.host === '0.0.0.0' ? 'localhost' : config.host;
  return {
    url: `http://${shownHost}:${port}/graphql`,
    port,
    orm,
    config,
    subscriptions,
    close,
  };
}

/** The HTTP port could not be opened (taken, or not ours to use); the message says which. */
export class ListenError extends Error {}

function listen(server: Server, port: number, host: string): Promise<void> {
  return new Promise((done, fail) => {
    const refused = (err: NodeJS.ErrnoException) => {
      const where = `${host}:${port}`;
      fail(
        new ListenError(
          err.code === 'EADDRINUSE'
            ? `cannot listen on ${where}: the port is already in use (set PORT to another one)`
            : err.code === 'EACCES'
              ? `cannot listen on ${where}: permission denied (set PORT to one above 1023)`
              : `cannot listen on ${where}: ${err.message}`,
        ),
      );
    };
    server.once('error', refused);
    server.listen(port, host, () => {
      server.off('error', refused);
      done();
    });
  });
}
