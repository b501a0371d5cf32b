import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { spawnServer, waitUntilServing } from '../utils/child-server.ts';
import { createTestDatabase, dropTestDatabase } from '../utils/test-app.ts';

// Found by the benchmarks, which run the service with NODE_ENV=production and stop it with
// SIGTERM between runs: Apollo's own signal handler (on outside NODE_ENV=test) and the
// service's shutdown ran side by side and the process never exited.
describe('SIGTERM in production mode', () => {
  it('stops a NODE_ENV=production server promptly with exit code 0', async () => {
    const databaseUrl = await createTestDatabase();
    const server = await spawnServer({
      DATABASE_URL: databaseUrl,
      NODE_ENV: 'production',
      JWT_SECRET: randomBytes(32).toString('hex'),
    });
    try {
      await waitUntilServing(server);
      const res = await fetch(server.url, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ query: '{ chips { name } }' }),
      });
      expect(res.status).toBe(200);
      const signalled = Date.now();
      server.process.kill('SIGTERM');
      const code = await Promise.race([
        server.exited,
        new Promise<string>((r) => setTimeout(() => r('still running after 10 s'), 10_000)),
      ]);
      expect(code).toBe(0);
      expect(Date.now() - signalled).toBeLessThan(5_000);
    } finally {
      server.process.kill('SIGKILL');
      await dropTestDatabase(databaseUrl);
    }
  });
});
