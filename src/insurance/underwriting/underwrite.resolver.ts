import { Arg, Ctx, FieldResolver, ID, Mutation, Query, Resolver, Root } from 'type-graphql';
import type { RequestContext } from '../../context.ts';
import { Consumer } from '../../platform/accounts/consumer.entity.ts';
import { LoggedIn, Staff } from '../../platform/auth/roles.ts';
import { loadConsumer } from '../../platform/accounts/consumer.loader.ts';
import type { Order } from '../../platform/orders/order.entity.ts';
import { OrderInterface } from '../../platform/orders/order.types.ts';
import { DateTimeScalar } from '../../platform/scalars.ts';
import { insuranceLoaders } from '../insurance.loaders.ts';
import { underwriteResults } from './underwrite-result.service.ts';
import { underwriting } from './underwrite.service.ts';
import { Photo, Problem, Underwrite, UnderwriteResult } from './underwrite.entity.ts';
import { CreateUnderwriteInput, FillUnderwriteInput } from './underwrite.input.ts';
import { UnderwritePayload } from './underwrite.types.ts';

@Resolver(() => Underwrite)
export class UnderwriteResolver {
  @LoggedIn()
  @Query(() => Underwrite, {
    nullable: true,
    description: "A plan order's underwrite (its inspection); null when none is booked.",
  })
  underwriteByOrder(@Arg('orderId', () => ID) orderId: string, @Ctx() ctx: RequestContext) {
    return underwriting.byOrder(ctx, orderId);
  }

  @LoggedIn()
  @Mutation(() => UnderwritePayload)
  createUnderwrite(
    @Arg('input', () => CreateUnderwriteInput) input: CreateUnderwriteInput,
    @Ctx() ctx: RequestContext,
  ) {
    return underwriting.create(ctx, input);
  }

  @Staff()
  @Mutation(() => UnderwritePayload, {
    description: "OPERATOR: the inspection on site; the caller becomes the underwrite's operator.",
  })
  fillUnderwrite(
    @Arg('input', () => FillUnderwriteInput) input: FillUnderwriteInput,
    @Ctx() ctx: RequestContext,
  ) {
    return underwriting.fill(ctx, input);
  }

  @Staff()
  @Mutation(() => UnderwritePayload)
  submitUnderwriteResult(
    @Arg('underwriteId', () => ID) id: string,
    @Arg('result', () => UnderwriteResult) result: UnderwriteResult,
    @Arg('resultUpdateTime', () => DateTimeScalar) at: Date,
    @Ctx() ctx: RequestContext,
  ) {
    return underwriteResults.submit(ctx, id, result, at);
  }

  @Staff()
  @Mutation(() => UnderwritePayload)
  alterUnderwriteResult(
    @Arg('underwriteId', () => ID) id: string,
    @Arg('result', () => UnderwriteResult) result: UnderwriteResult,
    @Arg('resultUpdateTime', () => DateTimeScalar) at: Date,
    @Ctx() ctx: RequestContext,
  ) {
    return underwriteResults.alter(ctx, id, result, at);
  }

  @LoggedIn()
  @Mutation(() => UnderwritePayload)
  alterValidatePlace(
    @Arg('underwriteId', () => ID) id: string,
    @Arg('validatePlace', () => String) place: string,
    @Arg('validateUpdateTime', () => DateTimeScalar) at: Date,
    @Ctx() ctx: RequestContext,
  ) {
    return underwriting.alterValidatePlace(ctx, id, place, at);
  }

  @Staff()
  @Mutation(() => UnderwritePayload)
  alterRealPlace(
    @Arg('underwriteId', () => ID) id: string,
    @Arg('realPlace', () => String) place: string,
    @Arg('realUpdateTime', () => DateTimeScalar) at: Date,
    @Ctx() ctx: RequestContext,
  ) {
    return underwriting.alterRealPlace(ctx, id, place, at);
  }

  @Staff()
  @Mutation(() => UnderwritePayload)
  alterNote(
    @Arg('underwriteId', () => ID) id: string,
    @Arg('note', () => String) note: string,
    @Arg('noteUpdateTime', () => DateTimeScalar) at: Date,
    @Ctx() ctx: RequestContext,
  ) {
    return underwriting.alterNote(ctx, id, note, at);
  }

  @LoggedIn()
  @Mutation(() => UnderwritePayload)
  uploadPhotos(
    @Arg('underwriteId', () => ID) id: string,
    @Arg('urls', () => [String]) urls: string[],
    @Ctx() ctx: RequestContext,
  ) {
    return underwriting.uploadPhotos(ctx, id, urls);
  }

  @FieldResolver(() => OrderInterface)
  async order(@Root() uw: Underwrite, @Ctx() ctx: RequestContext): Promise<Order> {
    return (await insuranceLoaders(ctx).order(uw.orderId))!;
  }

  @FieldResolver(() => Consumer, { nullable: true })
  operator(@Root() uw: Underwrite, @Ctx() ctx: RequestContext) {
    return uw.operatorId ? loadConsumer(ctx, uw.operatorId) : null;
  }

  @FieldResolver(() => [Problem])
  problems(@Root() uw: Underwrite, @Ctx() ctx: RequestContext) {
    return insuranceLoaders(ctx).problems(uw.id);
  }

  @FieldResolver(() => [Photo])
  photos(@Root() uw: Underwrite, @Ctx() ctx: RequestContext) {
    return insuranceLoaders(ctx).photos(uw.id);
  }
}
