import type { MikroORM } from '@mikro-orm/postgresql';
import { GraphQLError, type GraphQLSchema } from 'graphql';
import { useServer } from 'graphql-ws/use/ws';
import type { Logger } from 'pino';
import type { WebSocketServer } from 'ws';
import type { Config } from '../config';
import { viewerFromAuthorization, type Viewer } from '../auth/token';
import { makeContext } from '../http/server';
import { operationGuard } from '../http/operation-guard';

/** graphql-ws close codes this service uses beyond the protocol's own. */
export enum CloseCode {
  /** The server is shutting down (RFC 6455 "going away"); reconnect elsewhere or later. */
  GoingAway = 1001,
  /** graphql-ws: connection_init carried no valid token. */
  Forbidden = 4403,
}

export interface SubscriptionServer {
  /** Closes every socket with 1001 after in-flight deliveries. */
  close(): Promise<void>;
}

/**
 * graphql-ws on the HTTP server's /graphql path. The token is read once from the
 * connection_init payload (`{ "authorization": "Bearer …" }`); without a valid one the socket
 * closes with 4403. Each subscription gets its own context (its own EntityManager fork).
 */
export function startSubscriptionServer(
  wsServer: WebSocketServer,
  schema: GraphQLSchema,
  orm: MikroORM,
  config: Config,
  log: Logger,
): SubscriptionServer {
  const guard = operationGuard(schema, config);
  const server = useServer<Record<string, unknown>, { viewer?: Viewer; address?: string }>(
    {
      schema,
      // Same query limits and mutation budget as over HTTP (../http/operation-guard.ts).
      onSubscribe: (ctx, _id, payload) => guard.prepare(payload, ctx.extra.viewer),
      onConnect(ctx) {
        try {
          const viewer = viewerFromAuthorization(
            ctx.connectionParams?.authorization,
            config.jwtSecret,
          );
          if (!viewer) return false;
          ctx.extra.viewer = viewer;
          ctx.extra.address = (ctx.extra as { request?: { socket?: { remoteAddress?: string } } })
            .request?.socket?.remoteAddress;
          return true;
        } catch (err) {
          if (err instanceof GraphQLError) return false;
          throw err;
        }
      },
      context: (ctx) =>
        makeContext(orm, config, log, ctx.extra.viewer, ctx.extra.address ?? 'unknown'),
    },
    wsServer,
    // Keep-alive: graphql-ws pings; the ws server drops sockets that stop answering.
    12_000,
  );
  return {
    async close() {
      await server.dispose();
    },
  };
}
