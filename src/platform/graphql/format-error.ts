import { GraphQLError, type GraphQLFormattedError } from 'graphql';
import type { Logger } from 'pino';
import { databaseFailure } from '../db/db-errors.ts';
import { hideSuggestions } from '../errors.ts';
import { tokenLimitError } from './query-limits.ts';

/*
 * How errors leave the service, the same over HTTP (Apollo's formatError) and graphql-ws.
 */

const TOO_MANY_VARIABLE_ERRORS = /^Too many errors processing variables/;

// formatError sees no context; each operation's errors point to its logger (the one carrying
// the request id) so that the internal error it logs can be found from the client's request id.
const operationLogs = new WeakMap<object, Logger>();

/** Marks these errors as the operation's that logs with `log` (its request id). */
export function logErrorsWith(errors: readonly unknown[], log: Logger): void {
  for (const error of errors) if (error instanceof Object) operationLogs.set(error, log);
}

/**
 * Hides what went wrong inside (stack traces, SQL) from clients outside development; names a
 * database that is down (SERVICE_UNAVAILABLE) or too slow (TIMEOUT); with `hideSuggestions`
 * (production) drops graphql-js's "Did you mean ...?" hints.
 */
export function formatError(
  development: boolean,
  log: Logger,
  options: { hideSuggestions?: boolean } = {},
) {
  return (formatted: GraphQLFormattedError, error: unknown): GraphQLFormattedError => {
    const errorLog = (error instanceof Object && operationLogs.get(error)) || log;
    // A scalar that refuses a literal surfaces as a validation error; keep the scalar's own code.
    const cause = error instanceof GraphQLError ? error.originalError : undefined;
    if (cause instanceof GraphQLError && typeof cause.extensions?.code === 'string') {
      formatted = {
        ...formatted,
        extensions: { ...formatted.extensions, code: cause.extensions.code },
      };
    }
    const tooLong = tokenLimitError(cause);
    if (tooLong) {
      formatted = { message: tooLong.message, extensions: { ...tooLong.extensions } };
    }
    // graphql-js gives up after 50 bad variables with an error that has no code: still the client's.
    if (TOO_MANY_VARIABLE_ERRORS.test(formatted.message)) {
      formatted = { ...formatted, extensions: { ...formatted.extensions, code: 'BAD_USER_INPUT' } };
    }
    if (options.hideSuggestions) {
      formatted = { ...formatted, message: hideSuggestions(formatted.message) };
    }
    const code = formatted.extensions?.code;
    if (code === 'INTERNAL_SERVER_ERROR' || code === undefined) {
      const original = error instanceof GraphQLError ? (error.originalError ?? error) : error;
      const failure = databaseFailure(original);
      if (failure) {
        errorLog.warn({ err: original, path: formatted.path }, `database ${failure}`);
        return {
          message:
            failure === 'timeout'
              ? 'The database took longer than the statement timeout.'
              : 'The database is unavailable; try again shortly.',
          path: formatted.path,
          locations: formatted.locations,
          extensions: { code: failure === 'timeout' ? 'TIMEOUT' : 'SERVICE_UNAVAILABLE' },
        };
      }
      errorLog.error({ err: original, path: formatted.path }, 'internal error');
      if (development) return formatted;
      return {
        message: 'Internal server error.',
        path: formatted.path,
        locations: formatted.locations,
        extensions: { code: 'INTERNAL_SERVER_ERROR' },
      };
    }
    const { stacktrace: _stacktrace, ...extensions } = formatted.extensions ?? {};
    return development ? formatted : { ...formatted, extensions };
  };
}
