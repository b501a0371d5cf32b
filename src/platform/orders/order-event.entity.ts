import { BigIntType, type Ref } from '@mikro-orm/core';
import { Entity, Enum, ManyToOne, PrimaryKey, Property } from '@mikro-orm/decorators/legacy';
import { Order, OrderKind, OrderStatus } from './order.entity.ts';

/**
 * Everything that happened to an order (order_events), and the outbox that live
 * subscriptions read. `txId` is the writing transaction's id (pg_current_xact_id()): readers
 * only take rows of transactions older than every transaction still running, so a row that
 * commits late can never appear behind a cursor a reader already passed.
 */
@Entity({ tableName: 'order_events' })
export class OrderEventRow {
  @PrimaryKey({ type: new BigIntType('string'), autoincrement: true })
  id!: string;

  /** xid8 as text; assigned by the database default. */
  @Property({ type: 'string', persist: false })
  txId?: string;

  // A relation (not a bare uuid) so the unit of work inserts the order before its events.
  @ManyToOne({ entity: () => Order, ref: true })
  order!: Ref<Order>;

  @Enum({ items: () => OrderKind, type: 'string' })
  kind!: OrderKind;

  /** The order's owner, copied so subscriptions filter without a join. */
  @Property({ type: new BigIntType('string') })
  consumerId!: string;

  /** Who caused it; null for the production clock and other timers. */
  @Property({ type: new BigIntType('string'), nullable: true })
  actorId?: string | null;

  @Property({ type: 'string' })
  type!: string;

  @Enum({ items: () => OrderStatus, type: 'string', nullable: true })
  fromStatus?: OrderStatus | null;

  @Enum({ items: () => OrderStatus, type: 'string', nullable: true })
  toStatus?: OrderStatus | null;

  @Property({ type: 'json', nullable: true })
  data?: Record<string, unknown> | null;

  @Property({ type: 'Date', columnType: 'timestamptz' })
  occurredAt: Date = new Date();
}
