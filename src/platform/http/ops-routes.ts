import type { ErrorRequestHandler, Express, RequestHandler } from 'express';
import type { MikroORM } from '@mikro-orm/postgresql';
import type { Logger } from 'pino';
import { sendGraphQLError } from './http-edge.ts';
import type { Metrics } from './metrics.ts';

/**
 * What operators and orchestrators call beside the API. /livez: the process answers (restart
 * it when not). /readyz: it can serve, the database answers (send it traffic only then; while
 * it drains it accepts no connection, so this fails too). /healthz: the same, as it always was.
 * /metrics: Prometheus text.
 */
export function mountOpsRoutes(app: Express, orm: MikroORM, metrics: Metrics): void {
  const databaseUp = async () => {
    try {
      await orm.em.getConnection().execute('select 1');
      return true;
    } catch {
      return false;
    }
  };
  app.get('/livez', (_req, res) => {
    res.json({ status: 'ok' });
  });
  app.get('/readyz', async (_req, res) => {
    if (await databaseUp()) res.json({ status: 'ready', database: 'up' });
    else res.status(503).json({ status: 'not ready', database: 'down' });
  });
  app.get('/healthz', async (_req, res) => {
    if (await databaseUp()) res.json({ status: 'ok', database: 'up' });
    else res.status(503).json({ status: 'degraded', database: 'down' });
  });
  app.get('/metrics', async (_req, res) => {
    res.type(metrics.registry.contentType).send(await metrics.registry.metrics());
  });
}

/** Any other path: a JSON 404 in GraphQL's error shape, not Express's HTML page. */
export function notFound(): RequestHandler {
  return (_req, res) =>
    sendGraphQLError(res, 404, 'NOT_FOUND', 'Not found: the API is at /graphql (POST, or GET).');
}

/** Failures outside /graphql's own handling (a malformed URL, say): JSON too, nothing leaked. */
export function lastErrors(log: Logger): ErrorRequestHandler {
  return (err, _req, res, next) => {
    if (res.headersSent) return next(err);
    const status = (err as { status?: number }).status;
    if (typeof status === 'number' && status >= 400 && status < 500) {
      return sendGraphQLError(res, status, 'BAD_USER_INPUT', 'The request is malformed.');
    }
    log.error({ err }, 'request failed outside GraphQL');
    sendGraphQLError(res, 500, 'INTERNAL_SERVER_ERROR', 'Internal server error.');
  };
}
