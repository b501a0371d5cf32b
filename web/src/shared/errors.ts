import { CombinedGraphQLErrors, ServerError } from '@apollo/client/errors';
import type { UserErrorFieldsFragment } from '../generated/graphql.ts';

/** What a person is told when an operation failed as a whole (not a payload's business error). */
export function describeError(error: unknown): string {
  if (CombinedGraphQLErrors.is(error)) return error.errors.map(describeGraphQLError).join(' ');
  if (ServerError.is(error)) {
    if (error.statusCode === 401) return 'Your session has ended. Please log in again.';
    if (error.statusCode === 429) return 'Too many requests at once. Wait a moment and try again.';
    if (error.statusCode === 413) return 'That request is too large for the service.';
    if (error.statusCode >= 500) return 'The service is unavailable right now. Try again shortly.';
    return `The service refused the request (HTTP ${error.statusCode}).`;
  }
  if (error instanceof TypeError) return 'Cannot reach the service. Check your connection.';
  return error instanceof Error ? error.message : 'Something went wrong.';
}

function describeGraphQLError(error: { message: string; extensions?: Record<string, unknown> }) {
  switch (error.extensions?.code) {
    case 'UNAUTHENTICATED':
      return 'Your session has ended. Please log in again.';
    case 'FORBIDDEN':
      return 'You are not allowed to do that.';
    case 'RATE_LIMITED': {
      const seconds = error.extensions.retryAfterSeconds;
      return `Too many attempts. Try again${typeof seconds === 'number' ? ` in ${seconds} s` : ' later'}.`;
    }
    case 'SERVICE_UNAVAILABLE':
      return 'The service is unavailable right now. Try again shortly.';
    case 'TIMEOUT':
      return 'The service took too long to answer. Try again.';
    case 'INTERNAL_SERVER_ERROR':
      return 'Something went wrong on the server. Try again; if it keeps happening, tell support.';
    default:
      // BAD_USER_INPUT and the rest: the service's messages are written for people.
      return error.message;
  }
}

/**
 * Why the service no longer accepts the token a failed operation carried (`extensions.reason`:
 * expired, invalid, revoked, gone, malformed; "unknown" when it does not say), or null when
 * the failure is not about the token. Over HTTP such a response is a 401 whose body says why.
 */
export function authFailureReason(error: unknown): string | null {
  let errors: readonly { extensions?: Record<string, unknown> }[] = [];
  if (CombinedGraphQLErrors.is(error)) errors = error.errors;
  else if (ServerError.is(error) && error.statusCode === 401) {
    try {
      errors = (JSON.parse(error.bodyText) as { errors?: typeof errors }).errors ?? [];
    } catch {
      return 'unknown';
    }
    if (!errors.length) return 'unknown';
  }
  const refused = errors.find((e) => e.extensions?.code === 'UNAUTHENTICATED');
  if (!refused) return null;
  const reason = refused.extensions?.reason;
  return typeof reason === 'string' ? reason : 'unknown';
}

const CODE_TITLE: Record<string, string> = {
  NOT_FOUND: 'Not found',
  INVALID_INPUT: 'Check this',
  INVALID_TRANSITION: 'Not possible now',
  INSUFFICIENT_BALANCE: 'Not enough money',
  PLAN_INFEASIBLE: 'The plan does not work',
  PRICE_MISMATCH: 'Price changed',
  OUT_OF_STOCK: 'Out of stock',
  STALE_UPDATE: 'Someone changed this first',
  IDEMPOTENCY_KEY_REUSED: 'Already sent',
  CONSUMER_NOT_FOUND: 'Unknown account',
  WRONG_PASSWORD: 'Wrong password',
  UNPAID_LIMIT_REACHED: 'Too many unpaid orders',
  QUOTATION_EXPIRED: 'Quotation no longer valid',
  IN_USE: 'Still in use',
};

export function errorTitle(code: string): string {
  return CODE_TITLE[code] ?? code;
}

/** The payload errors that point at `field` (a path like ["input", "address", "telNum"]). */
export function errorsAt(
  errors: readonly UserErrorFieldsFragment[] | undefined,
  ...field: string[]
): UserErrorFieldsFragment[] {
  const path = field.join('.');
  return (errors ?? []).filter((e) => e.field?.join('.') === path);
}
