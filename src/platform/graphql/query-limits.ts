import {
  GraphQLError,
  Kind,
  getNamedType,
  getNullableType,
  isAbstractType,
  isInterfaceType,
  isListType,
  isObjectType,
  parse,
  valueFromASTUntyped,
  type DocumentNode,
  type FieldNode,
  type FragmentDefinitionNode,
  type GraphQLArgument,
  type GraphQLField,
  type GraphQLNamedType,
  type GraphQLSchema,
  type OperationDefinitionNode,
  type SelectionSetNode,
} from 'graphql';
import type { Config } from '../config.ts';
import { badInput, graphQLError } from '../errors.ts';
import { checkPageSize } from '../pagination.ts';

/**
 * The limits every GraphQL operation must stay under, over HTTP and over graphql-ws alike.
 * Over one: QUERY_TOO_COMPLEX, before any resolver runs. The README's configuration table lists the defaults.
 */
export interface QueryLimits {
  /** Nesting of fields: `{ me { id } }` is 2. Fragments add no level. */
  maxDepth: number;
  /** Aliased fields, counting a fragment once per place it is spread. */
  maxAliases: number;
  /** Directive uses (`@include`, `@skip`, ...), counting fragments the same way. */
  maxDirectives: number;
  /** Characters of the document, checked before it is read at all. */
  maxLength: number;
  /** Lexical tokens of the document; the parser stops at the first one over. */
  maxTokens: number;
  /** Estimated fields resolved: see `operationCost`. */
  maxCost: number;
  /** Fields of the whole document, each fragment counted in full where it is spread. */
  maxFields: number;
  /** Pairs of same-named fields at one place, which validation compares: see `overlaps`. */
  maxOverlaps: number;
  /** Lists and objects nested in one variable's value. */
  maxVariableDepth: number;
  /** Values (scalars, lists and objects) in all the variables together. */
  maxVariableValues: number;
}

export function queryLimits(config: Config): QueryLimits {
  return {
    maxDepth: config.maxQueryDepth,
    maxAliases: config.maxQueryAliases,
    maxDirectives: config.maxQueryDirectives,
    maxLength: config.maxQueryLength,
    maxTokens: config.maxQueryTokens,
    maxCost: config.maxQueryCost,
    maxFields: config.maxQueryFields,
    maxOverlaps: config.maxQueryOverlaps,
    maxVariableDepth: config.maxVariableDepth,
    maxVariableValues: config.maxVariableValues,
  };
}

/** Page size assumed for a `first` argument that is absent and has no default. */
export const DEFAULT_PAGE_SIZE = 20;
/** Items assumed in a list field without `first` (a lot's operations, an order's events). */
export const LIST_ESTIMATE = 10;

export const queryTooComplex = (message: string, extensions: Record<string, unknown> = {}) =>
  graphQLError('QUERY_TOO_COMPLEX', message, extensions);

const TOKEN_LIMIT_MESSAGE = /Document contains more tha[nt] (\d+) tokens/;

/**
 * The parser's "too many tokens" syntax error (graphql-js gives it no code of its own) as
 * QUERY_TOO_COMPLEX; undefined for any other error.
 */
export function tokenLimitError(error: unknown): GraphQLError | undefined {
  const match = error instanceof GraphQLError && TOKEN_LIMIT_MESSAGE.exec(error.message);
  if (!match) return undefined;
  const maximum = Number(match[1]);
  return queryTooComplex(`The query has more than ${maximum} tokens.`, {
    limit: 'tokens',
    maximum,
  });
}

/**
 * Parses with the token limit, for a transport that parses by itself (graphql-ws; Apollo takes
 * `parseOptions`). Throws QUERY_TOO_COMPLEX over the limit, BAD_USER_INPUT for a syntax error.
 */
