// The service as the benchmarks run it: src/app.ts startApp on BENCH_DATABASE_URL (migrated,
// demo data seeded), the bench settings of harness.ts, in its own process. Prints {"url"}.
// With BENCH_COUNT_SQL=1 it counts the SQL statements it sends and answers the count (then
// zeroes it) on GET <url>/statements of a second port, printed as "statementsUrl"; that
// logging costs time, so the timed runs use a server started without it.
import 'reflect-metadata';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { startApp } from '../src/app.ts';
import { benchConfig } from './harness.ts';

async function main(): Promise<void> {
  const counting = process.env.BENCH_COUNT_SQL === '1';
  let statements = 0;
  const app = await startApp({
    config: benchConfig(process.env.BENCH_DATABASE_URL!),
    seed: true,
    onQuery: counting ? () => void statements++ : undefined,
  });
  let statementsUrl: string | undefined;
  if (counting) {
    const counter = createServer((_req, res) => {
      res.end(JSON.stringify({ statements }));
      statements = 0;
    });
    await new Promise<void>((done) => counter.listen(0, '127.0.0.1', done));
    statementsUrl = `http://127.0.0.1:${(counter.address() as AddressInfo).port}/statements`;
    counter.unref();
  }
  process.stdout.write(`${JSON.stringify({ url: app.url, statementsUrl })}\n`);
  process.on('SIGTERM', () => void app.close().then(() => process.exit(0)));
}

main().catch((err) => {
  console.error('bench app failed to start:', err);
  process.exit(1);
});
