import type { ApolloServerPlugin } from '@apollo/server';
import type { RequestHandler } from 'express';
import type { Logger } from 'pino';
import {
  GraphQLError,
  NoSchemaIntrospectionCustomRule,
  execute,
  getOperationAST,
  parse,
  specifiedRules,
  validate,
  type DocumentNode,
  type ExecutionArgs,
  type ExecutionResult,
  type OperationDefinitionNode,
  type GraphQLSchema,
  type ValidationRule,
} from 'graphql';
import type { RequestContext } from '../../context.ts';
import type { Config } from '../config.ts';
import { authenticate } from '../auth/authenticate.ts';
import { takeFromBucket } from '../auth/rate-limit.ts';
import type { Viewer } from '../auth/token.ts';
import { graphQLError, hideSuggestions } from '../errors.ts';
import { logOperation, sendGraphQLError } from '../http/http-edge.ts';
import { badTextInDocument } from './input-text.ts';
import {
  checkBeforeValidation,
  checkQueryLimits,
  forEachField,
  fragmentsOf,
  lengthLimitError,
  parseWithLimits,
  queryLimits,
  type QueryLimits,
} from './query-limits.ts';
import { Turns, type Release } from './turns.ts';
import { scanVariables } from './variable-limits.ts';

/** What a graphql-ws `subscribe` message carries. */
export interface OperationPayload {
  query?: unknown;
  operationName?: string | null;
  variables?: Record<string, unknown> | null;
}

/** Query texts, and variables per operation, whose passing the checks is remembered. */
const PASSED_SOURCES = 500;
const PASSED_VARIABLES_PER_OPERATION = 50;
const PASSED_VARIABLES_VALUES = 20;
const PASSED_VARIABLES_LENGTH = 1000;

/** Who an operation counts against: the consumer, or for anonymous callers their address. */
export interface Caller {
  viewer: Viewer | undefined;
  address: string;
}

/** What `admit` needs of the operation's context: it authenticates the caller into `viewer`. */
type AdmitContext = Pick<RequestContext, 'em' | 'auth' | 'viewer'>;

/** Root fields that make their caller: the only field of their operation (a later one would run as it). */
const SIGN_IN_FIELDS = new Set(['login', 'refreshToken']);

/** What `admit` decided: a refusal, or whether the operation is large (it must take a turn). */
type Admission = { refusal: GraphQLError } | { refusal?: undefined; large: boolean };

const HTTP_STATUS: Record<string, number> = {
  QUERY_TOO_COMPLEX: 400,
  BAD_USER_INPUT: 400,
  RATE_LIMITED: 429,
};

/** Apollo reads `extensions.http` to answer with this status and Retry-After. */
function withHttpStatus(refusal: GraphQLError): GraphQLError {
  const code = String(refusal.extensions.code);
  const headers = new Map<string, string>();
  if (typeof refusal.extensions.retryAfterSeconds === 'number') {
    headers.set('retry-after', String(refusal.extensions.retryAfterSeconds));
  }
  // Apollo reads a Map here; graphql-yoga's typings (pulled in by GraphiQL) say a record.
  const http = { status: HTTP_STATUS[code] ?? 400, headers } as unknown as {
    headers: Record<string, string>;
  };
  return new GraphQLError(refusal.message, { extensions: { ...refusal.extensions, http } });
}

/**
 * Decides whether an operation may run, each step bounding the cost of the next, over HTTP
 * (`apolloPlugin`) and graphql-ws (`prepare`, `inTurn`) alike: the document's fields and
 * repeated fields before validation (./query-limits.ts), validation, one pass over the
 * variables (./variable-limits.ts), depth, aliases, directives and cost, text the database can
 * store (./input-text.ts), then the caller (its token's session and account:
 * ../auth/authenticate.ts), then the per-consumer mutation budget, kept in PostgreSQL so every
 * process spends from one; then a large operation (variables
 * of more than LARGE_OPERATION_VALUES values) waits for its caller's previous large one to end.
 * One guard per running app, so both transports spend the same budgets.
 */
export class OperationGuard {
  private readonly limits: QueryLimits;
  private readonly wsRules: readonly ValidationRule[];
  private readonly turns: Turns;
  /** graphql-ws operations `prepare` found large, by their execution arguments: whose they are. */
  private readonly largeOverWs = new WeakMap<object, Caller>();
  /**
   * What passed the document's checks, so that a client repeating an operation (the common case)
   * pays for them once: query texts that passed the checks before validation (most recent last),
   * and per operation of a parsed document (Apollo keeps one per query text), the variables with
   * which it passed the limits and the text check. Only passes are kept, never a refusal.
   */
  private readonly passedSources = new Map<string, true>();
  private readonly passedOperations = new WeakMap<OperationDefinitionNode, Set<string>>();

