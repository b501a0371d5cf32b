import { ApolloServer, type ApolloServerPlugin } from '@apollo/server';
import { ApolloServerPluginDrainHttpServer } from '@apollo/server/plugin/drainHttpServer';
import {
  ApolloServerPluginCacheControlDisabled,
  ApolloServerPluginLandingPageDisabled,
} from '@apollo/server/plugin/disabled';
import { expressMiddleware } from '@as-integrations/express5';
import express from 'express';
import { GraphQLError, type GraphQLFormattedError, type GraphQLSchema } from 'graphql';
import { createServer, type Server } from 'node:http';
import { randomUUID } from 'node:crypto';
import type { MikroORM } from '@mikro-orm/postgresql';
import type { Logger } from 'pino';
import { WebSocketServer } from 'ws';
import type { RequestContext } from '../../context.ts';
import type { Config } from '../config.ts';
import { readAuthorization, type TokenReading, type Viewer } from '../auth/token.ts';
import { Loaders } from '../loaders.ts';
import { graphiqlLandingPage } from './graphiql.ts';
import { startSubscriptionServer, type SubscriptionServer } from '../events/subscription-server.ts';
import { databaseFailure } from '../db/db-errors.ts';
import { hideSuggestions } from '../errors.ts';
import { webConsole } from './console.ts';
import { cors } from './cors.ts';
import {
  bodyErrors,
  logOperation,
  persistedQueryShape,
  requestId,
  withDeadline,
} from './http-edge.ts';
import { createMetrics } from './metrics.ts';
import { operationGuard } from './operation-guard.ts';
import { lastErrors, mountOpsRoutes, notFound } from './ops-routes.ts';
import { tokenLimitError } from './query-limits.ts';

export interface HttpApp {
  httpServer: Server;
  /** graphql-ws and this process's live order-event hub. */
  subscriptions: SubscriptionServer;
  /** Stops accepting, finishes in-flight requests, closes WebSockets with 1001. */
  close(): Promise<void>;
}

/**
 * Builds the per-operation context: a fresh EntityManager fork, what the token said (the
 * caller is set from it once the operation passed the query limits, or given when known
 * already), the request id.
 */
export function makeContext(
  orm: MikroORM,
  config: Config,
  log: Logger,
  caller: { auth: TokenReading; viewer?: Viewer },
  clientAddress: string,
  requestId: string = randomUUID(),
): RequestContext {
  const em = orm.em.fork();
  return {
    em,
    viewer: caller.viewer,
    auth: caller.auth,
    requestId,
    clientAddress,
    config,
    log: log.child({ requestId }),
    loaders: new Loaders(em),
  };
}

const TOO_MANY_VARIABLE_ERRORS = /^Too many errors processing variables/;

// formatError sees no context; each operation's errors point to its logger (the one carrying
// the request id) so that the internal error it logs can be found from the client's request id.
const operationLogs = new WeakMap<object, Logger>();

/** Marks these errors as the operation's that logs with `log` (its request id). */
export function logErrorsWith(errors: readonly unknown[], log: Logger): void {
  for (const error of errors) if (error instanceof Object) operationLogs.set(error, log);
}

/**
 * Hides what went wrong inside (stack traces, SQL) from clients outside development; names a
 * database that is down (SERVICE_UNAVAILABLE) or too slow (TIMEOUT); with `hideSuggestions`
 * (production) drops graphql-js's "Did you mean ...?" hints.
 */
