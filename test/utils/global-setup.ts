import type { TestProject } from 'vitest/node';
import { execFileSync } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import pg from 'pg';
import {
  startEmbeddedPostgres,
  temporaryDataDir,
  type EmbeddedDatabase,
} from '../../src/platform/db/embedded.ts';
import { openDatabase } from '../../src/platform/db/orm.ts';
import { modules } from '../../src/modules.ts';
import { seedDemoData } from '../../src/app.ts';

export const TEMPLATE_DB = 'orderly_test_template';

declare module 'vitest' {
  export interface ProvidedContext {
    /** A URL to a maintenance database on the test server (CREATE DATABASE rights). */
    adminDatabaseUrl: string;
  }
}

function withDatabase(url: string, database: string): string {
  const parsed = new URL(url);
  parsed.pathname = `/${database}`;
  return parsed.toString();
}

/** Newest modification time of the files under `path`. */
function newest(path: string): number {
  const stat = statSync(path);
  if (!stat.isDirectory()) return stat.mtimeMs;
  return Math.max(0, ...readdirSync(path).map((name) => newest(join(path, name))));
}

/** The browser tests drive the console as served: rebuild it when web/ is newer than the build. */
function buildConsoleUnlessCurrent(): void {
  let built = 0;
  try {
    built = statSync('dist/web/index.html').mtimeMs;
  } catch {
    // not built yet
  }
  if (built > Math.max(newest('web'), newest('package-lock.json'))) return;
  execFileSync(
    process.execPath,
    [
      'node_modules/vite/bin/vite.js',
      'build',
      '--config',
      'web/vite.config.ts',
      '--logLevel',
      'warn',
    ],
    // A production build, as `npm run build` makes (vitest's NODE_ENV=test would make React's
    // development build).
    { stdio: 'inherit', env: { ...process.env, NODE_ENV: 'production' } },
  );
}

/**
 * Once per `npm test`: the builds, a PostgreSQL server (embedded in a temporary folder unless DATABASE_URL
 * names one) and a template database with every migration and the demo data. Each test file
 * clones the template (CREATE DATABASE ... TEMPLATE), so files never see each other's rows.
 */
export default async function setup(project: TestProject) {
  // The process tests run the compiled service, as `npm start` does: build it from this source
  // (incremental, about two seconds when nothing changed).
  execFileSync(process.execPath, ['node_modules/typescript/bin/tsc', '-p', 'tsconfig.build.json'], {
    stdio: 'inherit',
  });
  buildConsoleUnlessCurrent();
  let embedded: EmbeddedDatabase | undefined;
  let adminUrl = process.env.DATABASE_URL;
  if (!adminUrl) {
    embedded = await startEmbeddedPostgres(temporaryDataDir('orderly-test-pg-'), {
      persistent: false,
    });
    // The superuser: the tests create and drop a database per file.
    adminUrl = embedded.adminUrl;
  }
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  await admin.query(`drop database if exists ${TEMPLATE_DB}`);
  await admin.query(`create database ${TEMPLATE_DB}`);
  const orm = await openDatabase(modules, { url: withDatabase(adminUrl, TEMPLATE_DB) });
  // Without the demo orders: every test file starts from the catalogues and accounts alone.
  await seedDemoData(orm, { orders: false });
  await orm.close(true);
  project.provide('adminDatabaseUrl', adminUrl);
  return async () => {
    await admin.end();
    await embedded?.stop();
  };
}
