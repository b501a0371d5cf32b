import { print } from 'graphql';
import { RefreshTokenDocument, type SessionFieldsFragment } from '../generated/graphql.ts';
import { SESSION_ENDED, session } from './session.ts';

// The refresh mutation, sent with fetch rather than through the Apollo link chain it serves.
const REFRESH = print(RefreshTokenDocument);
// Renew when a fifth of the token's life is left, at most a minute before it expires.
const MARGIN_SHARE = 0.2;
const MAX_MARGIN_MS = 60_000;
// A refresh that failed for the network (not refused) is tried again after this long.
const RETRY_MS = 5_000;

let inFlight: Promise<void> | null = null;

/** The service refused the refresh token: the session is over. */
export class SessionEndedError extends Error {
  constructor() {
    super(SESSION_ENDED);
  }
}

/**
 * New tokens for the session in place of `used` (the token a refused request carried, or the
 * one about to expire). Nothing is sent when the session's token is already another one (this
 * or another tab renewed it). One refresh at a time in this tab, and across the browser's tabs
 * through a Web Lock: a refresh token presented twice ends the session (docs/authentication.md).
 * Rejects with SessionEndedError, having ended the session, when the service refuses it.
 */
export function renewToken(used: string | null): Promise<void> {
  if (used !== null && session.get()?.token !== used) return Promise.resolve();
  inFlight ??= exclusive(() => refresh(used)).finally(() => {
    inFlight = null;
  });
  return inFlight;
}

function exclusive(task: () => Promise<void>): Promise<void> {
  return navigator.locks ? navigator.locks.request('orderly.refresh', task) : task();
}

async function refresh(used: string | null): Promise<void> {
  // Another tab may have renewed while this one waited for the lock: its tokens are stored.
  const stored = await session.reload();
  if (!stored) throw new SessionEndedError();
  if (used !== null && stored.token !== used) return;
  const response = await fetch('/graphql', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ query: REFRESH, variables: { refreshToken: stored.refreshToken } }),
  });
  const body = (await response.json().catch(() => null)) as {
    data?: { refreshToken: SessionFieldsFragment | null } | null;
    errors?: { extensions?: { code?: string } }[];
  } | null;
  const tokens = body?.data?.refreshToken;
  if (tokens?.token && tokens.refreshToken && tokens.tokenExpiresAt && tokens.consumer) {
    await session.renewed({
      token: tokens.token,
      refreshToken: tokens.refreshToken,
      tokenExpiresAt: tokens.tokenExpiresAt,
      consumer: tokens.consumer,
    });
    return;
  }
  if (body?.errors?.some((e) => e.extensions?.code === 'UNAUTHENTICATED')) {
    session.end(SESSION_ENDED);
    throw new SessionEndedError();
  }
  throw new Error(`The token could not be renewed (HTTP ${response.status}).`);
}

/**
 * Renews the session's token a little before it expires, and again after each renewal (this
 * tab's or another's). Returns the function that stops it.
 */
export function keepTokenFresh(): () => void {
  let timer: ReturnType<typeof setTimeout> | undefined;
  let scheduledFor: string | undefined;
  const schedule = (delay?: number) => {
    const current = session.get();
    clearTimeout(timer);
    scheduledFor = current?.token;
    if (!current) return;
    const left = Date.parse(current.tokenExpiresAt) - Date.now();
    const wait = delay ?? Math.max(0, left - Math.min(MAX_MARGIN_MS, left * MARGIN_SHARE));
    timer = setTimeout(() => {
      renewToken(current.token).then(
        () => schedule(),
        (error: unknown) => {
          if (!(error instanceof SessionEndedError)) schedule(RETRY_MS);
        },
      );
    }, wait);
  };
  const unsubscribe = session.subscribe(() => {
    if (session.get()?.token !== scheduledFor) schedule();
  });
  schedule();
  return () => {
    clearTimeout(timer);
    unsubscribe();
  };
}