export function formatError(
  development: boolean,
  log: Logger,
  options: { hideSuggestions?: boolean } = {},
) {
  return (formatted: GraphQLFormattedError, error: unknown): GraphQLFormattedError => {
    const errorLog = (error instanceof Object && operationLogs.get(error)) || log;
    // A scalar that refuses a literal surfaces as a validation error; keep the scalar's own code.
    const cause = error instanceof GraphQLError ? error.originalError : undefined;
    if (cause instanceof GraphQLError && typeof cause.extensions?.code === 'string') {
      formatted = {
        ...formatted,
        extensions: { ...formatted.extensions, code: cause.extensions.code },
      };
    }
    const tooLong = tokenLimitError(cause);
    if (tooLong) {
      formatted = { message: tooLong.message, extensions: { ...tooLong.extensions } };
    }
    // graphql-js gives up after 50 bad variables with an error that has no code: still the client's.
    if (TOO_MANY_VARIABLE_ERRORS.test(formatted.message)) {
      formatted = { ...formatted, extensions: { ...formatted.extensions, code: 'BAD_USER_INPUT' } };
    }
    if (options.hideSuggestions) {
      formatted = { ...formatted, message: hideSuggestions(formatted.message) };
    }
    const code = formatted.extensions?.code;
    if (code === 'INTERNAL_SERVER_ERROR' || code === undefined) {
      const original = error instanceof GraphQLError ? (error.originalError ?? error) : error;
      const failure = databaseFailure(original);
      if (failure) {
        errorLog.warn({ err: original, path: formatted.path }, `database ${failure}`);
        return {
          message:
            failure === 'timeout'
              ? 'The database took longer than the statement timeout.'
              : 'The database is unavailable; try again shortly.',
          path: formatted.path,
          locations: formatted.locations,
          extensions: { code: failure === 'timeout' ? 'TIMEOUT' : 'SERVICE_UNAVAILABLE' },
        };
      }
      errorLog.error({ err: original, path: formatted.path }, 'internal error');
      if (development) return formatted;
      return {
        message: 'Internal server error.',
        path: formatted.path,
        locations: formatted.locations,
        extensions: { code: 'INTERNAL_SERVER_ERROR' },
      };
    }
    const { stacktrace: _stacktrace, ...extensions } = formatted.extensions ?? {};
    return development ? formatted : { ...formatted, extensions };
  };
}

/** HTTP 503 when the database could not be reached, so proxies and clients back off. */
function databaseDownStatus(): ApolloServerPlugin<RequestContext> {
  return {
    async requestDidStart() {
      return {
        async willSendResponse({ errors, response }) {
          if (errors?.some((e) => databaseFailure(e) === 'unavailable')) {
            response.http.status = 503;
          }
        },
      };
    },
  };
}

/**
 * HTTP 401 with `WWW-Authenticate` when the request's token gave no caller and a field needed
 * one; the body still answers every other field (login and introspection work with any token).
 */
function staleTokenStatus(): ApolloServerPlugin<RequestContext> {
  return {
    async requestDidStart({ contextValue }) {
      return {
        async willSendResponse({ errors, response }) {
          const failure = contextValue.auth.failure;
          if (!failure || !errors?.some((e) => e.extensions?.code === 'UNAUTHENTICATED')) return;
          response.http.status = 401;
          response.http.headers.set(
            'www-authenticate',
            `Bearer error="invalid_token", error_description="${failure}"`,
          );
        },
      };
    },
  };
}

function operationLogging(): ApolloServerPlugin<RequestContext> {
  return {
    async requestDidStart({ contextValue }) {
      const started = performance.now();
      return {
        async didEncounterErrors({ errors }) {
          logErrorsWith(errors, contextValue.log);
        },
        async willSendResponse({ operationName, errors }) {
          logOperation(
            contextValue.log,
            operationName ?? null,
            Math.round(performance.now() - started),
            errors?.map((e) => String(e.extensions?.code ?? 'INTERNAL_SERVER_ERROR')),
          );
        },
      };
    },
  };
}

/**
 * Express + Apollo on /graphql (POST and GET), graphql-ws on the same path, the operators'
 * routes (ops-routes.ts: /livez, /readyz, /healthz, /metrics) and JSON 404s for the rest.
 */
