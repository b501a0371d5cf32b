import { Field, Int, ObjectType } from 'type-graphql';
import { PageInfo } from '../pagination.ts';
import { DateTimeScalar } from '../scalars.ts';
import type { Order } from './order.entity.ts';
import { OrderInterface } from './order.types.ts';

@ObjectType('OrderQueueEdge')
export class OrderQueueEdge {
  @Field(() => String)
  cursor!: string;

  @Field(() => OrderInterface)
  node!: Order;

  @Field(() => DateTimeScalar, { description: 'Since when the order waits in its status.' })
  waitingSince!: Date;

  @Field(() => String, { description: 'The step it waits for, e.g. "deliver it".' })
  step!: string;
}

@ObjectType('OrderQueueConnection')
export class OrderQueueConnection {
  @Field(() => [OrderQueueEdge])
  edges!: OrderQueueEdge[];

  @Field(() => PageInfo)
  pageInfo!: PageInfo;

  @Field(() => Int)
  totalCount!: number;

  /** Not a field: counts the queue, only when totalCount is selected. */
  countTotal!: () => Promise<number>;
}
