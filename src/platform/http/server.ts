import { ApolloServer, type ApolloServerPlugin } from '@apollo/server';
import { ApolloServerPluginDrainHttpServer } from '@apollo/server/plugin/drainHttpServer';
import {
  ApolloServerPluginCacheControlDisabled,
  ApolloServerPluginLandingPageDisabled,
} from '@apollo/server/plugin/disabled';
import { expressMiddleware } from '@as-integrations/express5';
import express from 'express';
import type { GraphQLSchema } from 'graphql';
import { createServer, type Server } from 'node:http';
import type { MikroORM } from '@mikro-orm/postgresql';
import type { Logger } from 'pino';
import type { RequestContext } from '../../context.ts';
import type { Config } from '../config.ts';
import { readAuthorization } from '../auth/token.ts';
import { databaseFailure } from '../db/db-errors.ts';
import type { SubscriptionServer } from '../events/subscription-server.ts';
import { makeContext } from '../graphql/context.ts';
import { formatError, logErrorsWith } from '../graphql/format-error.ts';
import { jitGateway } from '../graphql/jit-executor.ts';
import { operationGuard } from '../graphql/operation-guard.ts';
import { graphiqlLandingPage } from './graphiql.ts';
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
import { lastErrors, mountOpsRoutes, notFound } from './ops-routes.ts';

export interface HttpApp {
  httpServer: Server;
  /** Stops accepting, closes the WebSockets with 1001 (`subscriptions`), finishes in-flight requests. */
  close(): Promise<void>;
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
 * Express + Apollo on /graphql (POST and GET), WebSocket upgrades handed to `subscriptions`
 * (graphql-ws on the same path, started by the app), the operators' routes (ops-routes.ts:
 * /livez, /readyz, /healthz, /metrics) and JSON 404s for the rest.
 */
export async function createHttpApp(
  schema: GraphQLSchema,
  orm: MikroORM,
  config: Config,
  log: Logger,
  subscriptions: SubscriptionServer,
): Promise<HttpApp> {
  const app = express();
  app.disable('x-powered-by');
  const httpServer = createServer(app);
  const development = process.env.NODE_ENV === 'development';
  httpServer.on('upgrade', subscriptions.upgrade);

  const metrics = createMetrics({
    subscriptions: () => subscriptions.stats(),
    sockets: () => subscriptions.sockets(),
    pool: () => orm.em.getConnection().getNativeClient(),
  });
  app.use(metrics.http);

  const guard = operationGuard(schema, config);
  const apollo = new ApolloServer<RequestContext>({
    gateway: jitGateway(schema),
    introspection: !config.production,
    includeStacktraceInErrorResponses: development,
    csrfPrevention: true,
    allowBatchedHttpRequests: false,
    // Shutdown is the service's own (src/main.ts: drain, jobs, database). Apollo's handler
    // would stop and re-raise SIGTERM beside it outside NODE_ENV=test, and the two hung.
    stopOnTerminationSignals: false,
    parseOptions: guard.parseOptions,
    // Compact JSON. Apollo's default indents every response by two spaces: a page of orders
    // took twice the bytes, and that stringify was 3.6 % of a list request's busy time
    // (bench/read-profile.ts).
    stringifyResult: (result) => JSON.stringify(result),
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
    async close() {
      // Order matters. First no new connections (Node's close also drops idle keep-alive ones
      // but leaves upgraded WebSockets; its callback waits for all, so it is not awaited).
      httpServer.close();
      // Apollo's drain destroys every socket without an HTTP request in flight, upgraded
      // WebSockets included, so subscribers are told 1001 first; then HTTP drains.
      await subscriptions.close();
      await apollo.stop();
    },
  };
}