export async function createHttpApp(
  schema: GraphQLSchema,
  orm: MikroORM,
  config: Config,
  log: Logger,
): Promise<HttpApp> {
  const app = express();
  app.disable('x-powered-by');
  const httpServer = createServer(app);
  const development = process.env.NODE_ENV === 'development';

  // Upgrades are handed over here rather than with ws's `server` option, which would forward
  // the HTTP server's own errors (EADDRINUSE on listen) to graphql-ws as an "internal error".
  // A message over the HTTP body limit is refused from its frame header, before it is read or
  // parsed, connection_init included: the socket closes with 1009 (message too big).
  const wsServer = new WebSocketServer({
    noServer: true,
    path: '/graphql',
    maxPayload: config.maxBodyBytes,
  });
  httpServer.on('upgrade', (req, socket, head) =>
    wsServer.handleUpgrade(req, socket, head, (ws) => {
      wsServer.emit('connection', ws, req);
      // graphql-ws reports any socket error on stderr as an internal one; a frame over the
      // limit (ws has already sent 1009) is the client's, not worth more than a debug line.
      ws.removeAllListeners('error');
      ws.on('error', (err) => log.debug({ err }, 'graphql-ws socket error'));
    }),
  );
  const subscriptions: SubscriptionServer = await startSubscriptionServer(
    wsServer,
    schema,
    orm,
    config,
    log,
  );

  const metrics = createMetrics({
    subscriptions: () => subscriptions.stats(),
    sockets: () => wsServer.clients.size,
    pool: () => orm.em.getConnection().getNativeClient(),
  });
  app.use(metrics.http);

  const guard = operationGuard(schema, config);
  const apollo = new ApolloServer<RequestContext>({
    schema,
    introspection: !config.production,
    includeStacktraceInErrorResponses: development,
    csrfPrevention: true,
    allowBatchedHttpRequests: false,
    // Shutdown is the service's own (src/main.ts: drain, jobs, database). Apollo's handler
    // would stop and re-raise SIGTERM beside it outside NODE_ENV=test, and the two hung.
    stopOnTerminationSignals: false,
    parseOptions: guard.parseOptions,
    formatError: formatError(development, log, { hideSuggestions: config.production }),
    plugins: [
      ApolloServerPluginDrainHttpServer({ httpServer }),
      // No cache hints are used; Apollo's default cache-control plugin would wrap every
      // field's resolver to look for them (CPU on every field of every list: BENCHMARKS.md).
      ApolloServerPluginCacheControlDisabled(),
      config.enableGraphiql ? graphiqlLandingPage() : ApolloServerPluginLandingPageDisabled(),
      guard.apolloPlugin(),
      databaseDownStatus(),
      staleTokenStatus(),
      operationLogging(),
      metrics.graphql(),
    ],
  });
  await apollo.start();

  mountOpsRoutes(app, orm, metrics);

  // This process's live subscriptions (counts and the hub's cursor; no personal data).
  app.get('/healthz/live', (_req, res) => {
    res.json(subscriptions.stats());
  });

  const graphql = expressMiddleware(apollo, {
    context: async ({ req, res }) =>
      makeContext(
        orm,
        config,
        log,
        { auth: readAuthorization(req.header('authorization'), config.jwtSecret) },
        req.socket.remoteAddress ?? 'unknown',
        res.locals.requestId,
      ),
  });
  app.use(
    '/graphql',
    requestId(),
    cors(config.corsOrigins),
    express.json({ limit: config.maxBodyBytes }),
    persistedQueryShape(),
    guard.beforeValidation(log),
    withDeadline(config.requestTimeoutMs, log, graphql),
    bodyErrors(config.maxBodyBytes, log),
  );
  // Then the web console's files and pages (./console.ts), then JSON 404s and errors.
  app.use(webConsole());
  app.use(notFound(), lastErrors(log));
  // Receiving a request (a slow upload) counts against the same deadline.
  httpServer.requestTimeout = config.requestTimeoutMs;
  httpServer.headersTimeout = Math.min(httpServer.headersTimeout, config.requestTimeoutMs);

  return {
    httpServer,
    subscriptions,
    async close() {
      // Order matters. First no new connections (Node's close also drops idle keep-alive ones
      // but leaves upgraded WebSockets; its callback waits for all, so it is not awaited).
      httpServer.close();
      // Apollo's drain destroys every socket without an HTTP request in flight, upgraded
      // WebSockets included, so subscribers are told 1001 first; then HTTP drains.
      await subscriptions.close();
      await apollo.stop();
      await new Promise<void>((done) => wsServer.close(() => done()));
    },
  };
}
