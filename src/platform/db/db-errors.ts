/**
 * Why a database call failed, when the reason is the database rather than the request:
 * `unavailable` (down, restarting, unreachable, no connection within the connect timeout) or
 * `timeout` (PostgreSQL cancelled the statement: STATEMENT_TIMEOUT_MS). Undefined otherwise.
 */
export type DatabaseFailure = 'unavailable' | 'timeout';

// Node socket errors, and PostgreSQL's admin_shutdown, crash_shutdown, cannot_connect_now.
const UNAVAILABLE_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EPIPE',
  '57P01',
  '57P02',
  '57P03',
]);
const QUERY_CANCELED = '57014';
// What pg and its pool say when a connection dies or none can be had; they set no code.
const UNAVAILABLE_MESSAGES =
  /Connection terminated|Connection ended unexpectedly|connection error|timeout exceeded when trying to connect/i;

/** Looks through the error and its causes (GraphQL originalError, Error cause). */
export function databaseFailure(error: unknown): DatabaseFailure | undefined {
  let current: unknown = error;
  for (let depth = 0; current && typeof current === 'object' && depth < 6; depth++) {
    const { code, message } = current as { code?: unknown; message?: unknown };
    if (code === QUERY_CANCELED) return 'timeout';
    if (typeof code === 'string' && (UNAVAILABLE_CODES.has(code) || code.startsWith('08'))) {
      return 'unavailable';
    }
    if (typeof message === 'string' && UNAVAILABLE_MESSAGES.test(message)) return 'unavailable';
    const next = current as { originalError?: unknown; cause?: unknown };
    current = next.originalError ?? next.cause;
  }
  return undefined;
}
