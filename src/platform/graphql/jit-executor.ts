import type { ApolloServerOptionsWithGateway } from '@apollo/server';
import {
  BREAK,
  GraphQLError,
  execute,
  getNamedType,
  getVariableValues,
  isInputObjectType,
  printSchema,
  typeFromAST,
  valueFromASTUntyped,
  visit,
  type DocumentNode,
  type ExecutionResult,
  type GraphQLSchema,
  type OperationDefinitionNode,
} from 'graphql';
import { compileQuery, isCompiledQuery, type CompiledQuery } from 'graphql-jit';

/*
 * Reads over HTTP run through graphql-jit: each distinct query is compiled once into a function
 * that resolves its selection, instead of graphql-js walking the document for every request.
 * Apollo Server 5 has no `executor` option; its `gateway` option is the supported place for one
 * (an executor without federation, as apollo-server#7981 does). Apollo still parses, validates
 * and runs every plugin; only execution changes.
 *
 * graphql-jit differs from graphql-js on input objects: it does not apply an input field's
 * default to a variable (graphql-jit#142) and turns a missing variable inside an object literal
 * into null (graphql-jit#91). So operations that pass input objects, and every mutation (where
 * the database, not execution, is the cost), run on graphql-js exactly as before.
 * Subscriptions stay on graphql-js too (graphql-ws).
 */

type Gateway = ApolloServerOptionsWithGateway<object>['gateway'];

/** Compiled operations kept, least recently used dropped first. */
const COMPILED_LIMIT = 500;

/**
 * A query graphql-jit runs as graphql-js would: no input object reaches it. The whole document
 * is searched for object literals, since fragments are definitions beside the operation.
 */
function jitRunsAlike(
  schema: GraphQLSchema,
  document: DocumentNode,
  operation: OperationDefinitionNode,
): boolean {
  if (operation.operation !== 'query') return false;
  for (const definition of operation.variableDefinitions ?? []) {
    const type = typeFromAST(schema, definition.type);
    if (!type || isInputObjectType(getNamedType(type))) return false;
  }
  let objectLiteral = false;
  visit(document, {
    ObjectValue() {
      objectLiteral = true;
      return BREAK;
    },
  });
  return !objectLiteral;
}

/**
 * The variables with the operation's defaults for those not given: graphql-jit refuses a
 * non-null variable with a default (`$x: Boolean! = false`) that the request leaves out.
 * Only scalars and enums reach graphql-jit, so a default's literal is its raw value.
 */
function withDefaults(
  operation: OperationDefinitionNode,
  variables: Record<string, unknown>,
): Record<string, unknown> {
  let filled: Record<string, unknown> | undefined;
  for (const definition of operation.variableDefinitions ?? []) {
    const name = definition.variable.name.value;
    if (definition.defaultValue && !(name in variables)) {
      filled ??= { ...variables };
      filled[name] = valueFromASTUntyped(definition.defaultValue);
    }
  }
  return filled ?? variables;
}

/**
 * graphql-jit's errors only look like graphql-js's (a plain prototype copy); Apollo's error
 * handling and formatError (format-error.ts) expect the real class with its original error.
 */
function upstreamError(error: GraphQLError): GraphQLError {
  const upstream = new GraphQLError(error.message, {
    path: error.path,
    originalError: error.originalError ?? undefined,
    extensions: error.extensions,
  });
  // Locations come from the compiled document; graphql-js would derive them from nodes.
  Object.defineProperty(upstream, 'locations', { value: error.locations, enumerable: true });
  return upstream;
}

/** An Apollo `gateway` that serves `schema` and executes reads with graphql-jit. */
export function jitGateway(schema: GraphQLSchema): Gateway {
  // null: this operation runs on graphql-js.
  const compiled = new Map<string, CompiledQuery | null>();

  function compiledFor(
    key: string,
    compile: () => CompiledQuery | ExecutionResult | null,
  ): CompiledQuery | ExecutionResult | null {
    const hit = compiled.get(key);
    if (hit !== undefined) {
      // Map keeps insertion order: re-inserting marks the entry as the most recently used.
      compiled.delete(key);
      compiled.set(key, hit);
      return hit;
    }
    const result = compile();
    if (result && !isCompiledQuery(result)) return result;
    if (compiled.size >= COMPILED_LIMIT) compiled.delete(compiled.keys().next().value!);
    compiled.set(key, result);
    return result;
  }

  return {
    onSchemaLoadOrUpdate(callback) {
      callback({ apiSchema: schema, coreSupergraphSdl: printSchema(schema) });
      return () => {};
    },
    async load() {
      return {
        executor: async (request) => {
          const variables = request.request.variables ?? {};
          const operationName = request.operationName ?? undefined;
          const query = compiledFor(`${request.queryHash}:${operationName ?? ''}`, () =>
            jitRunsAlike(schema, request.document, request.operation)
              ? compileQuery(schema, request.document, operationName, {
                  // Apollo serialises the response; stack captures cost CPU on every error.
                  disablingCapturingStackErrors: true,
                })
              : null,
          );
          if (query === null) {
            return execute({
              schema,
              document: request.document,
              operationName,
              variableValues: variables,
              contextValue: request.context,
            });
          }
          if (!isCompiledQuery(query)) return query;
          // graphql-jit's coercion drops a scalar's own message and code ("Expected type
          // DateTime."); graphql-js's says what is wrong, so it judges the variables first.
          const coerced = getVariableValues(
            schema,
            request.operation.variableDefinitions ?? [],
            variables,
            { maxErrors: 50 },
          );
          if (coerced.errors) return { errors: coerced.errors };
          const result = await query.query(
            undefined,
            request.context,
            withDefaults(request.operation, variables),
          );
          return result.errors ? { ...result, errors: result.errors.map(upstreamError) } : result;
        },
      };
    },
    async stop() {},
  };
}
