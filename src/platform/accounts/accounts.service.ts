import type { RequestContext } from '../../context.ts';
import type { Config } from '../config.ts';
import { hashPassword, verifyPassword } from '../auth/password.ts';
import { RateLimiter } from '../auth/rate-limit.ts';
import { signToken } from '../auth/token.ts';
import { bank } from '../bank/bank.service.ts';
import { BankTransaction } from '../bank/bank.entity.ts';
import {
  BusinessError,
  ErrorCode,
  badInput,
  graphQLError,
  userError,
  type UserError,
} from '../errors.ts';
import { isBigintId } from '../ids.ts';
import { Decimal } from '../money.ts';
import { checkPageSize, decodeCursor, encodeCursor } from '../pagination.ts';
import { Consumer, Role } from './consumer.entity.ts';

export interface LoginResult {
  token?: string;
  consumer?: Consumer;
  errors: UserError[];
}

/**
 * Logging in, the caller's account and the ADMIN's deposit. Failed logins are counted per
 * consumer id and per client address; past the limit every attempt is RATE_LIMITED until
 * the window ends, right password or not, so guessing gains nothing. Attempts sent in
 * parallel get no more answers than sequential ones: one that could be over the limit waits
 * for those in flight to end.
 */
export class AccountsService {
  // Per running app (keyed by its config), so two apps in one process count apart.
  private readonly limiters = new WeakMap<Config, { byId: RateLimiter; byAddress: RateLimiter }>();

  private failureLimiters(config: Config) {
    let limiters = this.limiters.get(config);
    if (!limiters) {
      const windowMs = config.loginWindowSeconds * 1000;
      limiters = {
        byId: new RateLimiter(config.loginMaxFailures, windowMs),
        // One address may hold many users (an office behind NAT): it gets a wider budget.
        byAddress: new RateLimiter(config.loginMaxFailures * 4, windowMs),
      };
      this.limiters.set(config, limiters);
    }
    return limiters;
  }

  async login(ctx: RequestContext, consumerId: string, password: string): Promise<LoginResult> {
    const { byId, byAddress } = this.failureLimiters(ctx.config);
    const idKey = `id:${consumerId}`;
    for (;;) {
      const wait = Math.max(byId.retryAfter(idKey), byAddress.retryAfter(ctx.clientAddress));
      if (wait > 0) {
        throw graphQLError('RATE_LIMITED', `Too many failed logins; try again in ${wait} s.`, {
          retryAfterSeconds: wait,
        });
      }
      // Parallel guesses must see each other's failures: wait for attempts still in flight
      // whenever their failing would reach a limit, then check again.
      const busy = byId.crowded(idKey) ?? byAddress.crowded(ctx.clientAddress);
      if (!busy) break;
      await busy;
    }
    const endById = byId.begin(idKey);
    const endByAddress = byAddress.begin(ctx.clientAddress);
    let failed = false;
    try {
      const outcome = await this.checkPassword(ctx, consumerId, password);
      failed = !outcome.consumer;
      if (!failed) byId.reset(idKey);
      return outcome;
    } finally {
      endById(failed);
      endByAddress(failed);
    }
  }

  private async checkPassword(
    ctx: RequestContext,
    consumerId: string,
    password: string,
  ): Promise<LoginResult> {
    const consumer = isBigintId(consumerId)
      ? await ctx.em.findOne(Consumer, consumerId, { populate: ['passwordHash'] })
      : null;
    if (!consumer) {
      return {
        errors: [
          userError(ErrorCode.CONSUMER_NOT_FOUND, 'No consumer has this id.', ['consumerId']),
        ],
      };
    }
    if (!(await verifyPassword(password, consumer.passwordHash))) {
      ctx.log.warn({ consumerId }, 'login failed: wrong password');
      return {
        errors: [userError(ErrorCode.WRONG_PASSWORD, 'The password is wrong.', ['password'])],
      };
    }
    const token = signToken(
      { id: consumer.id, role: consumer.role },
      ctx.config.jwtSecret,
      ctx.config.tokenTtlSeconds,
    );
    return { token, consumer, errors: [] };
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
