import 'reflect-metadata';
import {
  GraphQLSchema,
  isInterfaceType,
  isObjectType,
  printSchema,
  type GraphQLTypeResolver,
} from 'graphql';
import { buildSchema, getMetadataStorage } from 'type-graphql';
import { authChecker } from './platform/auth/roles.ts';
import { noTopicsPubSub } from './platform/events/no-topics.pubsub.ts';
import type { DomainModule } from './platform/module.ts';

type ResolverClass = new (...args: any[]) => object;
import { modules as allModules } from './modules.ts';

/**
 * Fails when a root field does not say who may call it: an operation added without a role
 * decorator would otherwise be open to anyone.
 */
function assertEveryRootFieldAuthorized(schema: GraphQLSchema): void {
  const authorized = new Set(
    getMetadataStorage().authorizedFields.map((f) => `${f.target.name}.${f.fieldName}`),
  );
  const roots = [
    ...getMetadataStorage().queries,
    ...getMetadataStorage().mutations,
    ...getMetadataStorage().subscriptions,
  ];
  const open = roots
    .filter((r) => !authorized.has(`${r.target.name}.${r.methodName}`))
    .map((r) => `${r.target.name}.${r.methodName}`);
  if (open.length > 0) {
    throw new Error(
      `root fields without a role decorator (Anyone, LoggedIn, Staff, AdminOnly): ${open.join(', ')}`,
    );
  }
  for (const type of [schema.getQueryType(), schema.getMutationType()]) {
    if (!type || !isObjectType(type)) throw new Error('schema has no Query or Mutation type');
  }
}

/**
 * type-graphql wraps each interface's `resolveType` in an async function; graphql-jit
 * (platform/graphql/jit-executor.ts) needs the type's name at once, and a promise per list item
 * costs graphql-js too. The service's `resolveType` functions answer a name synchronously.
 */
function resolveTypesSynchronously(schema: GraphQLSchema): void {
  for (const meta of getMetadataStorage().interfaceTypes) {
    const type = schema.getType(meta.name);
    if (isInterfaceType(type) && meta.resolveType) {
      type.resolveType = meta.resolveType as GraphQLTypeResolver<unknown, unknown>;
    }
  }
}

interface ParamMeta {
  kind: string;
  index: number;
  propertyName?: string;
  getType?: unknown;
}

type ObjectTypeMeta = ReturnType<typeof getMetadataStorage>['objectTypes'][number];
type FieldMeta = NonNullable<ObjectTypeMeta['fields']>[number];

/** An object type's fields with those of the interfaces it implements. */
function fieldsOf(objectType: ObjectTypeMeta): FieldMeta[] {
  return [
    ...getMetadataStorage()
      .interfaceTypes.filter((it) => objectType.interfaceClasses?.includes(it.target))
      .flatMap((it) => it.fields ?? []),
    ...(objectType.fields ?? []),
  ];
}

/** The field resolver type-graphql serves `field` with, if any (its schema generator's lookup). */
function fieldResolverOf(field: FieldMeta, resolvers: ResolverClass[]) {
  return getMetadataStorage().fieldResolvers.find(
    (it) =>
      (it.kind === 'internal' || resolvers.includes(it.target as ResolverClass)) &&
      it.getObjectType?.() === field.target &&
      it.methodName === field.name,
  );
}

/** How a plain field resolver's parameters come from graphql's four, or undefined for others. */
function directParams(params: ParamMeta[]) {
  const sorted = [...params].sort((a, b) => a.index - b.index);
  const kinds = sorted.map((p) =>
    (p.kind === 'root' && !p.propertyName && !p.getType) ||
    (p.kind === 'context' && !p.propertyName) ||
    p.kind === 'info'
      ? p.kind
      : undefined,
  );
  return kinds.every((k) => k !== undefined) ? kinds : undefined;
}

/**
 * type-graphql calls each field resolver through a wrapper that, on every call, sorts and maps
 * its parameter metadata, looks the resolver instance up and runs the (empty) middleware chain:
 * a page of orders makes thousands of such calls. A field resolver with no role, no middleware
 * and only @Root, @Ctx and @Info parameters is called directly instead, with the same values
 * (fields with arguments, roles or middlewares keep type-graphql's wrapper).
 */
