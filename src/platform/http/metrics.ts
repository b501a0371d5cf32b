import type { ApolloServerPlugin } from '@apollo/server';
import type { RequestHandler } from 'express';
import type pg from 'pg';
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { HubStats } from '../events/order-event.hub.ts';

/** What the gauges read when scraped. */
export interface MetricSources {
  subscriptions: () => HubStats;
  sockets: () => number;
  pool: () => Promise<pg.Pool>;
}

export interface Metrics {
  registry: Registry;
  /** Counts and times every HTTP request by route, method and status. */
  http: RequestHandler;
  /** Counts and times GraphQL operations over HTTP by type, and their errors by code. */
  graphql: () => ApolloServerPlugin;
}

// Labels take only values from these lists, so a caller cannot grow the series without bound.
const ROUTES = new Set(['/graphql', '/healthz', '/healthz/live', '/livez', '/readyz', '/metrics']);
const METHODS = new Set(['GET', 'POST', 'OPTIONS', 'HEAD']);
const OPERATION_TYPES = new Set(['query', 'mutation', 'subscription']);
const LATENCY_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

/**
 * The service's Prometheus metrics (GET /metrics), in a registry of this app's own (tests run
 * several apps in one process): HTTP requests and their latency, GraphQL operations and
 * errors, live subscriptions and sockets, the database pool, and Node's process metrics.
 */
export function createMetrics(sources: MetricSources): Metrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  const requests = new Counter({
    name: 'orderly_http_requests_total',
    help: 'HTTP requests answered, by route, method and status code.',
    labelNames: ['route', 'method', 'status'],
    registers: [registry],
  });
  const requestSeconds = new Histogram({
    name: 'orderly_http_request_duration_seconds',
    help: 'Time to answer an HTTP request, by route.',
    labelNames: ['route'],
    buckets: LATENCY_BUCKETS,
    registers: [registry],
  });
  const operations = new Counter({
    name: 'orderly_graphql_operations_total',
    help: 'GraphQL operations over HTTP, by type (unknown: the document did not parse).',
    labelNames: ['type'],
    registers: [registry],
  });
  const operationSeconds = new Histogram({
    name: 'orderly_graphql_operation_duration_seconds',
    help: 'Time to execute a GraphQL operation over HTTP, by type.',
    labelNames: ['type'],
    buckets: LATENCY_BUCKETS,
    registers: [registry],
  });
  const errors = new Counter({
    name: 'orderly_graphql_errors_total',
    help: 'GraphQL errors in responses, by extensions.code.',
    labelNames: ['code'],
    registers: [registry],
  });
  new Gauge({
    name: 'orderly_subscriptions',
    help: 'Live order-status subscriptions on this process.',
    registers: [registry],
    collect() {
      this.set(sources.subscriptions().subscriptions);
    },
  });
  new Gauge({
    name: 'orderly_websocket_connections',
    help: 'Open graphql-ws sockets on this process.',
    registers: [registry],
    collect() {
      this.set(sources.sockets());
    },
  });
  new Gauge({
    name: 'orderly_db_pool_connections',
    help: "The database pool's connections: total, idle, and requests waiting for one.",
    labelNames: ['state'],
    registers: [registry],
    async collect() {
      const pool = await sources.pool();
      this.set({ state: 'total' }, pool.totalCount);
      this.set({ state: 'idle' }, pool.idleCount);
      this.set({ state: 'waiting' }, pool.waitingCount);
    },
  });
  new Gauge({
    name: 'orderly_db_pool_max',
    help: 'The most connections the database pool opens.',
    registers: [registry],
    async collect() {
      this.set((await sources.pool()).options.max ?? 10);
    },
  });

  const http: RequestHandler = (req, res, next) => {
    const stopTimer = requestSeconds.startTimer();
    res.once('finish', () => {
      // originalUrl: a router mounted on a path (/graphql) strips it from req.path.
      const path = req.originalUrl.split('?')[0];
      const route = ROUTES.has(path) ? path : 'other';
      const method = METHODS.has(req.method) ? req.method : 'other';
      requests.inc({ route, method, status: String(res.statusCode) });
      stopTimer({ route });
    });
    next();
  };
  const graphql = (): ApolloServerPlugin => ({
    async requestDidStart() {
      const stopTimer = operationSeconds.startTimer();
      return {
        async willSendResponse({ operation, response }) {
          const type =
            operation && OPERATION_TYPES.has(operation.operation) ? operation.operation : 'unknown';
          operations.inc({ type });
          stopTimer({ type });
          // As the client got them: formatError has named database failures by then.
          const sent = response.body.kind === 'single' ? response.body.singleResult.errors : [];
          for (const error of sent ?? []) {
            const code = error.extensions?.code;
            errors.inc({ code: typeof code === 'string' ? code : 'INTERNAL_SERVER_ERROR' });
          }
        },
      };
    },
  });
  return { registry, http, graphql };
}
