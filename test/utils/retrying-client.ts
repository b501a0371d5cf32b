import type { TypedDocumentNode } from '@graphql-typed-document-node/core';
import { print } from 'graphql';

/** Codes that mean "the server could not answer this time", not "this is the answer". */
const TRANSIENT = new Set(['SERVICE_UNAVAILABLE', 'TIMEOUT']);

export interface Answer {
  /** The root field's value: a payload with `errors: []` on success, business errors otherwise. */
  value: any;
  /** How many tries failed before it (connection refused or reset, 503, timeout). */
  retries: number;
}

export interface RetryingClient {
  /** Requests whose connection broke while they were in flight (the server died under them). */
  interrupted: number;
  /** Requests sent and not yet answered. */
  inFlight: number;
  /**
   * Sends the operation until it gets a definitive answer: a GraphQL response whose root field
   * has a value. Network failures and transient codes are retried after a short pause, with
   * the same variables (and so the same idempotency key). Other GraphQL errors fail the call.
   */
  send(
    document: TypedDocumentNode<any, any>,
    variables: Record<string, unknown>,
    token: string | undefined,
  ): Promise<Answer>;
}

export function retryingClient(url: () => string, options: { deadlineMs: number }): RetryingClient {
  const client: RetryingClient = {
    interrupted: 0,
    inFlight: 0,
    async send(document, variables, token) {
      const query = print(document);
      const field = (document.definitions[0] as any).selectionSet.selections[0].name.value;
      const deadline = Date.now() + options.deadlineMs;
      for (let retries = 0; ; retries++) {
        if (Date.now() > deadline) {
          throw new Error(`no answer to ${field} within ${options.deadlineMs} ms`);
        }
        let body: { data?: Record<string, unknown> | null; errors?: any[] } | undefined;
        client.inFlight++;
        try {
          const res = await fetch(url(), {
            method: 'POST',
            headers: {
              'content-type': 'application/json',
              ...(token ? { authorization: `Bearer ${token}` } : {}),
            },
            body: JSON.stringify({ query, variables }),
            signal: AbortSignal.timeout(15_000),
          });
          body = (await res.json()) as typeof body;
        } catch (err) {
          // Refused: the server is down; reset or aborted: it died with our request in flight.
          const code = (err as { cause?: { code?: string } }).cause?.code;
          if (code !== 'ECONNREFUSED') client.interrupted++;
        } finally {
          client.inFlight--;
        }
        const value = body?.data?.[field];
        if (value !== undefined && value !== null) return { value, retries };
        const codes = (body?.errors ?? []).map((e) => e.extensions?.code);
        if (body && !codes.every((c) => TRANSIENT.has(c))) {
          throw new Error(`${field} failed: ${JSON.stringify(body)}`);
        }
        await new Promise((r) => setTimeout(r, 100 + Math.random() * 200));
      }
    },
  };
  return client;
}
