import type { MikroORM } from '@mikro-orm/postgresql';
import type { GraphQLError, GraphQLFormattedError, GraphQLSchema } from 'graphql';
import { useServer } from 'graphql-ws/use/ws';
import type { Logger } from 'pino';
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer } from 'ws';
import type { RequestContext } from '../../context.ts';
import type { Config } from '../config.ts';
import { SocketAuthority, UNAUTHORIZED_CLOSE, type SocketAuth } from '../auth/socket-auth.ts';
import { makeContext } from '../graphql/context.ts';
import { formatError, logErrorsWith } from '../graphql/format-error.ts';
import { operationGuard } from '../graphql/operation-guard.ts';
import { DeliveryGate, type DeliveryStats } from './live-delivery.ts';
import type { LiveConnection } from './live-subscription.ts';
import type { LiveContext } from './live.context.ts';
import { OrderEventHub, type HubStats } from './order-event.hub.ts';

/**
 * Close codes this service sends on its graphql-ws sockets, beyond the protocol's own
 * (graphql-ws uses 4400-4499 for protocol errors; 4429 is its "too many initialisation
 * requests", so overflow does not reuse it).
 */
export enum CloseCode {
  /**
   * The server is shutting down (RFC 6455 "going away"). Sent after the events already read
   * for the socket have been written. Reconnect (to another process) with your last cursor.
   */
  GoingAway = 1001,
  /**
   * RFC 6455 "try again later": one of the socket's subscriptions fell more than
   * SUBSCRIPTION_QUEUE_LIMIT events behind. Nothing was dropped: resubscribe with the cursor
   * of the last event you received. graphql-ws clients treat it as retryable.
   */
  TryAgainLater = 1013,
  /**
   * The socket's authentication ended while it was open: its token expired, its session was
   * logged out or its password changed, the account was deleted or its role changed. Each
   * subscription on it got an UNAUTHENTICATED error saying which first. graphql-ws clients do
   * not retry it: refresh the token (or log in), then reconnect.
   */
  Unauthorized = UNAUTHORIZED_CLOSE,
}

export interface SubscriptionServer {
  /** The HTTP server's `upgrade` listener: WebSockets on /graphql come in here. */
  upgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void;
  /** Open WebSockets. */
  sockets(): number;
  /** The live hub's figures (subscriptions, cursor, reads, reconnects) and the deliveries'. */
  stats(): HubStats & { deliveries: DeliveryStats };
  /**
   * Graceful stop: refuses new subscriptions, delivers what has committed, waits (at most
   * `drainMs`) for queued events to be written, then closes every socket with 1001; a socket
   * that has not finished the close handshake a second later is cut.
   */
  close(drainMs?: number): Promise<void>;
}

/**
 * graphql-ws for the HTTP server's /graphql path (its `upgrade` events go to `upgrade`), with
 * this process's OrderEventHub started.
 * The token comes in the connection_init payload (`{ "authorization": "Bearer …" }`); every
 * socket is acknowledged, one without a usable token as anonymous (../auth/socket-auth.ts).
 * Each operation checks the caller again and gets its own context (its own EntityManager
 * fork) carrying the hub and a way to close its socket.
 */
