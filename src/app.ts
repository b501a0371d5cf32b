import 'reflect-metadata';
import type { MikroORM } from '@mikro-orm/postgresql';
import pino, { type Logger } from 'pino';
import type { AddressInfo } from 'node:net';
import { loadConfig, type Config } from './platform/config';
import { openDatabase } from './platform/db/orm';
import { startEmbeddedPostgres, type EmbeddedDatabase } from './platform/db/embedded';
import { createHttpApp } from './platform/http/server';
import type { SubscriptionServer } from './platform/events/subscription-server';
import { modules } from './modules';
import { createSchema } from './schema';

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
  /** Seed demo data when the database has no consumers yet (what `npm start` does). */
  seed?: boolean;
  onQuery?: (sql: string) => void;
}

export async function seedDemoData(orm: MikroORM): Promise<void> {
  for (const module of modules) {
    if (module.seed) await module.seed(orm.em.fork());
  }
}

/**
 * Starts the service: the database (embedded unless DATABASE_URL is set), migrations, demo data
 * on an empty database, module jobs, and the HTTP + WebSocket server.
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
    embedded = await startEmbeddedPostgres(config.dataDir);
    url = embedded.url;
    log.info({ dataDir: config.dataDir }, 'embedded PostgreSQL started');
  }
  let orm: MikroORM;
  try {
    orm = await openDatabase(modules, {
      url,
      statementTimeoutMs: config.statementTimeoutMs,
      connectTimeoutMs: config.databaseConnectTimeoutMs,
      onWarning: (message) => log.warn(message),
      onQuery: options.onQuery,
    });
  } catch (err) {
    await embedded?.stop();
    throw err;
  }
  if (options.seed) {
    const [{ count }] = await orm.em
      .fork()
      .execute<{ count: string }[]>('select count(*) from consumers');
    if (Number(count) === 0) {
      await seedDemoData(orm);
      log.info('demo data seeded');
    }
  }
  const schema = await createSchema(modules);
  const http = await createHttpApp(schema, orm, config, log);
  const jobs = modules.flatMap((m) => (m.start ? [m.start({ orm, config, log })] : []));
  await new Promise<void>((done) => http.httpServer.listen(config.port, config.host, done));
  const port = (http.httpServer.address() as AddressInfo).port;
  const shownHost = config.host === '0.0.0.0' ? 'localhost' : config.host;
  let closing: Promise<void> | undefined;
  return {
    url: `http://${shownHost}:${port}/graphql`,
    port,
    orm,
    config,
    subscriptions: http.subscriptions,
    close() {
      closing ??= (async () => {
        await http.close();
        for (const stop of jobs) await stop();
        await orm.close(true);
        await embedded?.stop();
      })();
      return closing;
    },
  };
}
