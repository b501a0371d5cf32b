import { readFileSync, writeFileSync } from 'node:fs';
import pg from 'pg';
import { keptSecret, randomSecret } from '../data-dir.ts';

/** The cluster's superuser (initdb's bootstrap user); only set-up connects as it. */
export const SUPERUSER = 'orderly';
/** The role the service connects as: it owns the database and everything in it, no more. */
export const SERVICE_ROLE = 'orderly_app';
export const DATABASE = 'orderly';
/** What every data directory's superuser had before passwords were generated per directory. */
const PUBLISHED_PASSWORD = 'orderly';

export interface Credentials {
  superuser: string;
  service: string;
}

/** Beside the cluster in the data directory, readable only by the service's user. */
export const CREDENTIALS_FILE = 'postgres-credentials.json';

/**
 * The cluster's passwords, kept in the data directory: made at the first start (before any
 * role has them), read at every later one.
 */
export function keptCredentials(dataDir: string): Credentials {
  const make = () => JSON.stringify({ superuser: randomSecret(), service: randomSecret() });
  return JSON.parse(keptSecret(dataDir, CREDENTIALS_FILE, make)) as Credentials;
}

async function connect(port: number, password: string, database = 'postgres') {
  const client = new pg.Client({ host: '127.0.0.1', port, user: SUPERUSER, password, database });
  client.on('error', () => undefined);
  await client.connect();
  return client;
}

/**
 * Brings a running cluster to what the service expects, whatever its age: the superuser has
 * the kept password (an older directory's published one is replaced, and its password-in-the-
 * clear login turned into SCRAM), and the service role exists, logs in with its kept password,
 * and owns the database and every object in it (those an older directory's superuser created).
 * Idempotent; each step runs only when needed.
 */
export async function provisionRoles(
  port: number,
  credentials: Credentials,
  note: (message: string) => void,
): Promise<void> {
  let admin: pg.Client;
  try {
    admin = await connect(port, credentials.superuser);
  } catch (err) {
    if ((err as { code?: string }).code !== '28P01') throw err;
    admin = await connect(port, PUBLISHED_PASSWORD);
    await admin.query(
      `alter role ${SUPERUSER} password ${admin.escapeLiteral(credentials.superuser)}`,
    );
    await useScram(admin);
    note('the data directory was made with the published superuser password: replaced');
  }
  try {
    const role = await admin.query('select 1 from pg_roles where rolname = $1', [SERVICE_ROLE]);
    if (role.rowCount === 0) {
      await admin.query(
        `create role ${SERVICE_ROLE} login password ${admin.escapeLiteral(credentials.service)}`,
      );
    }
    const db = await admin.query<{ owner: string }>(
      'select pg_get_userbyid(datdba) as owner from pg_database where datname = $1',
      [DATABASE],
    );
    if (db.rowCount === 0) {
      await admin.query(`create database ${DATABASE} owner ${SERVICE_ROLE}`);
    } else if (db.rows[0].owner !== SERVICE_ROLE) {
      await admin.query(`alter database ${DATABASE} owner to ${SERVICE_ROLE}`);
      await handOverObjects(port, credentials.superuser);
      note(`the database's tables now belong to ${SERVICE_ROLE}, not the superuser`);
    }
  } finally {
    await admin.end();
  }
}

/** Password logins by SCRAM instead of the password in the clear (pg_hba's `password`). */
async function useScram(admin: pg.Client): Promise<void> {
  const { rows } = await admin.query<{ file: string }>(
    `select current_setting('hba_file') as file`,
  );
  const hba = readFileSync(rows[0].file, 'utf8');
  const scram = hba.replace(/^(\s*(?:host|local)\S*\s.*\s)password(\s*)$/gm, '$1scram-sha-256$2');
  if (scram === hba) return;
  writeFileSync(rows[0].file, scram);
  await admin.query('select pg_reload_conf()');
}

/** Every table, view, sequence, function and type the superuser made in the database. */
async function handOverObjects(port: number, password: string): Promise<void> {
  const db = await connect(port, password, DATABASE);
  try {
    await db.query(`do $$
      declare r record;
      begin
        for r in
          select format('alter %s %s owner to ${SERVICE_ROLE}',
                   case c.relkind when 'v' then 'view' when 'm' then 'materialized view'
                                  when 'S' then 'sequence' else 'table' end,
                   c.oid::regclass) as statement
            from pg_class c
           where c.relnamespace = 'public'::regnamespace
             and c.relkind in ('r', 'p', 'v', 'm', 'S', 'f')
             and c.relowner = '${SUPERUSER}'::regrole
             -- a column's sequence follows its table
             and not exists (select 1 from pg_depend d
                              where d.classid = 'pg_class'::regclass and d.objid = c.oid
                                and d.deptype in ('a', 'i', 'e'))
          union all
          select format('alter function %s owner to ${SERVICE_ROLE}', p.oid::regprocedure)
            from pg_proc p
           where p.pronamespace = 'public'::regnamespace and p.proowner = '${SUPERUSER}'::regrole
             and not exists (select 1 from pg_depend d
                              where d.classid = 'pg_proc'::regclass and d.objid = p.oid
                                and d.deptype = 'e')
          union all
          select format('alter type %s owner to ${SERVICE_ROLE}', t.oid::regtype)
            from pg_type t
           where t.typnamespace = 'public'::regnamespace and t.typowner = '${SUPERUSER}'::regrole
             and t.typtype in ('e', 'd', 'r')
             and not exists (select 1 from pg_depend d
                              where d.classid = 'pg_type'::regclass and d.objid = t.oid
                                and d.deptype = 'e')
        loop
          execute r.statement;
        end loop;
      end $$`);
  } finally {
    await db.end();
  }
}
