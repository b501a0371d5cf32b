import { createClient, type Client } from 'graphql-ws';
import WebSocket from 'ws';

export interface WsResult {
  data?: any;
  errors?: { message: string; extensions?: { code?: string; [k: string]: unknown } }[];
}

/** A graphql-ws connection that runs one operation at a time to its end (queries, mutations). */
export interface WsConnection {
  client: Client;
  /** The operation's last result, or `{ errors }` when the server answered with an error message. */
  run(query: string, variables?: Record<string, unknown>): Promise<WsResult>;
  close(): Promise<void>;
}

export async function connectWs(url: string, token: string): Promise<WsConnection> {
  const client = createClient({
    url,
    webSocketImpl: WebSocket,
    connectionParams: { authorization: `Bearer ${token}` },
    retryAttempts: 0,
  });
  return {
    client,
    run(query, variables) {
      return new Promise((resolve, reject) => {
        let last: WsResult = {};
        client.subscribe(
          { query, variables },
          {
            next: (result) => (last = result as WsResult),
            error: (err) => (Array.isArray(err) ? resolve({ errors: err }) : reject(err)),
            complete: () => resolve(last),
          },
        );
      });
    },
    close: () => client.dispose() as Promise<void>,
  };
}
