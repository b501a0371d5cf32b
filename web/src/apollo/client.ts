import { ApolloClient, ApolloLink, HttpLink, InMemoryCache } from '@apollo/client';
import { GraphQLWsLink } from '@apollo/client/link/subscriptions';
import { getMainDefinition } from '@apollo/client/utilities';
import { from, mergeMap } from 'rxjs';
// The published possible types (codegen's fragment-matcher output at the repository's root).
import generated from '../../../possible-types.json';
import { keepTokenFresh } from '../auth/renewal.ts';
import { session } from '../auth/session.ts';
import { authLink } from './auth-link.ts';
import { LiveOrders } from './live.ts';
import { LiveSocket } from './socket.ts';

/** One Apollo client per session: its cache, its HTTP link, its graphql-ws socket, its live feed. */
export interface ConsoleClient {
  apollo: ApolloClient;
  /** The app-wide order-event subscription (null before login). */
  live: LiveOrders | null;
  dispose(): void;
}

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

function isSubscription({ query }: ApolloLink.Operation): boolean {
  const main = getMainDefinition(query);
  return main.kind === 'OperationDefinition' && main.operation === 'subscription';
}

export function createConsoleClient(loggedIn: boolean): ConsoleClient {
  const http = new HttpLink({ uri: '/graphql' });
  if (!loggedIn) {
    return {
      apollo: new ApolloClient({ cache: createCache(), link: http }),
      live: null,
      dispose() {},
    };
  }
  const socket = new LiveSocket();
  let live: LiveOrders | null = null;
  // Every operation but the feed's own first read waits until the feed knows its starting
  // cursor, so no page shows data older than the point the feed resumes from (apollo/live.ts).
  const afterFeedStart = new ApolloLink((operation, forward) =>
    operation.operationName === 'LiveHead' || !live
      ? forward(operation)
      : from(live.ready).pipe(mergeMap(() => forward(operation))),
  );
  const apollo = new ApolloClient({
    cache: createCache(),
    link: ApolloLink.from([
      afterFeedStart,
      authLink((operation, httpToken) => (isSubscription(operation) ? socket.token : httpToken)),
      ApolloLink.split(isSubscription, new GraphQLWsLink(socket.client), http),
    ]),
    defaultOptions: { watchQuery: { fetchPolicy: 'cache-and-network' } },
  });
  live = new LiveOrders(apollo, socket);
  const stopRenewal = keepTokenFresh();
  // A renewed token (here or in another tab): the socket reconnects with it before the old expires.
  const stopRestarts = session.subscribe(() => socket.restartIfStale());
  return {
    apollo,
    live,
    dispose() {
      stopRenewal();
      stopRestarts();
      live?.stop();
      apollo.stop();
      socket.dispose();
    },
  };
}

let active: { key: string | null; client: ConsoleClient } | undefined;

/** The client of the session with this key: the same one while its tokens are renewed. */
export function clientForSession(key: string | null): ConsoleClient {
  if (active?.key === key) return active.client;
  active?.client.dispose();
  active = { key, client: createConsoleClient(key !== null) };
  return active.client;
}
