// `npm start`: the service (demo data outside production), on the embedded PostgreSQL unless DATABASE_URL is set.
import { ListenError, startApp } from './app.ts';
import { ConfigError } from './platform/config.ts';
import {
  EmbeddedDatabaseError,
  abandonEmbeddedServers,
  releaseEmbeddedSignalHandlers,
} from './platform/db/embedded.ts';
import { DatabaseUnavailableError } from './platform/db/orm.ts';

async function main(): Promise<void> {
  const app = await startApp();
  console.log(`Orderly is serving ${app.url} (GraphiQL in a browser, graphql-ws on the same path)`);
  let stopping = false;
  const stop = (signal: string) => {
    // A second signal while draining means "now": whoever sent it does not want to wait.
    if (stopping) {
      console.error(`${signal} again: stopping without waiting for the drain`);
      abandonEmbeddedServers();
      process.exit(1);
    }
    stopping = true;
    console.log(`${signal}: draining requests and subscriptions, then stopping`);
    app.close().then(
      () => process.exit(0),
      (err) => {
        console.error('shutdown failed:', err instanceof Error ? err.message : err);
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', () => stop('SIGTERM'));
  process.on('SIGINT', () => stop('SIGINT'));
  // The embedded database's own handlers would otherwise answer these same signals by stopping
  // it under the in-flight requests and exiting 143; app.close() stops it last instead.
  releaseEmbeddedSignalHandlers();
}

main().catch((err) => {
  // One clear line, no stack trace, for the failures a user can fix.
  if (
    err instanceof DatabaseUnavailableError ||
    err instanceof ConfigError ||
    err instanceof ListenError ||
    err instanceof EmbeddedDatabaseError
  ) {
    console.error(`orderly: ${err.message}`);
  } else {
    // Whatever was thrown, the line says something (a bare rejection once printed "undefined").
    const reason = err instanceof Error ? err.message || err.name : String(err ?? '');
    console.error(`orderly: failed to start: ${reason || 'no reason was given'}`);
  }
  process.exit(1);
});
