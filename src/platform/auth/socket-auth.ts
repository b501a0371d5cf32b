import type { MikroORM } from '@mikro-orm/postgresql';
import type { Logger } from 'pino';
import type WebSocket from 'ws';
import type { Config } from '../config.ts';
import { tokenRefused } from './authenticate.ts';
import { sessions } from './session.service.ts';
import {
  TOKEN_FAILURE_MESSAGES,
  readAuthorization,
  type TokenFailure,
  type TokenReading,
  type Viewer,
} from './token.ts';

/**
 * graphql-ws close code for a socket whose authentication ended while it was open. graphql-ws
 * clients do not retry it (they do retry 4403): refresh or log in, then reconnect.
 */
export const UNAUTHORIZED_CLOSE = 4401;

/** Why an open socket's authentication ended: its token's failures, or the account's role moved. */
type SocketEnd = TokenFailure | 'roleChanged';
const END_MESSAGES: Record<SocketEnd, string> = {
  ...TOKEN_FAILURE_MESSAGES,
  roleChanged: "The account's role changed; reconnect to go on with its current role.",
};

interface Tracked {
  fail(error: Error): void;
}

/** One socket: what its connection_init token said, and the account its operations ran as. */
export class SocketAuth {
  /** The caller its last operation was checked as (the periodic check compares the role). */
  viewer: Viewer | undefined;
  private readonly tracked = new Set<Tracked>();
  private expiry?: NodeJS.Timeout;
  private ended = false;

  constructor(
    readonly reading: TokenReading,
    private readonly socket: WebSocket,
    private readonly onEnd: (auth: SocketAuth) => void,
  ) {}

  /** Each operation's own reading: its claims are checked again (session, account, role). */
  get operationReading(): TokenReading {
    return this.ended ? { failure: this.reading.failure ?? 'revoked' } : this.reading;
  }

  /** The socket ends at its token's expiry. */
  opened(expiresAt: number): void {
    const ms = Math.min(expiresAt * 1000 - Date.now(), 2 ** 31 - 1);
    this.expiry = setTimeout(() => this.end('expired'), Math.max(0, ms));
    this.expiry.unref();
  }

  /**
   * Wraps a subscription's results: when the socket's authentication ends, the subscription
   * fails with UNAUTHENTICATED saying why (graphql-ws sends it as an `error` message).
   */
  track<T>(source: AsyncIterable<T>): AsyncIterableIterator<T> {
    const iterator = source[Symbol.asyncIterator]();
    let stop!: (error: Error) => void;
    const stopped = new Promise<never>((_, reject) => (stop = reject));
    stopped.catch(() => undefined);
    const entry: Tracked = { fail: (error) => stop(error) };
    this.tracked.add(entry);
    const release = async () => {
      this.tracked.delete(entry);
      await iterator.return?.();
    };
    return {
      next: async () => {
        try {
          return await Promise.race([iterator.next(), stopped]);
        } catch (err) {
          await release();
          throw err;
        }
      },
      return: async () => {
        await release();
        return { value: undefined, done: true };
      },
      throw: async (err) => {
        await release();
        throw err;
      },
      [Symbol.asyncIterator]() {
        return this;
      },
    };
  }

  /**
   * The socket's authentication is over: every subscription on it fails in words, then (once
   * those errors are written) the socket closes with 4401 and the same words.
   */
  end(reason: SocketEnd): void {
    if (this.ended) return;
    this.ended = true;
    clearTimeout(this.expiry);
    this.onEnd(this);
    const error =
      reason === 'roleChanged'
        ? tokenRefused('revoked', END_MESSAGES.roleChanged)
        : tokenRefused(reason);
    for (const entry of this.tracked) entry.fail(error);
    this.tracked.clear();
    // The errors are sent from microtasks; a macrotask later they are queued ahead of the close.
    setImmediate(() => this.socket.close(UNAUTHORIZED_CLOSE, END_MESSAGES[reason]));
  }

  /** The socket closed: nothing more to watch. */
  forget(): void {
    this.ended = true;
    clearTimeout(this.expiry);
    this.tracked.clear();
  }
}

/**
 * Authentication of one process's graphql-ws sockets. connection_init is always acknowledged:
 * without a usable token the socket is anonymous (login and public queries work) and a
 * subscription that needs a caller fails at once with UNAUTHENTICATED saying why, instead of a
 * close that graphql-ws clients retry. An authenticated socket ends (errors, then 4401) when
 * its token expires, and when the periodic check (SOCKET_AUTH_CHECK_MS, one statement for all
 * of the process's sockets) finds its session ended, its account gone or its role changed.
 */
export class SocketAuthority {
  private readonly open = new Set<SocketAuth>();
  private readonly timer: NodeJS.Timeout;
  private checking = false;

  constructor(
    private readonly orm: MikroORM,
    private readonly config: Config,
    private readonly log: Logger,
  ) {
    this.timer = setInterval(() => void this.check(), config.socketAuthCheckMs);
    this.timer.unref();
  }

  /**
   * Reads the connection_init token (no statement: each operation checks its caller, and the
   * periodic check the socket's session). A usable one starts the clock to its expiry.
   */
  connect(authorization: unknown, socket: WebSocket): SocketAuth {
    const reading = readAuthorization(authorization, this.config.jwtSecret);
    const auth = new SocketAuth(reading, socket, (a) => this.open.delete(a));
    if (reading.claims) {
      auth.opened(reading.claims.expiresAt);
      this.open.add(auth);
    }
    return auth;
  }

  /** Ends the sockets whose session, account or role no longer matches what they were opened as. */
  async check(): Promise<void> {
    if (this.checking || this.open.size === 0) return;
    this.checking = true;
    try {
      const sockets = [...this.open];
      const states = await sessions.checkMany(
        this.orm.em.fork(),
        sockets.map((s) => s.reading.claims!),
      );
      for (const socket of sockets) {
        const state = states.get(socket.reading.claims!.sessionId);
        if (state?.failure) socket.end(state.failure);
        // Compared once an operation has run as the account (before that, nothing to compare).
        else if (socket.viewer && state?.viewer && state.viewer.role !== socket.viewer.role) {
          socket.end('roleChanged');
        }
      }
    } catch (err) {
      this.log.warn({ err }, 'checking the sockets’ sessions failed; trying again next interval');
    } finally {
      this.checking = false;
    }
  }

  close(): void {
    clearInterval(this.timer);
    for (const auth of this.open) auth.forget();
    this.open.clear();
  }
}
