import { readFileSync, readlinkSync, realpathSync, unlinkSync } from 'node:fs';
import { join } from 'node:path';
import { EmbeddedDatabaseError } from './embedded-host.ts';

/** Set in the environment of the PostgreSQL server this process starts: who started it. */
export const OWNER_VARIABLE = 'ORDERLY_OWNER_PID';

/** `/proc/<pid>/stat`'s state and parent, or undefined once the process is gone (or a zombie). */
function procStat(pid: number): { ppid: number } | undefined {
  let stat: string;
  try {
    stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  } catch {
    return undefined;
  }
  // "pid (comm) state ppid ...": comm may hold spaces and parentheses, so split after the last ')'.
  const [state, ppid] = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return state === 'Z' || state === 'X' ? undefined : { ppid: Number(ppid) };
}

function ownerOf(pid: number): number | undefined {
  try {
    const environ = readFileSync(`/proc/${pid}/environ`, 'utf8').split('\0');
    const entry = environ.find((e) => e.startsWith(`${OWNER_VARIABLE}=`));
    return entry ? Number(entry.slice(OWNER_VARIABLE.length + 1)) : undefined;
  } catch {
    return undefined;
  }
}

async function exited(pid: number, withinMs: number): Promise<boolean> {
  const deadline = Date.now() + withinMs;
  while (procStat(pid)) {
    if (Date.now() > deadline) return false;
    await new Promise((r) => setTimeout(r, 50));
  }
  return true;
}

/**
 * Before starting PostgreSQL on `cluster`: a server an earlier run left there (the service was
 * killed with SIGKILL, or crashed) is stopped, and a lock file naming a process that is no
 * PostgreSQL of this cluster (its pid reused since) is removed; PostgreSQL would refuse either.
 * Refuses when the server belongs to an Orderly process that is still running.
 */
export async function clearLeftoverServer(
  cluster: string,
  note: (message: string) => void,
): Promise<void> {
  const lockFile = join(cluster, 'postmaster.pid');
  let pid: number;
  try {
    pid = Number(readFileSync(lockFile, 'utf8').split('\n')[0]);
  } catch {
    return;
  }
  const stat = Number.isInteger(pid) && pid > 0 ? procStat(pid) : undefined;
  // No such process: PostgreSQL removes such a lock file by itself.
  if (!stat) return;
  let cwd: string;
  try {
    cwd = readlinkSync(`/proc/${pid}/cwd`);
  } catch {
    throw new EmbeddedDatabaseError(
      `${lockFile} names process ${pid}, which this user cannot inspect: if no PostgreSQL runs ` +
        `on ${cluster}, remove that file`,
    );
  }
  // A postmaster works in its data directory.
  if (cwd !== realpathSync(cluster)) {
    unlinkSync(lockFile);
    note(`removed ${lockFile}: its process ${pid} is not a PostgreSQL of this cluster`);
    return;
  }
  const owner = ownerOf(pid);
  if (owner !== undefined && stat.ppid === owner) {
    throw new EmbeddedDatabaseError(
      `the embedded PostgreSQL in ${cluster} is in use by another Orderly process (pid ${owner}): ` +
        `stop that one first, or give this one its own ORDERLY_DATA_DIR (processes that share ` +
        `a database use DATABASE_URL)`,
    );
  }
  note(`stopping the PostgreSQL (pid ${pid}) an earlier run left running on ${cluster}`);
  // Fast shutdown, then immediate, then the end of it.
  for (const [signal, ms] of [
    ['SIGINT', 15_000],
    ['SIGQUIT', 5_000],
    ['SIGKILL', 5_000],
  ] as const) {
    try {
      process.kill(pid, signal);
    } catch {
      return;
    }
    if (await exited(pid, ms)) return;
  }
  throw new EmbeddedDatabaseError(
    `the PostgreSQL (pid ${pid}) an earlier run left on ${cluster} does not stop; stop it by hand`,
  );
}
