import { Arg, Ctx, FieldResolver, ID, Int, Query, Resolver, Root } from 'type-graphql';
import type { RequestContext } from '../../context.ts';
import { Staff } from '../../platform/auth/roles.ts';
import { DateTimeScalar } from '../../platform/scalars.ts';
import { underwriteQueues } from './underwrite-queue.service.ts';
import { UnderwriteQueueConnection, UnderwriteStage } from './underwrite-queue.types.ts';

@Resolver(() => UnderwriteQueueConnection)
export class UnderwriteQueueResolver {
  @Staff()
  @Query(() => UnderwriteQueueConnection, {
    description:
      'OPERATOR or ADMIN: plan orders in UNDERWRITING waiting for an inspection (or, stage AWAITING_RESULT, for a result), longest waiting first.',
  })
  underwritingQueue(
    @Arg('stage', () => UnderwriteStage, { defaultValue: UnderwriteStage.AWAITING_INSPECTION })
    stage: UnderwriteStage,
    @Arg('operatorId', () => ID, { nullable: true, description: "Only this operator's." })
    operatorId: string | null,
    @Arg('first', () => Int, { nullable: true, defaultValue: 20 }) first: number,
    @Arg('after', () => String, { nullable: true }) after: string | null,
    @Ctx() ctx: RequestContext,
  ): Promise<UnderwriteQueueConnection> {
    return underwriteQueues.waiting(ctx, { stage, operatorId, first, after });
  }

  @Staff()
  @Query(() => UnderwriteQueueConnection, {
    description:
      'OPERATOR or ADMIN: inspections planned in [from, to) (a day, at most 31), by planned time; by default only those still to do.',
  })
  inspectionSchedule(
    @Arg('from', () => DateTimeScalar) from: Date,
    @Arg('to', () => DateTimeScalar) to: Date,
    @Arg('onlyUninspected', () => Boolean, { defaultValue: true }) onlyUninspected: boolean,
    @Arg('first', () => Int, { nullable: true, defaultValue: 20 }) first: number,
    @Arg('after', () => String, { nullable: true }) after: string | null,
    @Ctx() ctx: RequestContext,
  ): Promise<UnderwriteQueueConnection> {
    return underwriteQueues.schedule(ctx, { from, to, onlyUninspected, first, after });
  }

  @FieldResolver(() => Int)
  totalCount(@Root() connection: UnderwriteQueueConnection): Promise<number> {
    return connection.countTotal();
  }
}
