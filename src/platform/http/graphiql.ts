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
 * graphql-ws reads the token from connection_init, and a browser WebSocket cannot carry HTTP
 * headers: this copies the Authorization typed into GraphiQL's Headers tab (which GraphiQL keeps
 * in localStorage) into every connection_init the page sends.
 */
const AUTHORIZATION_BRIDGE = `<script>
(function () {
  function currentAuthorization() {
    try {
      var state = JSON.parse(localStorage.getItem('graphiql:tabState') || 'null');
      var text = state && state.tabs[state.activeTabIndex]
        ? state.tabs[state.activeTabIndex].headers
        : localStorage.getItem('graphiql:headers');
      var headers = JSON.parse(text || '{}');
      return headers.Authorization || headers.authorization;
    } catch (e) {
      return undefined;
    }
  }
  var send = WebSocket.prototype.send;
  WebSocket.prototype.send = function (data) {
    try {
      var message = JSON.parse(data);
      var authorization = currentAuthorization();
      if (message.type === 'connection_init' && authorization) {
        message.payload = Object.assign({}, message.payload, { authorization: authorization });
        data = JSON.stringify(message);
      }
    } catch (e) {}
    return send.call(this, data);
  };
})();
</script>`;

/**
 * Serves GraphiQL on GET /graphql (Accept: text/html) instead of Apollo's landing page, which
 * loads from a CDN that users behind firewalls cannot reach. The page is one HTML document
 * with its scripts inlined from the @graphql-yoga/render-graphiql package; subscriptions go
 * over graphql-ws on the same path.
 */
export function graphiqlLandingPage(): ApolloServerPlugin {
  const page = renderGraphiQL({
    title: 'Orderly GraphiQL',
    endpoint: '/graphql',
    subscriptionsProtocol: 'WS',
    defaultQuery: DEFAULT_QUERY,
    isHeadersEditorEnabled: true,
    shouldPersistHeaders: true,
  });
  const html = page.replace(
    '<div id="root"></div>',
    `${AUTHORIZATION_BRIDGE}<div id="root"></div>`,
  );
  if (html === page)
    throw new Error('GraphiQL page changed shape: the authorization bridge found no root');
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
