import { describe, expect, it } from 'vitest';
import { spawnServer, waitUntilServing } from '../utils/child-server.ts';
import { createTestDatabase, demo, dropTestDatabase } from '../utils/test-app.ts';

describe('logs', () => {
  it('are JSON lines with request id, operation, duration and error codes, and never a password or token', async () => {
    const databaseUrl = await createTestDatabase();
    const server = await spawnServer({ DATABASE_URL: databaseUrl, LOG_LEVEL: 'info' });
    try {
      await waitUntilServing(server);
      const send = async (requestId: string, body: object, token?: string) => {
        const res = await fetch(server.url, {
          method: 'POST',
          headers: {
            'content-type': 'application/json',
            'x-request-id': requestId,
            ...(token ? { authorization: `Bearer ${token}` } : {}),
          },
          body: JSON.stringify(body),
        });
        return res.json();
      };
      const login = `mutation Login($id: ID!, $pw: String!) { login(consumerId: $id, password: $pw) { token errors { code } } }`;
      const wrong = 'not-the-password-3141';
      const ok = await send('log-login', {
        query: login,
        variables: { id: demo.otherConsumer.id, pw: demo.otherConsumer.password },
      });
      const token: string = ok.data.login.token;
      await send('log-wrong', {
        query: login,
        variables: { id: demo.otherConsumer.id, pw: wrong },
      });
      await send('log-me', { query: `query Me { me { id } }` }, token);
      await send('log-page', { query: `query Page { orders(first: 500) { totalCount } }` }, token);
      server.process.kill('SIGTERM');
      await server.exited;

      const output = server.stdout() + server.stderr();
      for (const secret of [demo.otherConsumer.password, wrong, token, 'Bearer']) {
        expect(output).not.toContain(secret);
      }
      const lines = server
        .stdout()
        .split('\n')
        .filter((line) => line.startsWith('{'))
        .map((line) => JSON.parse(line));
      const operation = (requestId: string) =>
        lines.find((l) => l.requestId === requestId && l.msg === 'graphql operation');
      expect(operation('log-login')).toMatchObject({
        level: 30,
        service: 'orderly',
        operation: 'Login',
        ms: expect.any(Number),
      });
      expect(operation('log-me')).toMatchObject({ operation: 'Me' });
      expect(operation('log-page')).toMatchObject({
        operation: 'Page',
        errors: ['BAD_USER_INPUT'],
      });
      expect(
        lines.find((l) => l.requestId === 'log-wrong' && l.msg === 'login failed: wrong password'),
      ).toMatchObject({ consumerId: demo.otherConsumer.id });
    } finally {
      server.process.kill('SIGKILL');
      await dropTestDatabase(databaseUrl);
    }
  });
});
