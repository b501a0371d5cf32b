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
 * What an order domain tells the shared order machinery about one kind: its state table,
 * its GraphQL type, and hooks that run inside payOrder's / cancelOrder's transaction.
 */
export interface OrderKindDefinition {
  kind: OrderKind;
  /** The GraphQL object type implementing Order for this kind. */
  typeName: string;
  /** Order-number prefix, e.g. "SH" for shop orders. */
  orderNoPrefix: string;
  table: OrderStateTable;
  /** True when payOrder pays this kind (a chip order is paid by its confirmation instead). */
  payable: boolean;
  /** Statuses cancelOrder accepts; whatever was paid is refunded in full. */
  cancellableFrom: readonly OrderStatus[];
  /** Statuses in which an order waits for staff, and the step it waits for (the work queue). */
  staffSteps?: readonly { status: OrderStatus; step: string }[];
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

/** Called once per kind by its domain module at start-up. */
export function defineOrderKind(definition: OrderKindDefinition): OrderKindDefinition {
  definitions.set(definition.kind, definition);
  return definition;
}

export function orderKind(kind: OrderKind): OrderKindDefinition {
  const definition = definitions.get(kind);
  if (!definition) throw new Error(`order kind ${kind} has no definition`);
  return definition;
}

export function allOrderKinds(): OrderKindDefinition[] {
  return [...definitions.values()];
}
