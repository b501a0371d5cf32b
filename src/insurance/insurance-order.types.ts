import { ObjectType } from 'type-graphql';
import { OrderInterface } from '../platform/orders/order.types.ts';

/*
 * The insurance kinds of Order. Their runtime value is the core Order entity; every field
 * beyond the interface's is resolved in insurance-order.resolver.ts from the kind's own rows,
 * loaded in batches.
 */

@ObjectType('PlanOrder', { implements: OrderInterface })
export class PlanOrderType extends OrderInterface {}

@ObjectType('DriverOrder', { implements: OrderInterface })
export class DriverOrderType extends OrderInterface {}

@ObjectType('SaleOrder', { implements: OrderInterface })
export class SaleOrderType extends OrderInterface {}
