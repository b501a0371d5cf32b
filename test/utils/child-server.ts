import type { TypedDocumentNode } from '@graphql-typed-document-node/core';
import { print } from 'graphql';
import { expect } from 'vitest';
import { spawn, type ChildProcess } from 'node:child_process';
import { request } from 'node:http';
import { freePort } from '../../src/platform/db/embedded.ts';
import { LoginDocument } from '../generated/graphql.ts';

export interface ChildServer {
  process: ChildProcess;
  url: string;
  stdout: () => string;
  stderr: () => string;
  /** Resolves with the exit code once the process ends. */
  exited: Promise<number | null>;
}

/**
 * Runs the compiled service (dist/main.js, what `npm start` runs; the test setup builds it) as a
 * real child process on this Node, or with `via: 'npm'` the real `npm start` with it, as a user
 * or a process manager starts it (the child is npm then; signals go to npm).
 */
export async function spawnServer(
  env: Record<string, string>,
  options: { ownProcessGroup?: boolean; via?: 'node' | 'npm'; cwd?: string } = {},
): Promise<ChildServer> {
  const port = env.PORT ?? String(await freePort());
  let out = '';
  let err = '';
  const [command, args] =
    options.via === 'npm' ? ['npm', ['start', '--silent']] : [process.execPath, ['dist/main.js']];
  const child = spawn(command, args, {
    cwd: options.cwd,
    env: {
      ...process.env,
      NODE_ENV: 'test',
      LOG_LEVEL: 'silent',
      HOST: '127.0.0.1',
      PORT: port,
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
    // Its own process group, as a terminal's foreground job: `process.kill(-pid, 'SIGINT')` is
    // then what Ctrl-C does, reaching the server and every process it started.
    detached: options.ownProcessGroup ?? false,
  });
  child.stdout!.on('data', (d) => (out += d));
  child.stderr!.on('data', (d) => (err += d));
  const exited = new Promise<number | null>((done) => child.on('exit', (code) => done(code)));
  return {
    process: child,
    url: `http://127.0.0.1:${port}/graphql`,
    stdout: () => out,
    stderr: () => err,
    exited,
  };
}

/** Waits until the child prints that it is serving, or fails with what it printed. */
export async function waitUntilServing(server: ChildServer, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!server.stdout().includes('is serving')) {
    if (server.process.exitCode !== null || Date.now() > deadline) {
      throw new Error(`server did not start: ${server.stdout()} ${server.stderr()}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
}

/**
 * POSTs `body` to `url` but sends only its first 20 bytes now and the rest after `restAfterMs`:
 * a request certainly in flight when a signal lands in between. Resolves with the answer.
 */
export function halfSentRequest(
  url: string,
  body: string,
  restAfterMs: number,
  headers: Record<string, string> = {},
): Promise<{ status: number; body: string }> {
  return new Promise((done, fail) => {
    const req = request(url, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'content-length': Buffer.byteLength(body),
        ...headers,
      },
    });
    req.on('response', (res) => {
      let text = '';
      res.on('data', (d) => (text += d));
      res.on('end', () => done({ status: res.statusCode ?? 0, body: text }));
    });
    req.on('error', fail);
    req.write(body.slice(0, 20));
    setTimeout(() => req.end(body.slice(20)), restAfterMs);
  });
}

/** A GraphQL request to any server, not just the in-process one: the response's body. */
export async function gqlAt<T, V>(
  url: string,
  doc: TypedDocumentNode<T, V>,
  variables: V,
  token?: string,
): Promise<{ data?: T; errors?: unknown[] }> {
  const res = await fetch(url, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      ...(token ? { authorization: `Bearer ${token}` } : {}),
    },
    body: JSON.stringify({ query: print(doc), variables }),
  });
  return (await res.json()) as { data?: T; errors?: unknown[] };
}

/** Logs an account in at `url` and returns its bearer token. */
export async function loginAt(
  url: string,
  account: { id: string; password: string },
): Promise<string> {
  const res = await gqlAt(url, LoginDocument, {
    consumerId: account.id,
    password: account.password,
  });
  const token = res.data?.login.token;
  if (!token) throw new Error(`login of ${account.id} failed: ${JSON.stringify(res)}`);
  return token;
}

/** SIGTERM, as a process manager stops it: the service must drain and exit 0. */
export async function stopAndExpectExit0(server: ChildServer): Promise<void> {
  server.process.kill('SIGTERM');
  expect(await server.exited).toBe(0);
}
