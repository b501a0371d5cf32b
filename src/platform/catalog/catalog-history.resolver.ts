import { Arg, Ctx, FieldResolver, ID, Int, Query, Resolver, Root } from 'type-graphql';
import type { RequestContext } from '../../context.ts';
import { Consumer } from '../accounts/consumer.entity.ts';
import { loadConsumer } from '../accounts/consumer.loader.ts';
import { Staff } from '../auth/roles.ts';
import type { MaybePromise } from '../loaders.ts';
import { catalogHistory } from './catalog-history.service.ts';
import { CatalogChangeConnection, CatalogChangeType } from './catalog-history.types.ts';

@Resolver(() => CatalogChangeType)
export class CatalogHistoryResolver {
  @Staff()
  @Query(() => CatalogChangeConnection, {
    description:
      "OPERATOR or ADMIN: the catalogue's history, newest first; narrowed to one entity (entityType and entityId) or one person's changes.",
  })
  catalogHistory(
    @Arg('entityType', () => String, { nullable: true }) entityType: string | null,
    @Arg('entityId', () => ID, { nullable: true }) entityId: string | null,
    @Arg('actorId', () => ID, { nullable: true }) actorId: string | null,
    @Arg('first', () => Int, { nullable: true, defaultValue: 20 }) first: number,
    @Arg('after', () => String, { nullable: true }) after: string | null,
    @Ctx() ctx: RequestContext,
  ): Promise<CatalogChangeConnection> {
    return catalogHistory.list(ctx, { entityType, entityId, actorId, first, after });
  }

  @FieldResolver(() => Consumer, { nullable: true })
  actor(
    @Root() change: CatalogChangeType,
    @Ctx() ctx: RequestContext,
  ): MaybePromise<Consumer | null> {
    return change.actorId ? loadConsumer(ctx, change.actorId) : null;
  }
}

@Resolver(() => CatalogChangeConnection)
export class CatalogChangeConnectionResolver {
  @FieldResolver(() => Int)
  totalCount(@Root() connection: CatalogChangeConnection): Promise<number> {
    return connection.countTotal();
  }
}
