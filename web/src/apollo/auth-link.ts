import { ApolloLink } from '@apollo/client';
import { ErrorLink } from '@apollo/client/link/error';
import { from, mergeMap } from 'rxjs';
import { renewToken } from '../auth/renewal.ts';
import { SESSION_ENDED, session } from '../auth/session.ts';
import { authFailureReason } from '../shared/errors.ts';

/**
 * Bearer token on every HTTP operation (the session's newest), and what to do when the service
 * refuses the token an operation carried: an expired one is renewed (one refresh at a time,
 * auth/renewal.ts) and the operation sent once more; any other refusal ends the session.
 * `tokenUsed` says which token an operation went with (a subscription: its socket's).
 */
export function authLink(
  tokenUsed: (operation: ApolloLink.Operation, httpToken: string | null) => string | null,
): ApolloLink {
  const bearer = new ApolloLink((operation, forward) => {
    const token = session.get()?.token ?? null;
    operation.setContext(({ headers }: { headers?: Record<string, string> }) => ({
      headers: { ...headers, ...(token && { authorization: `Bearer ${token}` }) },
      token,
    }));
    return forward(operation);
  });
  const renewOnExpiry = new ErrorLink(({ error, operation, forward }) => {
    const reason = authFailureReason(error);
    if (reason === null || !session.get()) return;
    const context = operation.getContext() as { token?: string | null; renewed?: boolean };
    if (reason !== 'expired' || context.renewed) {
      session.end(SESSION_ENDED);
      return;
    }
    operation.setContext({ renewed: true });
    const used = tokenUsed(operation, context.token ?? null);
    return from(renewToken(used)).pipe(mergeMap(() => forward(operation)));
  });
  return ApolloLink.from([renewOnExpiry, bearer]);
}
