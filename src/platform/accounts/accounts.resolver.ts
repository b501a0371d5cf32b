import { Arg, Ctx, FieldResolver, ID, Int, Mutation, Query, Resolver, Root } from 'type-graphql';
import type { RequestContext } from '../../context.ts';
import { tokenRefused } from '../auth/authenticate.ts';
import { AdminOnly, Anyone, requireSelfOrStaff } from '../auth/roles.ts';
import { BankTransaction } from '../bank/bank.entity.ts';
import { balancesByConsumer } from '../bank/bank.service.ts';
import { forbidden } from '../errors.ts';
import type { Decimal } from '../money.ts';
import { OrderConnection } from '../orders/order.types.ts';
import { OrderKind, OrderStatus } from '../orders/order.entity.ts';
import { orders } from '../orders/order.service.ts';
import { toConnection } from '../orders/order.resolver.ts';
import { DecimalScalar } from '../scalars.ts';
import { accounts } from './accounts.service.ts';
import { BankTransactionConnection, LoginPayload } from './accounts.types.ts';
import { Consumer, Role } from './consumer.entity.ts';

@Resolver(() => Consumer)
export class AccountsResolver {
  @Anyone()
  @Query(() => Consumer, {
    nullable: true,
    description:
      'The logged-in consumer; null without a token. A token that is expired, invalid or of an ended session answers UNAUTHENTICATED saying which.',
  })
  me(@Ctx() ctx: RequestContext): Promise<Consumer | null> {
    if (!ctx.viewer && ctx.auth.failure) throw tokenRefused(ctx.auth.failure);
    return ctx.viewer ? ctx.em.findOne(Consumer, ctx.viewer.id) : Promise.resolve(null);
  }

  @Anyone()
  @Mutation(() => LoginPayload, {
    description:
      'Opens a session. Works whatever Authorization header is sent (a stale one is ignored); must be the only field of its operation.',
  })
  login(
    @Arg('consumerId', () => ID) consumerId: string,
    @Arg('password', () => String) password: string,
    @Ctx() ctx: RequestContext,
  ): Promise<LoginPayload> {
    return accounts.login(ctx, consumerId, password);
  }

  @AdminOnly()
  @Mutation(() => BankTransaction, { description: "ADMIN: credit a consumer's bank account." })
  deposit(
    @Arg('consumerId', () => ID) consumerId: string,
    @Arg('amount', () => DecimalScalar) amount: Decimal,
    @Ctx() ctx: RequestContext,
  ): Promise<BankTransaction> {
    return accounts.deposit(ctx, consumerId, amount);
  }

  @FieldResolver(() => DecimalScalar, {
    description:
      "Balance of the consumer's bank account. Visible to the consumer and to ADMIN. Staff accounts (OPERATOR, ADMIN) pay for nothing: theirs is 0.00 unless an ADMIN deposited to it.",
  })
  balance(@Root() consumer: Consumer, @Ctx() ctx: RequestContext): Promise<Decimal> {
    if (ctx.viewer?.id !== consumer.id && ctx.viewer?.role !== Role.ADMIN) {
      throw forbidden('Only the consumer and ADMIN see a balance.');
    }
    return ctx.loaders.get(balancesByConsumer).load(consumer.id);
  }

  @FieldResolver(() => BankTransactionConnection, {
    description: "Ledger of the consumer's bank account, newest first.",
  })
  transactions(
    @Root() consumer: Consumer,
    @Arg('first', () => Int, { nullable: true, defaultValue: 20 }) first: number,
    @Arg('after', () => String, { nullable: true }) after: string | null,
    @Ctx() ctx: RequestContext,
  ) {
    if (ctx.viewer?.id !== consumer.id && ctx.viewer?.role !== Role.ADMIN) {
      throw forbidden('Only the consumer and ADMIN see a ledger.');
    }
    return accounts.transactions(ctx, consumer.id, first, after);
  }

  @FieldResolver(() => OrderConnection, {
    description: "The consumer's orders of every kind, most recently updated first.",
  })
  async orders(
    @Root() consumer: Consumer,
    @Arg('kind', () => OrderKind, { nullable: true }) kind: OrderKind | null,
    @Arg('status', () => OrderStatus, { nullable: true }) status: OrderStatus | null,
    @Arg('first', () => Int, { nullable: true, defaultValue: 20 }) first: number,
    @Arg('after', () => String, { nullable: true }) after: string | null,
    @Ctx() ctx: RequestContext,
  ): Promise<OrderConnection> {
    requireSelfOrStaff(ctx, consumer.id);
    return toConnection(
      await orders.list(ctx, { consumerId: consumer.id, kind, status, first, after }),
    );
  }
}
