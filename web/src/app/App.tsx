import { ApolloProvider } from '@apollo/client/react';
import { useEffect } from 'react';
import { clientForSession } from '../apollo/client.ts';
import { LoginPage } from '../auth/LoginPage.tsx';
import { useSession } from '../auth/session.ts';
import { ConsoleClientContext } from './console-context.ts';
import { Layout } from './Layout.tsx';
import { RouteView } from './routes.tsx';
import { navigate, useLocation } from './router.tsx';

export function App() {
  const current = useSession();
  // A new session gets a new client: nothing cached for one person is shown to the next. Renewed
  // tokens keep the session's key, its client and its cache.
  const client = clientForSession(current?.key ?? null);
  const { pathname } = useLocation();

  useEffect(() => {
    if (!current && pathname !== '/login') {
      const back = pathname === '/' ? '' : `?next=${encodeURIComponent(pathname)}`;
      navigate(`/login${back}`, { replace: true });
    }
  }, [current, pathname]);

  return (
    <ConsoleClientContext.Provider value={client}>
      <ApolloProvider client={client.apollo}>
        {current ? (
          <Layout session={current}>
            <RouteView session={current} />
          </Layout>
        ) : (
          <LoginPage />
        )}
      </ApolloProvider>
    </ConsoleClientContext.Provider>
  );
}
