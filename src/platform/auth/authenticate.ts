import type { GraphQLError } from 'graphql';
import type { RequestContext } from '../../context.ts';
import { graphQLError } from '../errors.ts';
import { sessions } from './session.service.ts';
import { TOKEN_FAILURE_MESSAGES, type TokenFailure } from './token.ts';

/**
 * Sets the operation's caller from its token's claims: the session must be active and the
 * account exist; the role is the account's now. Runs once per operation, after the query
 * limits (a refused operation costs no statement), before the mutation budget and resolvers.
 * A token that gives no caller leaves the operation anonymous with the reason kept, so login
 * and introspection still work and a field that needs a caller says why it has none.
 */
export async function authenticate(ctx: RequestContext): Promise<void> {
  const claims = ctx.auth.claims;
  if (!claims || ctx.viewer) return;
  // A socket's token is read once, at connection_init: by now it may have expired.
  if (claims.expiresAt * 1000 <= Date.now()) {
    ctx.auth = { failure: 'expired' };
    return;
  }
  const state = await sessions.check(ctx.em, claims);
  ctx.viewer = state.viewer;
  if (state.failure) ctx.auth = { failure: state.failure };
}

/** UNAUTHENTICATED saying why the presented token gives no caller. */
export function tokenRefused(
  failure: TokenFailure,
  message = TOKEN_FAILURE_MESSAGES[failure],
): GraphQLError {
  return graphQLError('UNAUTHENTICATED', message, { reason: failure });
}
