import { createSecretKey, type KeyObject } from 'node:crypto';
import jwt from 'jsonwebtoken';
import { Role } from '../accounts/consumer.entity.ts';
import { isBigintId, isUuid } from '../ids.ts';

/** Who is calling: the account as the database has it now (its current role). */
export interface Viewer {
  id: string;
  role: Role;
  /** The login session the access token belongs to (auth_sessions.id). */
  sessionId: string;
}

/** What a verified access token says; the account behind it is checked separately. */
export interface TokenClaims {
  id: string;
  /** The role when the token was issued (informational: the database's role decides). */
  role: Role;
  sessionId: string;
  /** Seconds since the epoch. */
  expiresAt: number;
}

/** Why a presented token gives no caller; the message tells the client what to do. */
export type TokenFailure = 'malformed' | 'invalid' | 'expired' | 'revoked' | 'gone';

export const TOKEN_FAILURE_MESSAGES: Record<TokenFailure, string> = {
  malformed: 'Authorization must be "Bearer <token>".',
  invalid: 'The token is not valid; log in again.',
  expired: 'The token has expired; refresh it (refreshToken) or log in again.',
  revoked: 'The session has ended (logged out, or the password changed); log in again.',
  gone: 'The account of this token no longer exists.',
};

/** What an Authorization value gives: nothing (anonymous), claims, or why it gives none. */
export type TokenReading = { claims?: TokenClaims; failure?: TokenFailure };

const ISSUER = 'orderly';

const keys = new Map<string, KeyObject>();
/**
 * The secret as a KeyObject, made once: given a string, jsonwebtoken first tries to parse it
 * as a PEM public key and builds the secret key only after that throws, on every request.
 */
function keyOf(secret: string): KeyObject {
  let key = keys.get(secret);
  if (!key) {
    key = createSecretKey(Buffer.from(secret, 'utf8'));
    keys.set(secret, key);
  }
  return key;
}

/** An HS256 access token for a session of `viewer`, valid `ttlSeconds`. */
export function signToken(viewer: Viewer, secret: string, ttlSeconds: number): string {
  return jwt.sign({ role: viewer.role, sid: viewer.sessionId }, keyOf(secret), {
    algorithm: 'HS256',
    subject: viewer.id,
    issuer: ISSUER,
    expiresIn: ttlSeconds,
  });
}

/**
 * Reads an `Authorization` value ("Bearer <jwt>") without touching the database: no header is
 * anonymous; a malformed, tampered with or expired one is a failure the caller can be told
 * about (the request itself still runs, anonymously: login and introspection need no token).
 */
export function readAuthorization(header: unknown, secret: string): TokenReading {
  if (header === undefined || header === null || header === '') return {};
  if (typeof header !== 'string' || !header.startsWith('Bearer ')) return { failure: 'malformed' };
  try {
    const claims = jwt.verify(header.slice(7).trim(), keyOf(secret), {
      algorithms: ['HS256'],
      issuer: ISSUER,
    }) as jwt.JwtPayload;
    const role = claims.role as Role;
    if (
      typeof claims.sub !== 'string' ||
      typeof claims.sid !== 'string' ||
      !isUuid(claims.sid) ||
      !isBigintId(claims.sub) ||
      typeof claims.exp !== 'number' ||
      !Object.values(Role).includes(role)
    ) {
      return { failure: 'invalid' };
    }
    return { claims: { id: claims.sub, role, sessionId: claims.sid, expiresAt: claims.exp } };
  } catch (err) {
    return { failure: err instanceof jwt.TokenExpiredError ? 'expired' : 'invalid' };
  }
}
