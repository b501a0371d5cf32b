import type { EntityManager } from '@mikro-orm/postgresql';
import { registerEnumType } from 'type-graphql';
import type { RequestContext } from '../../context.ts';
import type { Order, OrderKind, OrderStatus } from './order.entity.ts';
import type { OrderStateTable } from './order-state.ts';

export enum PayType {
  WECHAT = 'WECHAT',
  JDPAY = 'JDPAY',
  BALANCE = 'BALANCE',
}
registerEnumType(PayType, {
  name: 'PayType',
  valuesConfig: {
    WECHAT: {
      description:
        "WeChat Pay, recorded as the channel; the amount is debited from the consumer's bank account.",
    },
    JDPAY: {
      description:
        "JD Pay, recorded as the channel; the amount is debited from the consumer's bank account.",
    },
  },
});

/** A request context whose `em` is inside the mutation's transaction. */
export type TxContext = RequestContext & { em: EntityManager };

/**
 * What an order domain tells the shared order machinery about one kind: its state table (which
 * also says what payOrder and cancelOrder may do: `trigger`), its GraphQL type, a guard that
 * may veto a move before it happens, and hooks that run inside the operation's transaction
 * after it.
 */
export interface OrderKindDefinition {
  kind: OrderKind;
  /** The GraphQL object type implementing Order for this kind. */
  typeName: string;
  /** Order-number prefix, e.g. "SH" for shop orders. */
  orderNoPrefix: string;
  table: OrderStateTable;
  /** Statuses in which an order waits for staff, and the step it waits for (the work queue). */
  staffSteps?: readonly { status: OrderStatus; step: string }[];
  /**
   * What this kind's GraphQL fields read, loaded for a page of its orders before their fields
   * run (order-prefetch.ts), so that those fields return values: its own rows (the first
   * wave), then, from the function it resolves to, what those rows point at (the second wave,
   * started in one tick with every other kind's, so that shared loads such as vehicles and
   * consumers take one statement). `selection` says which of its fields the operation selects.
   */
  prefetch?(
    ctx: RequestContext,
    orderIds: string[],
    selection: OrderSelection,
  ): Promise<(() => Promise<unknown>) | unknown>;
  /**
   * Runs before payOrder, cancelOrder or updateOrderState writes anything (debit, refund, the
   * move itself), once the kind's table allows the move: throws a BusinessError to veto it
   * (a quotation expired, cover not yet over, ...). Vendure's onTransitionStart.
   */
  guard?(ctx: TxContext, order: Order, to: OrderStatus): Promise<void>;
  /** After the debit and the move to PAID: record the pay type, move on to EFFECTIVE, ... */
  afterPaid?(
    ctx: TxContext,
    order: Order,
    payType: PayType,
  ): Promise<{ productIds?: string[] } | void>;
  /** After the move to CANCELLED: give stock back, free bookings, ... */
  afterCancelled?(ctx: TxContext, order: Order, from: OrderStatus): Promise<void>;
  /** After staff moved the order by hand (updateOrderState): e.g. an offline payment takes effect. */
  afterManualTransition?(
    ctx: TxContext,
    order: Order,
    from: OrderStatus,
    to: OrderStatus,
  ): Promise<void>;
}

const definitions = new Map<OrderKind, OrderKindDefinition>();

/**
 * Makes these the order kinds the shared machinery knows (createOrder, transition, payOrder,
 * the Order type's resolveType, prefetches, work queues): called with the app's modules where
 * their database is opened (openDatabase), so no import has to happen first.
 */
/** Whether the operation selects a field of this kind's orders, by its path (`['vehicle', 'drivers']`). */
export interface OrderSelection {
  has(...path: string[]): boolean;
}

export function installOrderKinds(modules: readonly { orderKinds?: OrderKindDefinition[] }[]) {
  definitions.clear();
  for (const definition of modules.flatMap((m) => m.orderKinds ?? [])) {
    if (definitions.has(definition.kind)) throw new Error(`order kind ${definition.kind} twice`);
    definitions.set(definition.kind, definition);
  }
}

export function orderKind(kind: OrderKind): OrderKindDefinition {
  const definition = definitions.get(kind);
  if (!definition) throw new Error(`order kind ${kind} has no definition`);
  return definition;
}

export function allOrderKinds(): OrderKindDefinition[] {
  return [...definitions.values()];
}