export function parseWithLimits(source: unknown, limits: QueryLimits): DocumentNode {
  if (typeof source !== 'string' || source.trim() === '') {
    throw badInput('The operation has no query.');
  }
  const tooLong = lengthLimitError(source, limits);
  if (tooLong) throw tooLong;
  try {
    return parse(source, { maxTokens: limits.maxTokens });
  } catch (err) {
    const tooLong = tokenLimitError(err);
    if (tooLong) throw tooLong;
    if (err instanceof GraphQLError) throw badInput(err.message);
    throw err;
  }
}

/**
 * QUERY_TOO_COMPLEX for a document longer than `maxLength` characters, undefined otherwise: the
 * token limit bounds the tokens, not their length (one name or string of a megabyte is one
 * token, lexed twice over HTTP); large inputs belong in variables.
 */
export function lengthLimitError(source: string, limits: QueryLimits): GraphQLError | undefined {
  if (source.length <= limits.maxLength) return undefined;
  return queryTooComplex(`The query is longer than ${limits.maxLength} characters.`, {
    limit: 'length',
    maximum: limits.maxLength,
  });
}

/** The refusal of a measured limit, in the shape every limit answers with. */
function overLimit(limit: string, measured: number, maximum: number, what: string): GraphQLError {
  return queryTooComplex(`The query ${what} (${measured}); the limit is ${maximum}.`, {
    limit,
    measured,
    maximum,
  });
}

/**
 * The fields of the document as the server walks them: every field of every definition, a
 * fragment's fields counted again at each place it is spread. Linear: each fragment's size is
 * measured once; a fragment that spreads itself counts nothing (validation refuses it).
 */
function expandedFields(
  document: DocumentNode,
  fragments: Map<string, FragmentDefinitionNode>,
): number {
  const sizes = new Map<string, number>();
  const sizeOf = (set: SelectionSetNode): number => {
    let size = 0;
    for (const selection of set.selections) {
      if (selection.kind === Kind.FIELD) {
        size += 1 + (selection.selectionSet ? sizeOf(selection.selectionSet) : 0);
      } else if (selection.kind === Kind.INLINE_FRAGMENT) {
        size += sizeOf(selection.selectionSet);
      } else {
        const name = selection.name.value;
        let inner = sizes.get(name);
        if (inner === undefined) {
          sizes.set(name, 0);
          const fragment = fragments.get(name);
          inner = fragment ? sizeOf(fragment.selectionSet) : 0;
          sizes.set(name, inner);
        }
        size += inner;
      }
    }
    return size;
  };
  let total = 0;
  for (const definition of document.definitions) {
    if ('selectionSet' in definition) total += sizeOf(definition.selectionSet);
  }
  return total;
}

/**
 * Calls `onField` for each field selected at one place by these selection sets, through inline
 * fragments and fragment spreads; a fragment counts once however often it is spread there (as
 * graphql-js collects it), and never inside itself.
 */
export function forEachField(
  sets: readonly SelectionSetNode[],
  fragments: Map<string, FragmentDefinitionNode>,
  onField: (field: FieldNode) => void,
): void {
  const seen = new Set<string>();
  const collect = (set: SelectionSetNode) => {
    for (const selection of set.selections) {
      if (selection.kind === Kind.FIELD) {
        onField(selection);
      } else if (selection.kind === Kind.INLINE_FRAGMENT) {
        collect(selection.selectionSet);
      } else if (!seen.has(selection.name.value)) {
        seen.add(selection.name.value);
        const fragment = fragments.get(selection.name.value);
        if (fragment) collect(fragment.selectionSet);
      }
    }
  };
  for (const set of sets) collect(set);
}

/**
 * The pairs of fields with one response name at one place, which graphql-js's "overlapping
 * fields can be merged" rule compares: the fields reaching a place through inline fragments and
 * fragment spreads are merged by response name, `n` of one name make n(n-1)/2 pairs, and the
 * sub-selections of all `n` merge one level down, so nesting multiplies: `{ a { b b } a { b b } }`
 * is 1 pair of `a` and 6 of `b`. Every definition counts, as validation checks each. The walk
 * visits each expanded field once, so `expandedFields` bounds it.
 */
