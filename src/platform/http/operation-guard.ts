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
  type FieldNode,
  type OperationDefinitionNode,
  type SelectionSetNode,
  type GraphQLSchema,
  type ValidationRule,
} from 'graphql';
import type { RequestContext } from '../../context.ts';
import type { Config } from '../config.ts';
import { authenticate } from '../auth/authenticate.ts';
import { takeFromBucket } from '../auth/rate-limit.ts';
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

/** Root fields that make their caller: the only field of their operation (a later one would run as it). */
const SIGN_IN_FIELDS = new Set(['login', 'refreshToken']);

/**
 * Decides, after validation and before any resolver, whether an operation may run: the query
 * limits (src/platform/http/query-limits.ts), text the database can store (./input-text.ts),
 * then the caller (its token's session and account: ../auth/authenticate.ts), then the
 * per-consumer mutation budget, kept in PostgreSQL so every process spends from one. One guard
 * per running app, shared by HTTP (`apolloPlugin`) and graphql-ws (`prepare`), so both
 * transports apply the same limits and spend the same budget.
 */
export class OperationGuard {
  private readonly limits: QueryLimits;
  private readonly wsRules: readonly ValidationRule[];

  constructor(
    private readonly schema: GraphQLSchema,
    private readonly config: Config,
  ) {
    this.limits = queryLimits(config);
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
   * The reason the operation may not run, or undefined; sets `ctx.viewer` once the document
   * passed the limits. A mutation spends one token per root field from its caller's bucket
   * (anonymous callers reach only `login`, limited on its own).
   */
  async admit(
    document: DocumentNode,
    operation: OperationDefinitionNode,
    variables: Record<string, unknown> | null | undefined,
    ctx: Pick<RequestContext, 'em' | 'auth' | 'viewer'>,
  ): Promise<GraphQLError | undefined> {
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
    const fields = rootFields(document, operation);
    if (fields.size > 1 && [...fields].some((f) => SIGN_IN_FIELDS.has(f))) {
      return graphQLError(
        'BAD_USER_INPUT',
        'login and refreshToken must be the only field of their operation.',
      );
    }
    await authenticate(ctx as RequestContext);
    if (operation.operation === 'mutation' && ctx.viewer && this.config.mutationRateLimit > 0) {
      const wait = await takeFromBucket(
        ctx.em,
        `mutations:${ctx.viewer.id}`,
        this.config.mutationRateLimit,
        this.config.mutationRateWindowSeconds,
        Math.max(1, rootFieldCount(document, operation)),
      );
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
          const refusal = await this.admit(document, operation, request.variables, contextValue);
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
   * production), applies `admit` (which sets `caller.viewer`). Returns the execution
   * arguments, or the errors to send back.
   */
  async prepare(
    payload: OperationPayload,
    caller: Pick<RequestContext, 'em' | 'auth' | 'viewer'>,
  ): Promise<Omit<ExecutionArgs, 'contextValue'> | GraphQLError[]> {
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
      const refusal = await this.admit(document, operation, payload.variables, caller);
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
  return rootSelections(document, operation, (field) => (field.alias ?? field.name).value).size;
}

/** Names of the root fields of the operation, through fragments (`__typename` aside). */
function rootFields(document: DocumentNode, operation: OperationDefinitionNode): Set<string> {
  const names = rootSelections(document, operation, (field) => field.name.value);
  names.delete('__typename');
  return names;
}

function rootSelections(
  document: DocumentNode,
  operation: OperationDefinitionNode,
  keyOf: (field: FieldNode) => string,
): Set<string> {
  const fragments = fragmentsOf(document);
  const keys = new Set<string>();
  const seen = new Set<string>();
  const collect = (selectionSet: SelectionSetNode) => {
    for (const selection of selectionSet.selections) {
      if (selection.kind === Kind.FIELD) {
        keys.add(keyOf(selection));
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
  return keys;
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