function callPlainFieldResolversDirectly(schema: GraphQLSchema, resolvers: ResolverClass[]) {
  const storage = getMetadataStorage();
  const instances = new Map<ResolverClass, Record<string, (...args: unknown[]) => unknown>>();
  for (const objectType of storage.objectTypes) {
    const type = schema.getType(objectType.name);
    if (!isObjectType(type)) continue;
    for (const field of fieldsOf(objectType)) {
      const meta = fieldResolverOf(field, resolvers);
      if (!meta || meta.kind !== 'external' || meta.roles || meta.middlewares?.length) continue;
      const kinds = directParams((meta.params ?? []) as ParamMeta[]);
      const graphqlField = type.getFields()[field.schemaName];
      if (!kinds || !graphqlField) continue;
      const target = meta.target as ResolverClass;
      let instance = instances.get(target);
      if (!instance) {
        instance = new target() as Record<string, (...args: unknown[]) => unknown>;
        instances.set(target, instance);
      }
      const self = instance;
      const method = self[meta.methodName];
      const [a, b] = kinds;
      const pick = (kind: string | undefined, root: unknown, ctx: unknown, info: unknown) =>
        kind === 'root' ? root : kind === 'context' ? ctx : info;
      graphqlField.resolve =
        kinds.length === 2 && a === 'root' && b === 'context'
          ? (root, _args, ctx) => method.call(self, root, ctx)
          : (root, _args, ctx, info) =>
              method.apply(
                self,
                kinds.map((kind) => pick(kind, root, ctx, info)),
              );
    }
  }
}

/**
 * type-graphql gives every plain property field (`@Field() name`) a resolver of its own that runs
 * the (empty) middleware chain and returns `root[name]`. graphql-jit reads a field without a
 * resolver inline in the compiled query, but calls a resolver through its runtime and builds it a
 * resolve info: a page of orders has thousands of such fields. A property field with no role,
 * no middleware and no field resolver gets no resolver (graphql's default reads the same
 * property), or, when its schema name differs from the property's, a bare property read.
 */
function readPlainPropertiesDirectly(schema: GraphQLSchema, resolvers: ResolverClass[]) {
  const storage = getMetadataStorage();
  for (const objectType of storage.objectTypes) {
    const type = schema.getType(objectType.name);
    if (!isObjectType(type)) continue;
    for (const field of fieldsOf(objectType)) {
      if (field.roles || field.middlewares?.length || fieldResolverOf(field, resolvers)) continue;
      const graphqlField = type.getFields()[field.schemaName];
      if (!graphqlField) continue;
      const property = field.name;
      graphqlField.resolve =
        property === field.schemaName
          ? undefined
          : (root: Record<string, unknown>) => root[property];
    }
  }
}

/** Builds the executable schema from the modules' resolvers (code-first). */
export async function createSchema(modules: DomainModule[] = allModules): Promise<GraphQLSchema> {
  const resolvers = modules.flatMap((m) => m.resolvers) as ResolverClass[];
  const schema = await buildSchema({
    // type-graphql wants a non-empty tuple; the platform module always has resolvers.
    resolvers: resolvers as [ResolverClass, ...ResolverClass[]],
    orphanedTypes: modules.flatMap((m) => m.orphanedTypes ?? []),
    authChecker,
    validate: { forbidUnknownValues: false },
    emitSchemaFile: false,
    // Subscriptions bring their own `subscribe` (the live hub); type-graphql still wants a PubSub.
    pubSub: noTopicsPubSub,
  });
  assertEveryRootFieldAuthorized(schema);
  resolveTypesSynchronously(schema);
  callPlainFieldResolversDirectly(schema, resolvers);
  readPlainPropertiesDirectly(schema, resolvers);
  return schema;
}

/** The SDL committed as schema.graphql. */
export async function printedSchema(): Promise<string> {
  const header =
    '# Generated from the type-graphql code by `npm run schema:print`. Do not edit by hand.\n\n';
  return header + printSchema(await createSchema()) + '\n';
}
