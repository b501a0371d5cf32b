import { chmodSync, existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { temporaryDataDir } from '../../src/platform/db/embedded.ts';
import { DepositDocument, MeDocument } from '../generated/graphql.ts';
import {
  gqlAt,
  loginAt,
  spawnServer,
  stopAndExpectExit0 as stop,
  waitUntilServing,
  type ChildServer,
} from '../utils/child-server.ts';
import { demo } from '../utils/test-app.ts';

// `npm start` on its own embedded PostgreSQL, after what operators meet: a service killed with
// SIGKILL (OOM killer, `docker kill`), a second service on the same data directory, a lock file
// from a past life of the machine, and a cluster PostgreSQL itself refuses.
const dataDir = temporaryDataDir('orderly-recovery-');
const cluster = join(dataDir, 'postgres');
const lockFile = join(cluster, 'postmaster.pid');
const servers: ChildServer[] = [];

function start(): Promise<ChildServer> {
  return spawnServer({ DATABASE_URL: '', ORDERLY_DATA_DIR: dataDir }).then((s) => {
    servers.push(s);
    return s;
  });
}

const postmasterPid = () => Number(readFileSync(lockFile, 'utf8').split('\n')[0]);
/** Whether `pid` is a live process (a zombie is not: it has exited, unreaped). */
function isRunning(pid: number): boolean {
  try {
    return !/\) [ZX] /.test(readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return false;
  }
}

afterAll(async () => {
  for (const server of servers.filter((s) => s.process.exitCode === null)) {
    server.process.kill('SIGTERM');
    await server.exited;
  }
  // Whatever a failed step left running on the data directory, stopped before it is removed.
  if (existsSync(lockFile) && isRunning(postmasterPid())) process.kill(postmasterPid(), 'SIGINT');
  await new Promise((r) => setTimeout(r, 500));
  rmSync(dataDir, { recursive: true, force: true });
});

describe('npm start after a crash, on the embedded PostgreSQL', () => {
  it('starts again by itself after the service was killed with SIGKILL, stopping the PostgreSQL it left, with the data', async () => {
    const first = await start();
    await waitUntilServing(first, 90_000);
    const admin = await loginAt(first.url, demo.admin);
    const deposit = await gqlAt(
      first.url,
      DepositDocument,
      { consumerId: demo.consumer.id, amount: '42.00' },
      admin,
    );
    const balance = deposit.data!.deposit.balanceAfter;
    const orphan = postmasterPid();

    first.process.kill('SIGKILL');
    await first.exited;
    // Nobody stops the embedded PostgreSQL now: it is orphaned, still running.
    expect(isRunning(orphan)).toBe(true);

    for (let restart = 0; restart < 2; restart++) {
      const again = await start();
      await waitUntilServing(again, 60_000);
      expect(isRunning(orphan)).toBe(false);
      const me = await gqlAt(again.url, MeDocument, {}, await loginAt(again.url, demo.consumer));
      expect(me.data!.me!.balance).toBe(balance);
      // And once more the same way: a crash of a restarted service is no different.
      again.process.kill('SIGKILL');
      await again.exited;
    }
    const last = await start();
    await waitUntilServing(last, 60_000);
    await stop(last);
    expect(existsSync(lockFile)).toBe(false);
  }, 240_000);

  it('refuses in one line to share its data directory with a running service, which keeps serving', async () => {
    const running = await start();
    await waitUntilServing(running, 60_000);
    const second = await start();
    expect(await second.exited).toBe(1);
    expect(second.stderr().trim().split('\n')).toEqual([
      `orderly: the embedded PostgreSQL in ${cluster} is in use by another Orderly process (pid ${running.process.pid}): stop that one first, or give this one its own ORDERLY_DATA_DIR (processes that share a database use DATABASE_URL)`,
    ]);
    const me = await gqlAt(running.url, MeDocument, {}, await loginAt(running.url, demo.consumer));
    expect(me.data!.me!.id).toBe(demo.consumer.id);
    await stop(running);
  }, 120_000);

  it('starts over a lock file whose process is now another program (a machine or container restarted)', async () => {
    // This test process is alive and no PostgreSQL: what a reused pid looks like.
    writeFileSync(
      lockFile,
      `${process.pid}\n${cluster}\n1700000000\n5432\n\n127.0.0.1\n0 0\nready\n`,
    );
    const server = await start();
    await waitUntilServing(server, 60_000);
    expect(postmasterPid()).not.toBe(process.pid);
    await stop(server);
  }, 120_000);

  it('says in one line why the embedded PostgreSQL refused to start, and exits 1', async () => {
    // A `chmod -R` gone too far: PostgreSQL will not run on a data directory others can read.
    chmodSync(cluster, 0o755);
    try {
      const server = await start();
      expect(await server.exited).toBe(1);
      const lines = server.stderr().trim().split('\n');
      expect(lines).toHaveLength(1);
      expect(lines[0]).toMatch(
        /^orderly: the embedded PostgreSQL stopped while starting \(exit code 1\): FATAL: data directory ".*" has invalid permissions DETAIL: Permissions should be u=rwx \(0700\) or u=rwx,g=rx \(0750\)\. \(its log: .*postgres\.log\)$/,
      );
    } finally {
      chmodSync(cluster, 0o700);
    }
    const fixed = await start();
    await waitUntilServing(fixed, 60_000);
    await stop(fixed);
  }, 120_000);
});
