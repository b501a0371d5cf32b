import { ApolloClient, ApolloLink, HttpLink, InMemoryCache } from '@apollo/client';
import { ErrorLink } from '@apollo/client/link/error';
import { GraphQLWsLink } from '@apollo/client/link/subscriptions';
import { getMainDefinition } from '@apollo/client/utilities';
import { createClient, type Client } from 'graphql-ws';
// The published possible types (codegen's fragment-matcher output at the repository's root).
import generated from '../../../possible-types.json';
import { session } from '../auth/session.ts';
import { isAuthFailure } from '../shared/errors.ts';
import { LiveOrders } from './live.ts';

/** One Apollo client per session: its cache, its HTTP link, its graphql-ws socket, its live feed. */
export interface ConsoleClient {
  apollo: ApolloClient;
  /** The app-wide order-event subscription (null before login). */
  live: LiveOrders | null;
  dispose(): void;
}

const SESSION_ENDED = 'Your session has ended. Please log in again.';
// graphql-ws close codes that mean the token was refused (4401 is what the auth work will send).
const AUTH_CLOSE_CODES = new Set([4401, 4403]);

export function createCache(): InMemoryCache {
  return new InMemoryCache({
    // Order is an interface: `... on ShopOrder` and `fragment on Order` need its implementations.
    possibleTypes: generated.possibleTypes,
    typePolicies: {
      // One clock: the mutation's answer replaces what `productionClock` showed.
      ProductionClock: { keyFields: [] },
      ChipPlanKpi: { merge: true },
    },
  });
}

function socketUrl(): string {
  const url = new URL('/graphql', window.location.href);
  url.protocol = url.protocol === 'https:' ? 'wss:' : 'ws:';
  return url.toString();
}

function closeCode(event: unknown): number | undefined {
  return typeof event === 'object' && event && 'code' in event ? Number(event.code) : undefined;
}

export function createConsoleClient(token: string | null): ConsoleClient {
  const http = new HttpLink({
    uri: '/graphql',
    headers: token ? { authorization: `Bearer ${token}` } : {},
  });
  const endSessionOnAuthFailure = new ErrorLink(({ error }) => {
    if (token && isAuthFailure(error)) session.end(SESSION_ENDED);
  });
  let socket: Client | null = null;
  let transport: ApolloLink = http;
  if (token) {
    socket = createClient({
      url: socketUrl(),
      lazy: false,
      connectionParams: { authorization: `Bearer ${token}` },
      retryAttempts: Number.POSITIVE_INFINITY,
      shouldRetry: (event) => !AUTH_CLOSE_CODES.has(closeCode(event) ?? 0),
      // A refused token is handled on 'closed' below; nothing else is fatal (retries never end).
      onNonLazyError: () => {},
    });
    socket.on('closed', (event) => {
      if (AUTH_CLOSE_CODES.has(closeCode(event) ?? 0)) session.end(SESSION_ENDED);
    });
    const isSubscription = ({ query }: ApolloLink.Operation) => {
      const main = getMainDefinition(query);
      return main.kind === 'OperationDefinition' && main.operation === 'subscription';
    };
    transport = ApolloLink.split(isSubscription, new GraphQLWsLink(socket), http);
  }
  const apollo = new ApolloClient({
    cache: createCache(),
    link: ApolloLink.from([endSessionOnAuthFailure, transport]),
    defaultOptions: { watchQuery: { fetchPolicy: 'cache-and-network' } },
  });
  const live = socket ? new LiveOrders(apollo, socket) : null;
  live?.start();
  return {
    apollo,
    live,
    dispose() {
      live?.stop();
      apollo.stop();
      // Disposing a socket whose connection was refused rejects with that close: nothing to do.
      Promise.resolve(socket?.dispose()).catch(() => {});
    },
  };
}

let active: { token: string | null; client: ConsoleClient } | undefined;

/** The client of the session with this token: the same one until the token changes. */
export function clientForSession(token: string | null): ConsoleClient {
  if (active?.token === token) return active.client;
  active?.client.dispose();
  active = { token, client: createConsoleClient(token) };
  return active.client;
}
