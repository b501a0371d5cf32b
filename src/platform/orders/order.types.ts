import { Field, ID, InterfaceType, Int, ObjectType, registerEnumType } from 'type-graphql';
import { Consumer } from '../accounts/consumer.entity.ts';
import { BankTransaction } from '../bank/bank.entity.ts';
import { UserError } from '../errors.ts';
import type { Decimal } from '../money.ts';
import { PageInfo } from '../pagination.ts';
import { DateTimeScalar, DecimalScalar, JSONScalar } from '../scalars.ts';
import { Order, OrderKind, OrderStatus } from './order.entity.ts';
import { orderKind } from './order-kinds.ts';
import { OrderAction } from './order-state.ts';

registerEnumType(OrderAction, {
  name: 'OrderAction',
  description: "A shared order operation that an order's status allows (`Order.actions`).",
  valuesConfig: {
    PAY: { description: '`payOrder`, by the owner.' },
    CANCEL: { description: '`cancelOrder`, by the owner, OPERATOR or ADMIN.' },
    DELETE: { description: '`deleteOrder`, by the owner: the order leaves their lists.' },
  },
});

/**
 * The GraphQL `Order` interface. Its runtime value is always the core `Order` entity; each
 * kind's object type adds field resolvers that load the kind's own rows by the order id.
 */
@InterfaceType('Order', {
  resolveType: (order: Order) => orderKind(order.kind).typeName,
})
export abstract class OrderInterface {
  @Field(() => ID)
  id!: string;

  @Field(() => OrderKind)
  kind!: OrderKind;

  @Field(() => String, { description: 'Human-facing order number, unique across kinds.' })
  orderNo!: string;

  @Field(() => Consumer)
  consumer!: Consumer;

  @Field(() => OrderStatus)
  status!: OrderStatus;

  @Field(() => Int, {
    description: 'The status as a number, the same for every kind: 1 PENDING_PAYMENT to 9 EXPIRED.',
  })
  statusCode!: number;

  @Field(() => String, {
    description: 'The status in Chinese as customers see it, e.g. 已支付 for PAID.',
  })
  statusLabel!: string;

  @Field(() => DecimalScalar, { description: 'Amount the consumer pays.' })
  payment!: Decimal;

  @Field(() => DateTimeScalar)
  createdAt!: Date;

  @Field(() => DateTimeScalar)
  updatedAt!: Date;

  @Field(() => [OrderEvent], {
    description: 'Everything that happened to the order, oldest first.',
  })
  events!: OrderEvent[];

  @Field(() => [OrderAction], {
    description:
      "What the order's status allows the shared operations to do now, from its kind's lifecycle: offer these and no others. Who may call each is the operation's rule; a guard of the kind may still refuse one with a payload error (a shop order past its payment deadline, say).",
  })
  actions!: OrderAction[];
}

@ObjectType()
export class OrderEvent {
  @Field(() => ID)
  id!: string;

  @Field(() => String, {
    description:
      'Opaque, strictly increasing across the whole service: pass it as `after` to resume a subscription.',
  })
  cursor!: string;

  @Field(() => ID)
  orderId!: string;

  @Field(() => OrderKind)
  kind!: OrderKind;

  @Field(() => String, {
    description:
      'STATUS_CHANGED, UNDERWRITE_CREATED, UNDERWRITE_FILLED, UNDERWRITE_RESULT, PHOTO_ADDED, NOTE_CHANGED, ...',
  })
  type!: string;

  @Field(() => OrderStatus, { nullable: true })
  fromStatus?: OrderStatus | null;

  @Field(() => OrderStatus, { nullable: true })
  toStatus?: OrderStatus | null;

  @Field(() => Consumer, {
    nullable: true,
    description: 'Who caused it; null for the production clock.',
  })
  actor?: Consumer | null;

  /** Not a GraphQL field: the actor's id, which the `actor` field resolver loads. */
  actorId?: string | null;

  /** Not a GraphQL field: the order's owner, for subscription filtering. */
  consumerId!: string;

  @Field(() => JSONScalar, { nullable: true })
  data?: unknown;

  @Field(() => DateTimeScalar)
  occurredAt!: Date;
}

@ObjectType()
export class OrderEdge {
  @Field(() => String)
  cursor!: string;

  @Field(() => OrderInterface)
  node!: Order;
}

@ObjectType()
export class OrderConnection {
  @Field(() => [OrderEdge])
  edges!: OrderEdge[];

  @Field(() => PageInfo)
  pageInfo!: PageInfo;

  /** Resolved by OrderConnectionResolver from `countTotal`, only when selected. */
  @Field(() => Int)
  totalCount!: number;

  /** Not a GraphQL field: counts what the list's filter matches. */
  countTotal!: () => Promise<number>;
}

@ObjectType()
export class OrderPayload {
  @Field(() => OrderInterface, { nullable: true })
  order?: Order | null;

  @Field(() => [UserError])
  errors!: UserError[];
}

@ObjectType()
export class PaymentPayload {
  @Field(() => OrderInterface, { nullable: true })
  order?: Order | null;

  @Field(() => [ID], {
    nullable: true,
    description:
      'For a shop order: the ids of the products paid for, in line order; null for other kinds.',
  })
  productIds?: string[] | null;

  @Field(() => BankTransaction, { nullable: true })
  transaction?: BankTransaction | null;

  @Field(() => [UserError])
  errors!: UserError[];
}

@ObjectType()
export class DeletePayload {
  @Field(() => Boolean)
  ok!: boolean;

  @Field(() => String, {
    description: `"Order deleted." on success, otherwise the first error's message.`,
  })
  message!: string;

  @Field(() => [UserError])
  errors!: UserError[];
}