function overlaps(document: DocumentNode, fragments: Map<string, FragmentDefinitionNode>): number {
  const pairsAt = (sets: readonly SelectionSetNode[]): number => {
    const groups = new Map<string, { count: number; subs: SelectionSetNode[] }>();
    forEachField(sets, fragments, (field) => {
      const key = (field.alias ?? field.name).value;
      let group = groups.get(key);
      if (!group) groups.set(key, (group = { count: 0, subs: [] }));
      group.count += 1;
      if (field.selectionSet) group.subs.push(field.selectionSet);
    });
    let pairs = 0;
    for (const { count, subs } of groups.values()) {
      pairs += (count * (count - 1)) / 2;
      if (subs.length > 0) pairs += pairsAt(subs);
    }
    return pairs;
  };
  let total = 0;
  for (const definition of document.definitions) {
    if ('selectionSet' in definition) total += pairsAt([definition.selectionSet]);
  }
  return total;
}

/**
 * Checks run on the parsed document before validation, whose cost they bound: validation takes
 * time linear in the expanded fields plus the field pairs it compares, which grow with the
 * square of repeated fields (about 0.1 s for a 2000-token document of them, graphql-js's own
 * ceiling). Both are measured in linear time here. QUERY_TOO_COMPLEX over either limit.
 */
export function checkBeforeValidation(
  document: DocumentNode,
  limits: QueryLimits,
): GraphQLError | undefined {
  const fragments = fragmentsOf(document);
  const fields = expandedFields(document, fragments);
  if (fields > limits.maxFields) {
    return overLimit('fields', fields, limits.maxFields, 'selects too many fields');
  }
  const pairs = overlaps(document, fragments);
  if (pairs > limits.maxOverlaps) {
    return overLimit('overlaps', pairs, limits.maxOverlaps, 'repeats fields too often');
  }
  return undefined;
}

interface Shape {
  depth: number;
  aliases: number;
  directives: number;
}

/**
 * Depth, aliases and directives of a selection set, each fragment measured once (memo), so a
 * document that spreads fragments inside fragments costs linear time to measure.
 */
function shapeOf(
  selectionSet: SelectionSetNode,
  fragments: Map<string, FragmentDefinitionNode>,
  memo: Map<string, Shape>,
): Shape {
  const shape: Shape = { depth: 0, aliases: 0, directives: 0 };
  const add = (inner: Shape, depth: number) => {
    shape.depth = Math.max(shape.depth, depth);
    shape.aliases += inner.aliases;
    shape.directives += inner.directives;
  };
  for (const selection of selectionSet.selections) {
    shape.directives += selection.directives?.length ?? 0;
    if (selection.kind === Kind.FIELD) {
      if (selection.alias) shape.aliases += 1;
      const inner = selection.selectionSet
        ? shapeOf(selection.selectionSet, fragments, memo)
        : { depth: 0, aliases: 0, directives: 0 };
      // Introspection counts one level: graphql-js's MaxIntrospectionDepthRule bounds the rest.
      add(inner, selection.name.value.startsWith('__') ? 1 : 1 + inner.depth);
    } else if (selection.kind === Kind.INLINE_FRAGMENT) {
      const inner = shapeOf(selection.selectionSet, fragments, memo);
      add(inner, inner.depth);
    } else {
      const name = selection.name.value;
      let inner = memo.get(name);
      if (!inner) {
        memo.set(name, { depth: 0, aliases: 0, directives: 0 }); // a cycle counts nothing
        const fragment = fragments.get(name);
        inner = fragment
          ? shapeOf(fragment.selectionSet, fragments, memo)
          : { depth: 0, aliases: 0, directives: 0 };
        inner = { ...inner, directives: inner.directives + (fragment?.directives?.length ?? 0) };
        memo.set(name, inner);
      }
      add(inner, inner.depth);
    }
  }
  return shape;
}

