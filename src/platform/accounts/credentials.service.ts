import type { RequestContext } from '../../context.ts';
import { tokenRefused } from '../auth/authenticate.ts';
import { checkPassword, hashNewPassword } from '../auth/password-check.ts';
import { requireViewer } from '../auth/roles.ts';
import { sessions } from '../auth/session.service.ts';
import { bank } from '../bank/bank.service.ts';
import { ErrorCode, userError, type UserError, type FieldPath } from '../errors.ts';
import { isBigintId } from '../ids.ts';
import { InputChecks } from '../input.rules.ts';
import { sessionPayload, type LoginResult } from './accounts.service.ts';
import { Consumer, Role } from './consumer.entity.ts';

const MIN_PASSWORD = 8;
const MAX_PASSWORD = 200;

function passwordProblem(password: string, field: FieldPath): UserError | undefined {
  if (password.length < MIN_PASSWORD || password.length > MAX_PASSWORD) {
    return userError(
      ErrorCode.INVALID_INPUT,
      `A password has ${MIN_PASSWORD} to ${MAX_PASSWORD} characters.`,
      field,
    );
  }
  return undefined;
}

/**
 * Sessions and credentials beyond login: refresh, logout, a consumer's own password change and
 * the ADMIN's new accounts. Each write is one conditional statement or one transaction, so
 * concurrent calls resolve in the database (see each method).
 */
export class CredentialsService {
  /** A new token pair for a refresh token (rotated: good once). UNAUTHENTICATED when unusable. */
  async refresh(ctx: RequestContext, refreshToken: string): Promise<LoginResult> {
    const issued = await sessions.refresh(ctx.em, refreshToken, ctx.config);
    const consumer = await ctx.em.findOneOrFail(Consumer, issued.viewer.id);
    return sessionPayload(ctx, issued, consumer);
  }

  /**
   * Ends the caller's session, or with `allSessions` every session of the account: tokens of
   * an ended session are refused from the next operation on, on every process, and its open
   * sockets close (4401) within SOCKET_AUTH_CHECK_MS. A request checked before the logout
   * committed still finishes.
   */
  async logout(ctx: RequestContext, allSessions: boolean) {
    const viewer = requireViewer(ctx);
    const endedSessions = allSessions
      ? await sessions.revokeAll(ctx.em, viewer.id, 'logout everywhere')
      : Number(await sessions.revoke(ctx.em, viewer.sessionId, 'logout'));
    return { endedSessions, errors: [] };
  }

  /**
   * The caller's password, the old one required (counted like a login: a stolen token cannot
   * guess it faster). The hash is replaced only if it is still the one checked, in the same
   * transaction that ends every session of the account and opens the caller's new one: of two
   * changes at once one wins, the other answers STALE_UPDATE; tokens issued before stop working.
   */
  async changePassword(
    ctx: RequestContext,
    oldPassword: string,
    newPassword: string,
  ): Promise<LoginResult> {
    const viewer = requireViewer(ctx);
    const invalid = passwordProblem(newPassword, ['newPassword']);
    if (invalid) return { errors: [invalid] };
    if (newPassword === oldPassword) {
      return {
        errors: [
          userError(ErrorCode.INVALID_INPUT, 'The new password is the old one.', ['newPassword']),
        ],
      };
    }
    let checked: string | undefined;
    const outcome = await checkPassword(ctx, viewer.id, oldPassword, async () => {
      const found = await ctx.em.findOne(Consumer, viewer.id, { populate: ['passwordHash'] });
      checked = found?.passwordHash;
      return checked ?? null;
    });
    if (outcome === 'missing') throw tokenRefused('gone');
    if (outcome === 'wrong') {
      return {
        errors: [
          userError(ErrorCode.WRONG_PASSWORD, 'The old password is wrong.', ['oldPassword']),
        ],
      };
    }
    const hash = await hashNewPassword(ctx, newPassword);
    const issued = await ctx.em.transactional(async (em) => {
      const changed = await em.execute<{ id: string }[]>(
        `update consumers set password_hash = ?, password_changed_at = now()
          where id = ? and password_hash = ? returning id`,
        [hash, viewer.id, checked],
      );
      if (changed.length === 0) return undefined;
      await sessions.revokeAll(em, viewer.id, 'password changed');
      return sessions.open(em, viewer, ctx.config);
    });
    if (!issued) {
      return {
        errors: [
          userError(
            ErrorCode.STALE_UPDATE,
            'The password was changed meanwhile; nothing was changed.',
            ['oldPassword'],
          ),
        ],
      };
    }
    ctx.log.info({ consumerId: viewer.id }, 'password changed; every session ended');
    return sessionPayload(ctx, issued, await ctx.em.findOneOrFail(Consumer, viewer.id));
  }

  /**
   * ADMIN: a new account with a bank account, recording who created it and when. An id given
   * and taken (or taken by a concurrent call) is INVALID_INPUT on `input.id`; without one the
   * next free number is used.
   */
  async createConsumer(
    ctx: RequestContext,
    input: { id?: string | null; name: string; password: string; role?: Role },
  ): Promise<{ consumer?: Consumer; errors: UserError[] }> {
    const admin = requireViewer(ctx);
    const name = input.name.trim();
    const checks = new InputChecks();
    if (input.id != null && !isBigintId(input.id)) {
      checks.add(ErrorCode.INVALID_INPUT, 'An id is a positive whole number.', ['input', 'id']);
    }
    if (name.length < 1 || name.length > 100) {
      checks.add(ErrorCode.INVALID_INPUT, 'A name has 1 to 100 characters.', ['input', 'name']);
    }
    const weak = passwordProblem(input.password, ['input', 'password']);
    if (weak) checks.push(weak);
    if (checks.any) return { errors: checks.errors };
    const hash = await hashNewPassword(ctx, input.password);
    // ON CONFLICT also settles two calls for one id at once: the second waits, then finds it taken.
    const id = await ctx.em.transactional(async (em) => {
      // The sequence also passes ids given by hand (the demo accounts'): skip those.
      for (;;) {
        const [row] = await em.execute<{ id: string }[]>(
          `insert into consumers (id, name, role, password_hash, created_by)
             values (coalesce(?::bigint, nextval('consumer_id_seq')), ?, ?, ?, ?)
             on conflict (id) do nothing returning id`,
          [input.id ?? null, name, input.role ?? Role.CONSUMER, hash, admin.id],
        );
        if (row) {
          await bank.openAccount(em, String(row.id));
          return String(row.id);
        }
        if (input.id != null) return undefined;
      }
    });
    if (!id) {
      return {
        errors: [userError(ErrorCode.INVALID_INPUT, 'This id is taken.', ['input', 'id'])],
      };
    }
    ctx.log.info({ consumerId: id, by: admin.id }, 'consumer created');
    return { consumer: await ctx.em.findOneOrFail(Consumer, id), errors: [] };
  }
}

export const credentials = new CredentialsService();