  constructor(
    private readonly schema: GraphQLSchema,
    private readonly config: Config,
  ) {
    this.limits = queryLimits(config);
    // Apollo does the same for HTTP with `introspection: false`.
    this.wsRules = config.production
      ? [...specifiedRules, NoSchemaIntrospectionCustomRule]
      : specifiedRules;
    this.turns = new Turns(config.largeOperationQueue);
  }

  /** Apollo's parse options: the token limit. */
  get parseOptions() {
    return { maxTokens: this.limits.maxTokens };
  }

  /**
   * After validation: the refusal, or whether the operation is large; sets `ctx.viewer` once the
   * document passed the limits. A mutation spends one token per root field from its caller's
   * bucket (anonymous callers reach only `login`, limited on its own).
   */
  async admit(
    document: DocumentNode,
    operation: OperationDefinitionNode,
    variables: Record<string, unknown> | null | undefined,
    ctx: AdmitContext,
  ): Promise<Admission> {
    const scan = scanVariables(variables, this.limits);
    if (scan.refusal) return { refusal: scan.refusal };
    const refusal = this.documentRefusal(document, operation, variables, scan.values);
    if (refusal) return { refusal };
    const fields = rootFields(document, operation);
    if (fields.size > 1 && [...fields].some((f) => SIGN_IN_FIELDS.has(f))) {
      return {
        refusal: graphQLError(
          'BAD_USER_INPUT',
          'login and refreshToken must be the only field of their operation.',
        ),
      };
    }
    await authenticate(ctx as RequestContext);
    if (operation.operation === 'mutation' && ctx.viewer && this.config.mutationRateLimit > 0) {
      const wait = await takeFromBucket(
        ctx.em,
        `mutations:${ctx.viewer.id}`,
        this.config.mutationRateLimit,
        this.config.mutationRateWindowSeconds,
        rootFieldCount(document, operation),
      );
      if (wait > 0) {
        return {
          refusal: graphQLError('RATE_LIMITED', `Too many mutations; try again in ${wait} s.`, {
            retryAfterSeconds: wait,
          }),
        };
      }
    }
    return { large: scan.values > this.config.largeOperationValues };
  }

  /** The limits and the text check of admit, skipped for an operation and variables that passed. */
  private documentRefusal(
    document: DocumentNode,
    operation: OperationDefinitionNode,
    variables: Record<string, unknown> | null | undefined,
    values: number,
  ): GraphQLError | undefined {
    // The variables are part of the key (the cost reads `first`): only a few values are kept.
    const key = values <= PASSED_VARIABLES_VALUES ? JSON.stringify(variables ?? {}) : undefined;
    const passed = this.passedOperations.get(operation);
    if (key !== undefined && passed?.has(key)) return undefined;
    const refusal =
      checkQueryLimits(this.schema, document, operation, variables ?? undefined, this.limits) ??
      badTextInDocument(document);
    if (!refusal && key !== undefined && key.length <= PASSED_VARIABLES_LENGTH) {
      if (!passed) this.passedOperations.set(operation, new Set([key]));
      else if (passed.size < PASSED_VARIABLES_PER_OPERATION) passed.add(key);
    }
    return refusal;
  }

  /** The checks before validation of beforeValidation, skipped for a query text that passed. */
  private sourceRefusal(query: string): GraphQLError | undefined {
    if (this.passedSources.has(query)) {
      // Map keeps insertion order: re-inserting marks it as the most recently used.
      this.passedSources.delete(query);
      this.passedSources.set(query, true);
      return undefined;
    }
    let document: DocumentNode;
    try {
      document = parse(query, this.parseOptions);
    } catch {
      // Left to Apollo, which answers the syntax error.
      return undefined;
    }
    const refusal = checkBeforeValidation(document, this.limits);
    if (!refusal) {
      if (this.passedSources.size >= PASSED_SOURCES) {
        this.passedSources.delete(this.passedSources.keys().next().value!);
      }
      this.passedSources.set(query, true);
    }
    return refusal;
  }

  /** Waits for the caller's turn for a large operation; undefined when too many already wait. */
  private takeTurn(caller: Caller): Promise<Release | undefined> {
    return this.turns.take(
      caller.viewer ? `consumer:${caller.viewer.id}` : `address:${caller.address}`,
    );
  }

  private busy(): GraphQLError {
    return graphQLError(
      'RATE_LIMITED',
      `You have a large operation running and ${this.config.largeOperationQueue} more waiting; send this one once they have answered.`,
      {
        limit: 'largeOperations',
        maximum: this.config.largeOperationQueue + 1,
        retryAfterSeconds: 1,
      },
    );
  }