/**
 * The estimated number of fields resolving the operation takes: every field counts 1 for each
 * time it is resolved. A field with a `first` argument multiplies what is inside by its value
 * (its default, or 20, when absent): a list by itself, a connection (`orders(first: 50)`) its
 * `edges` or `nodes`. Other lists multiply by 10. A field of an interface or union type counts
 * as its costliest possible type: `... on ChipOrder` and `... on ShopOrder` under one order are
 * alternatives, not a sum, since each order is of one kind. A field declaring `extensions.cost`
 * (a plan suggestion's search) adds that much each time. Introspection counts nothing (it reads the
 * schema, not the database). `first` outside 1..100 is refused here already (BAD_USER_INPUT),
 * as the resolvers' `checkPageSize` would.
 */
export function operationCost(
  schema: GraphQLSchema,
  operation: OperationDefinitionNode,
  fragments: Map<string, FragmentDefinitionNode>,
  variables: Record<string, unknown>,
): number {
  const memo = new Map<string, number>();

  const pageSize = (field: FieldNode, arg: GraphQLArgument): number => {
    const node = field.arguments?.find((a) => a.name.value === 'first')?.value;
    let value: unknown;
    if (node?.kind === Kind.VARIABLE) {
      const name = node.name.value;
      if (Object.hasOwn(variables, name)) {
        value = variables[name];
      } else {
        const fallback = operation.variableDefinitions?.find(
          (v) => v.variable.name.value === name,
        )?.defaultValue;
        value = fallback && valueFromASTUntyped(fallback);
      }
    } else if (node) {
      value = valueFromASTUntyped(node);
    }
    // Not a number: the page size is checked when the value is coerced; estimate meanwhile.
    if (typeof value !== 'number') value = arg.defaultValue ?? DEFAULT_PAGE_SIZE;
    return checkPageSize(value as number);
  };

  // Cost for one resolution of the parent; linear in it, so fragments memoize per page size.
  // An abstract parent (`Order`) resolves as one of its types: the costliest one counts, as
  // the fragments of the other types (`... on ChipOrder` for a shop order) resolve nothing.
  const costOf = (
    selectionSet: SelectionSetNode,
    parent: GraphQLNamedType | undefined,
    page: number | undefined,
  ): number => {
    const narrows = selectionSet.selections.some((s) => s.kind !== Kind.FIELD);
    if (!parent || !isAbstractType(parent) || !narrows) return costAs(selectionSet, parent, page);
    const types = schema.getPossibleTypes(parent);
    if (types.length === 0) return costAs(selectionSet, parent, page);
    return Math.max(...types.map((type) => costAs(selectionSet, type, page)));
  };

  // Whether fields selected on `condition` resolve for an object of type `type`.
  const applies = (condition: GraphQLNamedType | undefined, type: GraphQLNamedType | undefined) =>
    !condition ||
    !type ||
    condition === type ||
    !isObjectType(type) ||
    (isAbstractType(condition) && schema.isSubType(condition, type));

  const costAs = (
    selectionSet: SelectionSetNode,
    parent: GraphQLNamedType | undefined,
    page: number | undefined,
  ): number => {
    let total = 0;
    for (const selection of selectionSet.selections) {
      if (selection.kind === Kind.FIELD) {
        total += fieldCost(selection, parent, page);
      } else if (selection.kind === Kind.INLINE_FRAGMENT) {
        const condition = selection.typeCondition
          ? schema.getType(selection.typeCondition.name.value)
          : undefined;
        if (!applies(condition, parent)) continue;
        total += costOf(selection.selectionSet, isObjectType(parent) ? parent : condition, page);
      } else {
        const fragment = fragments.get(selection.name.value);
        const condition = fragment && schema.getType(fragment.typeCondition.name.value);
        if (!fragment || !applies(condition, parent)) continue;
        const type = isObjectType(parent) ? parent : condition;
        const key = `${selection.name.value}:${page ?? ''}:${type?.name ?? ''}`;
        let cost = memo.get(key);
        if (cost === undefined) {
          memo.set(key, 0); // a cycle counts nothing
          cost = costOf(fragment.selectionSet, type, page);
          memo.set(key, cost);
        }
        total += cost;
      }
    }
    return total;
  };

  const fieldCost = (
    field: FieldNode,
    parent: GraphQLNamedType | undefined,
    page: number | undefined,
  ): number => {
    const name = field.name.value;
    if (name.startsWith('__')) return 0;
    if (!field.selectionSet) return 1;
    const def: GraphQLField<unknown, unknown> | undefined =
      parent && (isObjectType(parent) || isInterfaceType(parent))
        ? parent.getFields()[name]
        : undefined;
    if (!def) return 1 + costOf(field.selectionSet, undefined, undefined);
    const isList = isListType(getNullableType(def.type));
    const first = def.args.find((a) => a.name === 'first');
    let factor = 1;
    let childPage: number | undefined;
    if (first) {
      const size = pageSize(field, first);
      if (isList) factor = size;
      else childPage = size;
    } else if (isList) {
      factor = page ?? LIST_ESTIMATE;
    }
    // A field may declare the work it does beyond its fields (`@Extensions({ cost })`).
    const own = typeof def.extensions?.cost === 'number' ? def.extensions.cost : 0;
    return 1 + own + factor * costOf(field.selectionSet, getNamedType(def.type), childPage);
  };

  const root =
    operation.operation === 'query'
      ? schema.getQueryType()
      : operation.operation === 'mutation'
        ? schema.getMutationType()
        : schema.getSubscriptionType();
  return costOf(operation.selectionSet, root ?? undefined, undefined);
}

