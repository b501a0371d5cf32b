import type { RequestContext } from '../../context.ts';
import { hashPassword } from '../auth/password.ts';
import { checkPassword } from '../auth/password-check.ts';
import { sessions, type IssuedTokens } from '../auth/session.service.ts';
import { bank } from '../bank/bank.service.ts';
import { BankTransaction } from '../bank/bank.entity.ts';
import { BusinessError, ErrorCode, badInput, userError, type UserError } from '../errors.ts';
import { isBigintId } from '../ids.ts';
import { Decimal } from '../money.ts';
import { checkPageSize, decodeCursor, encodeCursor } from '../pagination.ts';
import { Consumer, Role } from './consumer.entity.ts';

export interface LoginResult {
  token?: string;
  refreshToken?: string;
  tokenExpiresAt?: Date;
  consumer?: Consumer;
  errors: UserError[];
}

/** The payload of a new session; its consumer answers as the session's caller (ctx.viewer). */
export function sessionPayload(
  ctx: RequestContext,
  issued: IssuedTokens,
  consumer: Consumer,
): LoginResult {
  ctx.viewer = issued.viewer;
  return {
    token: issued.token,
    refreshToken: issued.refreshToken,
    tokenExpiresAt: issued.tokenExpiresAt,
    consumer,
    errors: [],
  };
}

/**
 * Logging in, the caller's account and the ADMIN's deposit. A login's password check is
 * counted per consumer id and per client address in PostgreSQL (../auth/password-check.ts):
 * past the limit every attempt is RATE_LIMITED until the window ends, right password or not,
 * and parallel attempts, on one process or several, get no more answers than sequential ones.
 * A right password opens a session (../auth/session.service.ts): an access token and a
 * refresh token; the operation's caller is then that consumer, so the payload's `consumer`
 * answers every field (its balance too) as it would with the token.
 */
export class AccountsService {
  async login(ctx: RequestContext, consumerId: string, password: string): Promise<LoginResult> {
    let consumer: Consumer | null = null;
    const outcome = await checkPassword(ctx, consumerId, password, async () => {
      consumer = isBigintId(consumerId)
        ? await ctx.em.findOne(Consumer, consumerId, { populate: ['passwordHash'] })
        : null;
      return consumer?.passwordHash ?? null;
    });
    if (outcome === 'missing' || !consumer) {
      return {
        errors: [
          userError(ErrorCode.CONSUMER_NOT_FOUND, 'No consumer has this id.', ['consumerId']),
        ],
      };
    }
    if (outcome === 'wrong') {
      ctx.log.warn({ consumerId }, 'login failed: wrong password');
      return {
        errors: [userError(ErrorCode.WRONG_PASSWORD, 'The password is wrong.', ['password'])],
      };
    }
    const found: Consumer = consumer;
    return sessionPayload(ctx, await sessions.open(ctx.em, found, ctx.config), found);
  }

  async register(
    ctx: Pick<RequestContext, 'em'>,
    input: { id?: string; name: string; password: string; role?: Role },
  ): Promise<Consumer> {
    const consumer = ctx.em.create(Consumer, {
      ...(input.id ? { id: input.id } : {}),
      name: input.name,
      role: input.role ?? Role.CONSUMER,
      passwordHash: await hashPassword(input.password),
      createdAt: new Date(),
    });
    await ctx.em.flush();
    await bank.openAccount(ctx.em, consumer.id);
    return consumer;
  }

  async deposit(
    ctx: RequestContext,
    consumerId: string,
    amount: Decimal,
  ): Promise<BankTransaction> {
    if (amount.lte(0)) throw badInput('amount must be positive.', { field: 'amount' });
    if (!isBigintId(consumerId) || !(await ctx.em.findOne(Consumer, consumerId))) {
      throw badInput('No consumer has this id.', { field: 'consumerId' });
    }
    try {
      return await ctx.em.transactional((em) =>
        bank.credit(em, consumerId, amount, `Deposit by ADMIN ${ctx.viewer?.id ?? ''}`.trim()),
      );
    } catch (err) {
      // deposit has no payload: a balance it would push past the maximum is the caller's input.
      if (err instanceof BusinessError) throw badInput(err.message, { field: 'amount' });
      throw err;
    }
  }

  /** The ledger, newest first, keyset-paginated on id. */
  async transactions(
    ctx: RequestContext,
    consumerId: string,
    first: number,
    after?: string | null,
  ) {
    checkPageSize(first);
    const where: Record<string, unknown> = { consumerId };
    if (after) {
      const [id] = decodeCursor(after, 1);
      if (!isBigintId(String(id))) decodeCursor('', 1);
      where.id = { $lt: String(id) };
    }
    const rows = await ctx.em.find(BankTransaction, where, {
      orderBy: { id: 'desc' },
      limit: first + 1,
    });
    const nodes = rows.slice(0, first);
    return {
      nodes,
      pageInfo: {
        hasNextPage: rows.length > first,
        endCursor: nodes.length ? encodeCursor([nodes[nodes.length - 1].id]) : null,
      },
    };
  }
}

export const accounts = new AccountsService();
