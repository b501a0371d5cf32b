import { createClient, type Client } from 'graphql-ws';
import { session } from '../auth/session.ts';

/** The service closes a socket whose token expired or whose session ended with 4401. */
export const UNAUTHORIZED = 4401;
// Our own close code for "reconnect with the renewed token" (retried, unlike 4401).
const RESTART = 4205;

function socketUrl(): string {
  const url = new URL('/graphql', window.location.href);
  url.protocol = url.protocol === 'https:' ? 'wss:' : 'ws:';
  return url.toString();
}

export function closeCode(event: unknown): number | undefined {
  return typeof event === 'object' && event && 'code' in event ? Number(event.code) : undefined;
}

// graphql-ws's own backoff (1 s doubling, plus up to 3 s at random), capped at 30 s.
const backoff = (retries: number) =>
  new Promise<void>((resolve) =>
    setTimeout(resolve, Math.min(30_000, 1000 * 2 ** retries) + 300 + Math.random() * 2700),
  );

/**
 * The session's graphql-ws connection. `connectionParams` is read at every (re)connection, so a
 * reconnect carries the newest token; `restartIfStale` reconnects at once when the token was
 * renewed after the connection opened (the service would close it with 4401 at the old expiry).
 */
export class LiveSocket {
  readonly client: Client;
  /** The token the current (or last) connection was opened with. */
  token: string | null = null;
  private open: WebSocket | null = null;
  private restarting = false;

  constructor() {
    this.client = createClient({
      url: socketUrl(),
      lazy: false,
      connectionParams: () => {
        this.token = session.get()?.token ?? null;
        return this.token ? { authorization: `Bearer ${this.token}` } : {};
      },
      retryAttempts: Number.POSITIVE_INFINITY,
      retryWait: async (retries) => {
        if (!this.restarting) return backoff(retries);
        this.restarting = false;
      },
      // graphql-ws never retries 4401 itself: the live feed renews the token, then resubscribes.
      shouldRetry: () => true,
      onNonLazyError: () => {},
    });
    this.client.on('connected', (socket) => {
      this.open = socket as WebSocket;
      // Renewed while this connection was being opened with the old token.
      this.restartIfStale();
    });
    this.client.on('closed', () => {
      this.open = null;
    });
  }

  restartIfStale(): void {
    const current = session.get()?.token;
    if (!this.open || !current || current === this.token) return;
    this.restarting = true;
    this.open.close(RESTART, 'Token renewed');
  }

  dispose(): void {
    // Disposing a socket whose connection was refused rejects with that close: nothing to do.
    Promise.resolve(this.client.dispose()).catch(() => {});
  }
}
