import { getMetadataStorage, ObjectType } from 'type-graphql';
import { modules } from '../../src/modules';
import { allOrderKinds } from '../../src/platform/orders/order-kinds';
import { OrderInterface } from '../../src/platform/orders/order.types';

/**
 * While an order kind's domain has not registered its GraphQL object type yet, a query that
 * returns an `Order` of that kind cannot resolve. For the live tests only, this adds bare
 * stand-ins (the interface's fields, nothing else) for the kinds whose type is missing, and
 * none once the real types exist. Call it before `startTestApp`. Returns the names it added.
 */
export function addMissingOrderTypeStandIns(): string[] {
  const existing = new Set(getMetadataStorage().objectTypes.map((t) => t.name));
  const missing = allOrderKinds()
    .map((k) => k.typeName)
    .filter((name) => !existing.has(name));
  if (missing.length === 0 || modules.some((m) => m.name === 'test-order-type-stand-ins')) {
    return [];
  }
  const types = missing.map((name) => {
    @ObjectType(name, { implements: OrderInterface })
    class StandIn extends OrderInterface {}
    return StandIn;
  });
  modules.push({
    name: 'test-order-type-stand-ins',
    entities: [],
    resolvers: [],
    orphanedTypes: types,
    migrations: [],
  });
  return missing;
}