/** The document's fragment definitions by name. */
export function fragmentsOf(document: DocumentNode): Map<string, FragmentDefinitionNode> {
  const fragments = new Map<string, FragmentDefinitionNode>();
  for (const definition of document.definitions) {
    if (definition.kind === Kind.FRAGMENT_DEFINITION) {
      fragments.set(definition.name.value, definition);
    }
  }
  return fragments;
}

/**
 * The first limit the operation breaks, as a GraphQL error (QUERY_TOO_COMPLEX, or BAD_USER_INPUT
 * for a `first` outside 1..100); undefined when it may run. Expects a validated document.
 */
export function checkQueryLimits(
  schema: GraphQLSchema,
  document: DocumentNode,
  operation: OperationDefinitionNode,
  variables: Record<string, unknown> | undefined,
  limits: QueryLimits,
): GraphQLError | undefined {
  const fragments = fragmentsOf(document);
  const shape = shapeOf(operation.selectionSet, fragments, new Map());
  shape.directives += operation.directives?.length ?? 0;
  if (shape.depth > limits.maxDepth) {
    return overLimit('depth', shape.depth, limits.maxDepth, 'nests fields too deep');
  }
  if (shape.aliases > limits.maxAliases) {
    return overLimit('aliases', shape.aliases, limits.maxAliases, 'uses too many aliases');
  }
  if (shape.directives > limits.maxDirectives) {
    return overLimit(
      'directives',
      shape.directives,
      limits.maxDirectives,
      'uses too many directives',
    );
  }
  let cost: number;
  try {
    const given = variables && typeof variables === 'object' ? variables : {};
    cost = operationCost(schema, operation, fragments, given);
  } catch (err) {
    if (err instanceof GraphQLError) return err;
    throw err;
  }
  if (cost > limits.maxCost) {
    return overLimit('cost', cost, limits.maxCost, 'would resolve too many fields');
  }
  return undefined;
}
