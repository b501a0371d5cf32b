import {
  isAbstractType,
  type FieldNode,
  type GraphQLResolveInfo,
  type SelectionSetNode,
} from 'graphql';
import type { RequestContext } from '../../context.ts';
import { loadConsumers } from '../accounts/consumer.loader.ts';
import { eventsByOrder } from '../events/order-event.mapping.ts';
import type { Order } from './order.entity.ts';
import { orderKind, type OrderKindDefinition, type OrderSelection } from './order-kinds.ts';

/*
 * Loads, before the fields of a page of orders (or of one order) run, the rows their fields read:
 * each kind's own rows (plan_order_ext, shop_orders, ...) and the events, then what those point
 * at (each kind's second wave, the consumers). Those fields then
 * find their row in the loaders and return it as a value, not a promise (Loaders.now), and the
 * loads that follow them (vehicles, consumers of orders and of event actors) start in one tick,
 * so they share one batch instead of one per kind. Only what the operation selects is loaded:
 * `orders { edges { node { id } } }` still costs one statement.
 */

/**
 * Field names and fragment type conditions selected directly on `set`, fragments followed;
 * with `only`, just the fields that apply to that object type (fragments on it or on an
 * interface or union).
 */
function selected(
  info: GraphQLResolveInfo,
  set: SelectionSetNode | undefined,
  only?: string,
  into = { fields: new Map<string, FieldNode[]>(), types: new Set<string>() },
) {
  const applies = (type: string) =>
    !only || type === only || isAbstractType(info.schema.getType(type));
  for (const selection of set?.selections ?? []) {
    if (selection.kind === 'Field') {
      const list = into.fields.get(selection.name.value);
      if (list) list.push(selection);
      else into.fields.set(selection.name.value, [selection]);
    } else if (selection.kind === 'InlineFragment') {
      const type = selection.typeCondition?.name.value;
      if (type) into.types.add(type);
      if (!type || applies(type)) selected(info, selection.selectionSet, only, into);
    } else {
      const fragment = info.fragments[selection.name.value];
      if (!fragment) continue;
      into.types.add(fragment.typeCondition.name.value);
      if (applies(fragment.typeCondition.name.value)) {
        selected(info, fragment.selectionSet, only, into);
      }
    }
  }
  return into;
}

/** What an operation selects of one kind's orders (`set`: the order's selection set). */
function selectionOf(
  info: GraphQLResolveInfo,
  set: SelectionSetNode,
  typeName: string,
): OrderSelection {
  const answers = new Map<string, boolean>();
  return {
    has(...path) {
      const key = path.join('.');
      let answer = answers.get(key);
      if (answer === undefined) {
        let nodes = selected(info, set, typeName).fields.get(path[0]);
        for (const name of path.slice(1)) {
          nodes = nodes?.flatMap(
            (node) => selected(info, node.selectionSet).fields.get(name) ?? [],
          );
        }
        answer = (nodes?.length ?? 0) > 0;
        answers.set(key, answer);
      }
      return answer;
    },
  };
}

/** Prefetches for `orders`, whose fields `info` selects at `path` (e.g. ['edges', 'node']). */
export async function prefetchOrderFields(
  ctx: RequestContext,
  orders: readonly Order[],
  info: GraphQLResolveInfo,
  path: string[],
): Promise<void> {
  if (orders.length === 0) return;
  let set: SelectionSetNode | undefined = info.fieldNodes[0].selectionSet;
  for (const name of path) set = selected(info, set).fields.get(name)?.[0].selectionSet;
  if (!set) return;
  const { fields, types } = selected(info, set);
  const loads: Promise<unknown>[] = [];
  if (fields.has('events')) {
    const events = ctx.loaders.get(eventsByOrder);
    loads.push(events.loadMany(orders.map((o) => o.id)));
  }
  const idsByKind = new Map<OrderKindDefinition, string[]>();
  for (const order of orders) {
    const definition = orderKind(order.kind);
    if (!definition.prefetch || !types.has(definition.typeName)) continue;
    const ids = idsByKind.get(definition);
    if (ids) ids.push(order.id);
    else idsByKind.set(definition, [order.id]);
  }
  const next: (() => Promise<unknown>)[] = [];
  for (const [definition, ids] of idsByKind) {
    const selection = selectionOf(info, set, definition.typeName);
    loads.push(
      definition.prefetch!(ctx, ids, selection).then((second) => {
        if (typeof second === 'function') next.push(second as () => Promise<unknown>);
      }),
    );
  }
  // A failed load fails its own fields when they ask again, not the whole page.
  await Promise.all(loads.map((load) => load.catch(() => undefined)));

  // Then the consumers: the orders' own and their events' actors, in one batch with each other
  // (and with vehicle owners and operators, who are mostly the same people: loaded, they are free).
  const consumerIds = new Set<string>();
  if (fields.has('consumer')) for (const order of orders) consumerIds.add(order.consumer.id);
  const events = fields.get('events') ?? [];
  if (events.some((node) => selected(info, node.selectionSet).fields.has('actor'))) {
    for (const order of orders) {
      const list = ctx.loaders.peek(eventsByOrder, order.id) ?? [];
      for (const event of list) if (event.actorId) consumerIds.add(event.actorId);
    }
  }
  // The kinds' second waves in the same tick: loads they share take one batch with these.
  const wave = next.map((load) => load().catch(() => undefined));
  if (consumerIds.size) wave.push(loadConsumers(ctx, consumerIds));
  await Promise.all(wave);
}
