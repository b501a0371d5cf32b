// `npm run seed`: adds whatever demo data is missing; safe to run again.
import 'reflect-metadata';
import { seedDemoData } from './app.ts';
import { loadConfig } from './platform/config.ts';
import { openDatabase } from './platform/db/orm.ts';
import { startEmbeddedPostgres } from './platform/db/embedded.ts';
import { modules } from './modules.ts';

async function main(): Promise<void> {
  const config = loadConfig();
  const embedded = config.databaseUrl ? undefined : await startEmbeddedPostgres(config.dataDir);
  try {
    // Under the start-up lock, like a starting service's seed.
    const orm = await openDatabase(
      modules,
      { url: config.databaseUrl ?? embedded!.url },
      seedDemoData,
    );
    await orm.close(true);
    console.log('demo data is in place');
  } finally {
    await embedded?.stop();
  }
}

main().catch((err) => {
  console.error(`orderly seed: ${err instanceof Error ? err.message : err}`);
  process.exit(1);
});
