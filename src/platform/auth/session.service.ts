import { createHash, randomBytes } from 'node:crypto';
import type { EntityManager } from '@mikro-orm/postgresql';
import type { Config } from '../config.ts';
import { Role } from '../accounts/consumer.entity.ts';
import { graphQLError } from '../errors.ts';
import { uuidArray } from '../db/sql-arrays.ts';
import { executeRead } from '../db/read-rows.ts';
import { isUuid } from '../ids.ts';
import { signToken, type TokenClaims, type TokenFailure, type Viewer } from './token.ts';

/** What a login, a refresh or a password change hands the client. */
export interface IssuedTokens {
  token: string;
  refreshToken: string;
  /** When the access token expires (refresh before). */
  tokenExpiresAt: Date;
  viewer: Viewer;
}

/** The account and session behind an access token, as the database has them now. */
export interface SessionState {
  viewer?: Viewer;
  failure?: TokenFailure;
}

const hashOf = (secret: string) => createHash('sha256').update(secret).digest('base64url');

function refreshFailure(message: string) {
  return graphQLError('UNAUTHENTICATED', message);
}

/**
 * Login sessions (auth_sessions). An access token (JWT, TOKEN_TTL_SECONDS) names its session;
 * every operation checks that session and the account in one primary-key read, so logout,
 * a password change, a role change or a deleted account take effect on the next operation on
 * any process. A refresh token (`<session>.<secret>`, only its hash stored) is good once:
 * refreshing rotates it; presenting a used one again ends the session (it was copied).
 */
export class SessionService {
  /** Opens a session for the account, in `em`'s transaction when it has one. */
  async open(
    em: EntityManager,
    account: { id: string; role: Role },
    config: Config,
  ): Promise<IssuedTokens> {
    const secret = randomBytes(32).toString('base64url');
    const [row] = await em.execute<{ id: string }[]>(
      `insert into auth_sessions (consumer_id, refresh_hash, expires_at)
       values (?, ?, now() + make_interval(secs => ?)) returning id`,
      [account.id, hashOf(secret), config.refreshTokenTtlSeconds],
    );
    return this.issue({ id: account.id, role: account.role, sessionId: row.id }, secret, config);
  }

  /** The caller behind verified claims, or why there is none (one statement). */
  async check(em: EntityManager, claims: TokenClaims): Promise<SessionState> {
    const [row] = await executeRead<{ role: Role; session: string | null; revoked: boolean }>(
      em,
      `select c.role, s.id as session, s.revoked_at is not null as revoked
         from consumers c left join auth_sessions s on s.id = ? and s.consumer_id = c.id
        where c.id = ?`,
      [claims.sessionId, claims.id],
    );
    if (!row) return { failure: 'gone' };
    if (!row.session) return { failure: 'invalid' };
    if (row.revoked) return { failure: 'revoked' };
    return { viewer: { id: claims.id, role: row.role, sessionId: claims.sessionId } };
  }

  /** The states of many sessions (verified claims) in one statement: the open sockets' check. */
  async checkMany(em: EntityManager, claims: TokenClaims[]): Promise<Map<string, SessionState>> {
    const states = new Map<string, SessionState>();
    const rows = claims.length
      ? await em.execute<{ id: string; role: Role; revoked: boolean }[]>(
          `select s.id, c.role, s.revoked_at is not null as revoked
             from auth_sessions s join consumers c on c.id = s.consumer_id
            where s.id = any(?::uuid[])`,
          [uuidArray(claims.map((c) => c.sessionId))],
        )
      : [];
    const byId = new Map(rows.map((r) => [r.id, r]));
    for (const c of claims) {
      const row = byId.get(c.sessionId);
      states.set(
        c.sessionId,
        !row
          ? { failure: 'gone' }
          : row.revoked
            ? { failure: 'revoked' }
            : { viewer: { id: c.id, role: row.role, sessionId: c.sessionId } },
      );
    }
    return states;
  }

  /**
   * Swaps a refresh token for a new access token and refresh token. One conditional UPDATE
   * decides: of two refreshes with one token, one rotates it; the other finds it used, which
   * only a copy could do, and ends the session (both lose: log in again). UNAUTHENTICATED when
   * the token is unknown, used, expired or its session ended.
   */
  async refresh(em: EntityManager, refreshToken: string, config: Config): Promise<IssuedTokens> {
    const [sessionId, secret] = refreshToken.split('.');
    if (!sessionId || !secret || !isUuid(sessionId)) {
      throw refreshFailure('The refresh token is not valid; log in again.');
    }
    const next = randomBytes(32).toString('base64url');
    const [rotated] = await em.execute<{ consumer_id: string; role: Role }[]>(
      `update auth_sessions s set refresh_hash = ?, refreshed_at = now(),
              expires_at = now() + make_interval(secs => ?)
         from consumers c
        where s.id = ? and s.refresh_hash = ? and s.revoked_at is null and s.expires_at > now()
          and c.id = s.consumer_id
        returning s.consumer_id, c.role`,
      [hashOf(next), config.refreshTokenTtlSeconds, sessionId, hashOf(secret)],
    );
    if (rotated) {
      const viewer = { id: String(rotated.consumer_id), role: rotated.role, sessionId };
      return this.issue(viewer, next, config);
    }
    const [session] = await em.execute<{ revoked: boolean; expired: boolean; reused: boolean }[]>(
      `select revoked_at is not null as revoked, expires_at <= now() as expired,
              refresh_hash <> ? as reused
         from auth_sessions where id = ?`,
      [hashOf(secret), sessionId],
    );
    if (!session) throw refreshFailure('The refresh token is not valid; log in again.');
    if (session.revoked) throw refreshFailure('The session has ended; log in again.');
    if (session.reused) {
      await this.revoke(em, sessionId, 'refresh token reused');
      throw refreshFailure(
        'This refresh token was already used; the session has been ended for safety: log in again.',
      );
    }
    throw refreshFailure('The refresh token has expired; log in again.');
  }

  /** Ends one session (logout). True when it was still active. */
  async revoke(em: EntityManager, sessionId: string, reason: string): Promise<boolean> {
    const rows = await em.execute<{ id: string }[]>(
      `update auth_sessions set revoked_at = now(), revoked_reason = ?
        where id = ? and revoked_at is null returning id`,
      [reason, sessionId],
    );
    return rows.length > 0;
  }

  /** Ends every session of the account (logout everywhere, a password change). */
  async revokeAll(em: EntityManager, consumerId: string, reason: string): Promise<number> {
    const rows = await em.execute<{ id: string }[]>(
      `update auth_sessions set revoked_at = now(), revoked_reason = ?
        where consumer_id = ? and revoked_at is null returning id`,
      [reason, consumerId],
    );
    return rows.length;
  }

  private issue(viewer: Viewer, refreshSecret: string, config: Config): IssuedTokens {
    return {
      token: signToken(viewer, config.jwtSecret, config.tokenTtlSeconds),
      refreshToken: `${viewer.sessionId}.${refreshSecret}`,
      tokenExpiresAt: new Date(Date.now() + config.tokenTtlSeconds * 1000),
      viewer,
    };
  }
}

export const sessions = new SessionService();
