import type { ApolloServerPlugin } from '@apollo/server';
import { renderGraphiQL } from '@graphql-yoga/render-graphiql';

const DEFAULT_QUERY = `# Log in first (demo consumer from the README), then put the token in Headers:
#   { "Authorization": "Bearer <token>" }
mutation Login {
  login(consumerId: "89638599", password: "400820") {
    token
    errors { code message }
  }
}

query Me {
  me { id name role balance }
}
`;

/**
 * Serves GraphiQL on GET /graphql (Accept: text/html) instead of Apollo's landing page, which
 * loads from a CDN that users behind firewalls cannot reach. The page is one HTML document
 * with its scripts inlined from the @graphql-yoga/render-graphiql package; subscriptions go
 * over graphql-ws on the same path.
 */
export function graphiqlLandingPage(): ApolloServerPlugin {
  const html = renderGraphiQL({
    title: 'Orderly GraphiQL',
    endpoint: '/graphql',
    subscriptionsProtocol: 'WS',
    defaultQuery: DEFAULT_QUERY,
    isHeadersEditorEnabled: true,
    shouldPersistHeaders: true,
  });
  return {
    async serverWillStart() {
      return {
        async renderLandingPage() {
          return { html };
        },
      };
    },
  };
}
