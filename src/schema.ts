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

/** Builds the executable schema from the modules' resolvers (code-first). */
export async function createSchema(modules: DomainModule[] = allModules): Promise<GraphQLSchema> {
  const schema = await buildSchema({
    // type-graphql wants a non-empty tuple; the platform module always has resolvers.
    resolvers: modules.flatMap((m) => m.resolvers) as [ResolverClass, ...ResolverClass[]],
    orphanedTypes: modules.flatMap((m) => m.orphanedTypes ?? []),
    authChecker,
    validate: { forbidUnknownValues: false },
    emitSchemaFile: false,
    // Subscriptions bring their own `subscribe` (the live hub); type-graphql still wants a PubSub.
    pubSub: noTopicsPubSub,
  });
  assertEveryRootFieldAuthorized(schema);
  resolveTypesSynchronously(schema);
  return schema;
}

/** The SDL committed as schema.graphql. */
export async function printedSchema(): Promise<string> {
  const header =
    '# Generated from the type-graphql code by `npm run schema:print`. Do not edit by hand.\n\n';
  return header + printSchema(await createSchema()) + '\n';
}
