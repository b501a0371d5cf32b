import { BigIntType, type Ref } from '@mikro-orm/core';
import {
  Entity,
  Enum,
  ManyToOne,
  OneToOne,
  PrimaryKey,
  Property,
} from '@mikro-orm/decorators/legacy';
import { Order } from '../platform/orders/order.entity.ts';
import { PayType } from '../platform/orders/order-kinds.ts';
import { Decimal, MoneyType } from '../platform/money.ts';
import { Shop } from './shop.entity.ts';

/**
 * The shop kind's row beside `orders` (same id): the shop, the address as given at
 * confirmation, how it was paid, and whether it was called off (cancelled or expired).
 */
@Entity({ tableName: 'shop_orders' })
export class ShopOrderRow {
  // A relation, so the unit of work inserts the core order first.
  @OneToOne({ entity: () => Order, primary: true, ref: true, fieldName: 'order_id' })
  order!: Ref<Order>;

  @ManyToOne({ entity: () => Shop, ref: true })
  shop!: Ref<Shop>;

  @Property({ type: 'string' })
  recipient!: string;

  @Property({ type: 'string' })
  address!: string;

  @Property({ type: 'string' })
  telNum!: string;

  @Enum({ items: () => PayType, type: 'string', nullable: true })
  payType?: PayType | null;

  @Property({ type: 'boolean' })
  isCanceled: boolean = false;

  /** Number of items (totalCount). */
  @Property({ type: 'integer' })
  totalAmount!: number;

  /** When the unpaid order expires; null when unpaid orders never do. */
  @Property({ type: 'Date', columnType: 'timestamptz(3)', nullable: true })
  expiresAt?: Date | null;
}

/** One line of a shop order: product id, and its name and price as they were at confirmation. */
@Entity({ tableName: 'shop_order_lines' })
export class ShopOrderLine {
  @PrimaryKey({ type: new BigIntType('string'), autoincrement: true })
  id!: string;

  @Property({ type: 'uuid', fieldName: 'order_id' })
  orderId!: string;

  @Property({ type: 'integer' })
  lineNo!: number;

  @Property({ type: new BigIntType('string') })
  productId!: string;

  @Property({ type: 'string' })
  name!: string;

  @Property({ type: MoneyType })
  price!: Decimal;

  @Property({ type: 'integer' })
  count!: number;

  @Property({ type: MoneyType })
  totalPrice!: Decimal;
}