export async function startSubscriptionServer(
  schema: GraphQLSchema,
  orm: MikroORM,
  config: Config,
  log: Logger,
): Promise<SubscriptionServer> {
  // Upgrades are handed over by the HTTP server's `upgrade` event rather than with ws's `server`
  // option, which would forward the HTTP server's own errors (EADDRINUSE on listen) to
  // graphql-ws as an "internal error". A message over the HTTP body limit is refused from its
  // frame header, before it is read or parsed, connection_init included: the socket closes
  // with 1009 (message too big).
  const wsServer = new WebSocketServer({
    noServer: true,
    path: '/graphql',
    maxPayload: config.maxBodyBytes,
  });
  const hub = new OrderEventHub({
    databaseUrl: orm.config.get('clientUrl') as string,
    log,
    queueLimit: config.subscriptionQueueLimit,
    overflowCode: CloseCode.TryAgainLater,
    safetyPollMs: config.liveSafetyPollMs,
    statementTimeoutMs: config.statementTimeoutMs,
    quotas: {
      perSocket: config.maxSubscriptionsPerSocket,
      perConsumer: config.maxSubscriptionsPerConsumer,
      costPerEvent: config.maxQueryCost,
    },
  });
  const deliveries = new DeliveryGate(config.subscriptionDeliveryConcurrency);
  await hub.start();
  const guard = operationGuard(schema, config);
  const format = formatError(process.env.NODE_ENV === 'development', log, {
    hideSuggestions: config.production,
  });
  const formatAll = (errors: readonly GraphQLError[]): GraphQLFormattedError[] =>
    errors.map((e) => format(e.toJSON(), e));

  const authority = new SocketAuthority(orm, config, log);
  type Caller = Pick<RequestContext, 'auth' | 'viewer'>;
  type Extra = {
    auth?: SocketAuth;
    address?: string;
    callers?: Map<string, Caller>;
    connection?: LiveConnection;
  };
  const server = useServer<Record<string, unknown>, Extra>(
    {
      schema,
      execute: (args) => guard.execute(args),
      // Each event resolves through the delivery gate (./live-delivery.ts).
      subscribe: (args) => guard.inTurn(args, deliveries.subscribe),
      onConnect(ctx) {
        ctx.extra.auth = authority.connect(ctx.connectionParams?.authorization, ctx.extra.socket);
        ctx.extra.address = ctx.extra.request.socket.remoteAddress;
        ctx.extra.callers = new Map();
        return true;
      },
      // Same query limits, caller check and mutation budget as over HTTP (../graphql/operation-guard.ts).
      async onSubscribe(ctx, id, payload) {
        const auth = ctx.extra.auth!;
        const caller: Pick<RequestContext, 'em' | 'auth' | 'viewer'> = {
          em: orm.em.fork(),
          auth: auth.operationReading,
          viewer: undefined,
        };
        const prepared = await guard.prepare(payload, caller, ctx.extra.address ?? 'unknown');
        if (caller.viewer) auth.viewer = caller.viewer;
        ctx.extra.callers!.set(id, { auth: caller.auth, viewer: caller.viewer });
        return prepared;
      },
      // A subscription fails in words when its socket's authentication ends.
      onOperation: (ctx, _id, _payload, _args, result) =>
        Symbol.asyncIterator in result ? ctx.extra.auth!.track(result) : undefined,
      onClose: (ctx) => ctx.extra.auth?.forget(),
      context: (ctx, id): LiveContext => ({
        ...makeContext(
          orm,
          config,
          log,
          takeCaller(ctx.extra.callers!, id) ?? { auth: ctx.extra.auth!.operationReading },
          ctx.extra.address ?? 'unknown',
        ),
        live: {
          hub,
          // One per socket: the subscriptions on a socket count against its room together.
          connection: (ctx.extra.connection ??= {
            close: (code, reason) => ctx.extra.socket.close(code, reason),
          }),
        },
      }),
      // Same masking of internal errors as over HTTP.
      onNext: (_ctx, _id, _payload, args, result) => {
        if (!result.errors) return undefined;
        logErrorsWith(result.errors, (args.contextValue as LiveContext).log);
        return { ...result, errors: formatAll(result.errors) };
      },
      onError: (_ctx, _id, _payload, errors) => formatAll(errors),
    },
    wsServer,
    // Keep-alive: a ping every interval; a socket whose pong is an interval late is dropped,
    // which frees its subscriptions (a client gone without a close frame holds nothing).
    config.subscriptionKeepAliveMs,
  );
  return {
    upgrade: (req, socket, head) =>
      wsServer.handleUpgrade(req, socket, head, (ws) => {
        wsServer.emit('connection', ws, req);
        // graphql-ws reports any socket error on stderr as an internal one; a frame over the
        // limit (ws has already sent 1009) is the client's, not worth more than a debug line.
        ws.removeAllListeners('error');
        ws.on('error', (err) => log.debug({ err }, 'graphql-ws socket error'));
      }),
    sockets: () => wsServer.clients.size,
    stats: () => ({ ...hub.stats(), deliveries: deliveries.stats() }),
    async close(drainMs = 5000) {
      authority.close();
      await hub.drain(drainMs);
      // Sends 1001 to every socket; resolves only once each has closed, which a client that
      // never answers the close frame would put off for ws's 30 s close timeout.
      const disposed = server.dispose();
      // Let the 1001 close frames go out and be answered (at most a second), then cut the rest.
      const deadline = Date.now() + 1000;
      while (wsServer.clients.size > 0 && Date.now() < deadline) {
        await new Promise((done) => setTimeout(done, 10));
      }
      for (const socket of wsServer.clients) socket.terminate();
      await disposed;
      await hub.close();
      await new Promise<void>((done) => wsServer.close(() => done()));
    },
  };
}

/** The caller `onSubscribe` found for operation `id` (or why none), handed to its context once. */
function takeCaller<T>(callers: Map<string, T>, id: string): T | undefined {
  const caller = callers.get(id);
  callers.delete(id);
  return caller;
}
