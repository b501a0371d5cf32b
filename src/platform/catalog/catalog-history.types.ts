import { Field, ID, Int, ObjectType } from 'type-graphql';
import { Consumer } from '../accounts/consumer.entity.ts';
import { PageInfo } from '../pagination.ts';
import { DateTimeScalar, JSONScalar } from '../scalars.ts';

@ObjectType('CatalogChange', {
  description: 'One change to the catalogue: who made it, when, and each field before and after.',
})
export class CatalogChangeType {
  @Field(() => ID)
  id!: string;

  @Field(() => String, {
    description:
      'SHOP, PRODUCT, INSURANCE_PLAN, INSURANCE_PLAN_ITEM, PROMOTION, QUOTATION, VEHICLE, DRIVER, CHIP, PLANT, PLANT_CAPABILITY.',
  })
  entityType!: string;

  @Field(() => ID, { description: "The changed row's id (a capability's is plantId:chip:step)." })
  entityId!: string;

  @Field(() => String, {
    description: 'CREATED, UPDATED, STOCK_ADJUSTED, STATUS_CHANGED, WITHDRAWN, REMOVED.',
  })
  action!: string;

  @Field(() => Consumer, {
    nullable: true,
    description: 'Who made the change; null for the demo data.',
  })
  actor?: Consumer | null;

  /** Not a field: the `actor` field resolver loads it. */
  actorId?: string | null;

  @Field(() => JSONScalar, {
    description: '{ field: { from, to } } for every field that changed; money as "12.80".',
  })
  changes!: unknown;

  @Field(() => String, { nullable: true, description: 'Why, when the change says (stock moves).' })
  reason?: string | null;

  @Field(() => DateTimeScalar)
  occurredAt!: Date;
}

@ObjectType('CatalogChangeEdge')
export class CatalogChangeEdge {
  @Field(() => String)
  cursor!: string;

  @Field(() => CatalogChangeType)
  node!: CatalogChangeType;
}

@ObjectType('CatalogChangeConnection')
export class CatalogChangeConnection {
  @Field(() => [CatalogChangeEdge])
  edges!: CatalogChangeEdge[];

  @Field(() => PageInfo)
  pageInfo!: PageInfo;

  /** Resolved from `countTotal`, only when selected. */
  @Field(() => Int)
  totalCount!: number;

  countTotal!: () => Promise<number>;
}
