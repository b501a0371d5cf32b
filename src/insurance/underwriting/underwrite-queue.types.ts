import { Field, Int, ObjectType, registerEnumType } from 'type-graphql';
import { PageInfo } from '../../platform/pagination.ts';
import { DateTimeScalar } from '../../platform/scalars.ts';
import { Underwrite } from './underwrite.entity.ts';

export enum UnderwriteStage {
  AWAITING_INSPECTION = 'AWAITING_INSPECTION',
  AWAITING_RESULT = 'AWAITING_RESULT',
}
registerEnumType(UnderwriteStage, {
  name: 'UnderwriteStage',
  valuesConfig: {
    AWAITING_INSPECTION: { description: 'Booked, not inspected yet (fillUnderwrite).' },
    AWAITING_RESULT: { description: 'Inspected, no result yet (submitUnderwriteResult).' },
  },
});

@ObjectType('UnderwriteQueueEdge')
export class UnderwriteQueueEdge {
  @Field(() => String)
  cursor!: string;

  @Field(() => Underwrite)
  node!: Underwrite;

  @Field(() => DateTimeScalar, { description: 'Since when the order waits in UNDERWRITING.' })
  waitingSince!: Date;
}

@ObjectType('UnderwriteQueueConnection')
export class UnderwriteQueueConnection {
  @Field(() => [UnderwriteQueueEdge])
  edges!: UnderwriteQueueEdge[];

  @Field(() => PageInfo)
  pageInfo!: PageInfo;

  @Field(() => Int)
  totalCount!: number;

  /** Not a field: counts the queue, only when totalCount is selected. */
  countTotal!: () => Promise<number>;
}
