import type { TestProject } from 'vitest/node';
import { execFileSync } from 'node:child_process';
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

/**
 * Once per `npm test`: the build, a PostgreSQL server (embedded in a temporary folder unless DATABASE_URL
 * names one) and a template database with every migration and the demo data. Each test file
 * clones the template (CREATE DATABASE ... TEMPLATE), so files never see each other's rows.
 */
export default async function setup(project: TestProject) {
  // The process tests run the compiled service, as `npm start` does: build it from this source
  // (incremental, about two seconds when nothing changed).
  execFileSync(process.execPath, ['node_modules/typescript/bin/tsc', '-p', 'tsconfig.build.json'], {
    stdio: 'inherit',
  });
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