  /**
   * Express middleware before Apollo: the length of the query, then the checks before
   * validation on the query parsed here once more (Apollo has no hook between its parse and
   * its validation that can refuse). A document that does not parse is left to Apollo.
   */
  beforeValidation(log: Logger): RequestHandler {
    return (req, res, next) => {
      const query = req.method === 'GET' ? req.query.query : req.body?.query;
      if (typeof query !== 'string') return next();
      const refusal = lengthLimitError(query, this.limits) ?? this.sourceRefusal(query);
      if (!refusal) return next();
      const code = String(refusal.extensions.code);
      logOperation(log.child({ requestId: res.locals.requestId }), null, 0, [code]);
      sendGraphQLError(res, 400, 'QUERY_TOO_COMPLEX', refusal.message, refusal.extensions);
    };
  }

  /**
   * For Apollo: refuses in `didResolveOperation`, with 400 or 429 and Retry-After; a large
   * operation waits there for its turn, which ends when its response is sent.
   */
  apolloPlugin(): ApolloServerPlugin<RequestContext> {
    return {
      requestDidStart: async () => {
        let release: Release | undefined;
        return {
          didResolveOperation: async ({ document, operation, request, contextValue }) => {
            if (!operation) return; // execution reports the missing operation
            const admission = await this.admit(
              document,
              operation,
              request.variables,
              contextValue,
            );
            if (admission.refusal) throw withHttpStatus(admission.refusal);
            if (!admission.large) return;
            release = await this.takeTurn({
              viewer: contextValue.viewer,
              address: contextValue.clientAddress,
            });
            if (!release) throw withHttpStatus(this.busy());
          },
          willSendResponse: async () => release?.(),
        };
      },
    };
  }

  /**
   * For graphql-ws's `onSubscribe`: parses with the token limit, the checks before validation,
   * validates (no introspection in production), applies `admit` (which sets `ctx.viewer`).
   * Returns the execution arguments, or the errors to send back. A large operation then runs
   * through `inTurn`.
   */
  async prepare(
    payload: OperationPayload,
    ctx: AdmitContext,
    address: string,
  ): Promise<Omit<ExecutionArgs, 'contextValue'> | GraphQLError[]> {
    let document: DocumentNode;
    try {
      document = parseWithLimits(payload.query, this.limits);
    } catch (err) {
      if (err instanceof GraphQLError) return [err];
      throw err;
    }
    const tooBig = checkBeforeValidation(document, this.limits);
    if (tooBig) return [tooBig];
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
    const args = {
      schema: this.schema,
      document,
      operationName: payload.operationName,
      variableValues: payload.variables,
    };
    const operation = getOperationAST(document, payload.operationName);
    if (operation) {
      const admission = await this.admit(document, operation, payload.variables, ctx);
      if (admission.refusal) return [admission.refusal];
      if (admission.large) this.largeOverWs.set(args, { viewer: ctx.viewer, address });
    }
    return args;
  }

  /**
   * graphql-ws's `execute` and `subscribe` go through here: an operation `prepare` found large
   * waits for its caller's turn (RATE_LIMITED when too many already wait), runs, and passes
   * the turn on; any other runs at once.
   */
  async inTurn<T>(
    args: ExecutionArgs,
    run: (args: ExecutionArgs) => Promise<T>,
  ): Promise<T | ExecutionResult> {
    const caller = this.largeOverWs.get(args);
    if (!caller) return run(args);
    const release = await this.takeTurn(caller);
    if (!release) return { errors: [this.busy()] };
    try {
      return await run(args);
    } finally {
      release();
    }
  }

  /** graphql-ws `execute`, in turn when large. */
  execute(args: ExecutionArgs): Promise<ExecutionResult> {
    return this.inTurn(args, async (a) => execute(a));
  }
}

/** Distinct response keys at the root of the operation, through fragments. */
function rootFieldCount(document: DocumentNode, operation: OperationDefinitionNode): number {
  const keys = new Set<string>();
  forEachField([operation.selectionSet], fragmentsOf(document), (field) =>
    keys.add((field.alias ?? field.name).value),
  );
  return Math.max(1, keys.size);
}

/** Names of the root fields of the operation, through fragments (`__typename` aside). */
function rootFields(document: DocumentNode, operation: OperationDefinitionNode): Set<string> {
  const names = new Set<string>();
  forEachField([operation.selectionSet], fragmentsOf(document), (field) =>
    names.add(field.name.value),
  );
  names.delete('__typename');
  return names;
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
