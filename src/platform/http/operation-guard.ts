import type { ApolloServerPlugin } from '@apollo/server';
import {
  GraphQLError,
  Kind,
  NoSchemaIntrospectionCustomRule,
  getOperationAST,
  specifiedRules,
  validate,
  type DocumentNode,
  type ExecutionArgs,
  type OperationDefinitionNode,
  type SelectionSetNode,
  type GraphQLSchema,
  type ValidationRule,
} from 'graphql';
import type { RequestContext } from '../../context.ts';
import type { Config } from '../config.ts';
import { TokenBucket } from '../auth/rate-limit.ts';
import type { Viewer } from '../auth/token.ts';
import { graphQLError, hideSuggestions } from '../errors.ts';
import { badTextError } from './input-text.ts';
import {
  checkQueryLimits,
  fragmentsOf,
  parseWithLimits,
  queryLimits,
  type QueryLimits,
} from './query-limits.ts';

/** What a graphql-ws `subscribe` message carries. */
export interface OperationPayload {
  query?: unknown;
  operationName?: string | null;
  variables?: Record<string, unknown> | null;
}

const HTTP_STATUS: Record<string, number> = {
  QUERY_TOO_COMPLEX: 400,
  BAD_USER_INPUT: 400,
  RATE_LIMITED: 429,
};

/**
 * Decides, after validation and before any resolver, whether an operation may run: the query
 * limits (src/platform/http/query-limits.ts), text the database can store (./input-text.ts),
 * then the per-consumer mutation budget. One guard
 * per running app, shared by HTTP (`apolloPlugin`) and graphql-ws (`prepare`), so both
 * transports apply the same limits and spend the same budget.
 */
export class OperationGuard {
  private readonly limits: QueryLimits;
  private readonly mutations: TokenBucket | undefined;
  private readonly wsRules: readonly ValidationRule[];

  constructor(
    private readonly schema: GraphQLSchema,
    private readonly config: Config,
  ) {
    this.limits = queryLimits(config);
    this.mutations =
      config.mutationRateLimit > 0
        ? new TokenBucket(config.mutationRateLimit, config.mutationRateWindowSeconds * 1000)
        : undefined;
    // Apollo does the same for HTTP with `introspection: false`.
    this.wsRules = config.production
      ? [...specifiedRules, NoSchemaIntrospectionCustomRule]
      : specifiedRules;
  }

  /** Apollo's parse options: the token limit. */
  get parseOptions() {
    return { maxTokens: this.limits.maxTokens };
  }

  /**
   * The reason the operation may not run, or undefined. A mutation spends one token per root
   * field from its caller's bucket (anonymous callers reach only `login`, limited on its own).
   */
  admit(
    document: DocumentNode,
    operation: OperationDefinitionNode,
    variables: Record<string, unknown> | null | undefined,
    viewer: Viewer | undefined,
  ): GraphQLError | undefined {
    const tooComplex = checkQueryLimits(
      this.schema,
      document,
      operation,
      variables ?? undefined,
      this.limits,
    );
    if (tooComplex) return tooComplex;
    const badText = badTextError(document, variables ?? undefined);
    if (badText) return badText;
    if (operation.operation === 'mutation' && viewer && this.mutations) {
      const wait = this.mutations.take(viewer.id, rootFieldCount(document, operation));
      if (wait > 0) {
        return graphQLError('RATE_LIMITED', `Too many mutations; try again in ${wait} s.`, {
          retryAfterSeconds: wait,
        });
      }
    }
    return undefined;
  }

  /** For Apollo: refuses in `didResolveOperation`, with 400 or 429 and Retry-After. */
  apolloPlugin(): ApolloServerPlugin<RequestContext> {
    return {
      requestDidStart: async () => ({
        didResolveOperation: async ({ document, operation, request, contextValue }) => {
          if (!operation) return; // execution reports the missing operation
          const refusal = this.admit(document, operation, request.variables, contextValue.viewer);
          if (!refusal) return;
          const code = String(refusal.extensions.code);
          const headers = new Map<string, string>();
          if (typeof refusal.extensions.retryAfterSeconds === 'number') {
            headers.set('retry-after', String(refusal.extensions.retryAfterSeconds));
          }
          // Apollo reads a Map here; graphql-yoga's typings (pulled in by GraphiQL) say a record.
          const http = { status: HTTP_STATUS[code] ?? 400, headers } as unknown as {
            headers: Record<string, string>;
          };
          throw new GraphQLError(refusal.message, { extensions: { ...refusal.extensions, http } });
        },
      }),
    };
  }

  /**
   * For graphql-ws's `onSubscribe`: parses with the token limit, validates (no introspection in
   * production), applies `admit`. Returns the execution arguments, or the errors to send back.
   */
  prepare(
    payload: OperationPayload,
    viewer: Viewer | undefined,
  ): Omit<ExecutionArgs, 'contextValue'> | GraphQLError[] {
    let document: DocumentNode;
    try {
      document = parseWithLimits(payload.query, this.limits);
    } catch (err) {
      if (err instanceof GraphQLError) return [err];
      throw err;
    }
    const invalid = validate(this.schema, document, this.wsRules);
    if (invalid.length > 0) {
      return invalid.map(
        (error) =>
          new GraphQLError(
            this.config.production ? hideSuggestions(error.message) : error.message,
            {
              nodes: error.nodes,
              extensions: { code: 'GRAPHQL_VALIDATION_FAILED', ...error.extensions },
            },
          ),
      );
    }
    const operation = getOperationAST(document, payload.operationName);
    if (operation) {
      const refusal = this.admit(document, operation, payload.variables, viewer);
      if (refusal) return [refusal];
    }
    return {
      schema: this.schema,
      document,
      operationName: payload.operationName,
      variableValues: payload.variables,
    };
  }
}

/** Distinct response keys at the root of the operation, through fragments. */
function rootFieldCount(document: DocumentNode, operation: OperationDefinitionNode): number {
  const fragments = fragmentsOf(document);
  const keys = new Set<string>();
  const seen = new Set<string>();
  const collect = (selectionSet: SelectionSetNode) => {
    for (const selection of selectionSet.selections) {
      if (selection.kind === Kind.FIELD) {
        keys.add((selection.alias ?? selection.name).value);
      } else if (selection.kind === Kind.INLINE_FRAGMENT) {
        collect(selection.selectionSet);
      } else if (!seen.has(selection.name.value)) {
        seen.add(selection.name.value);
        const fragment = fragments.get(selection.name.value);
        if (fragment) collect(fragment.selectionSet);
      }
    }
  };
  collect(operation.selectionSet);
  return Math.max(1, keys.size);
}

const guards = new WeakMap<Config, OperationGuard>();

/** The running app's guard (one per config object, as every app has its own). */
export function operationGuard(schema: GraphQLSchema, config: Config): OperationGuard {
  let guard = guards.get(config);
  if (!guard) {
    guard = new OperationGuard(schema, config);
    guards.set(config, guard);
  }
  return guard;
}
