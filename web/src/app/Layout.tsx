import { useMutation } from '@apollo/client/react';
import { useSyncExternalStore, type ReactNode } from 'react';
import { LogoutDocument, type Role } from '../generated/graphql.ts';
import { session, type Session } from '../auth/session.ts';
import { useConsoleClient } from './console-context.ts';
import { Link, navigate, useLocation } from './router.tsx';

const NAV: { to: string; label: string; roles: Role[] }[] = [
  { to: '/', label: 'Home', roles: ['CONSUMER', 'OPERATOR', 'ADMIN'] },
  { to: '/orders', label: 'Orders', roles: ['CONSUMER', 'OPERATOR', 'ADMIN'] },
  { to: '/account', label: 'Balance', roles: ['CONSUMER'] },
  { to: '/chip', label: 'Chips', roles: ['CONSUMER'] },
  { to: '/insurance', label: 'Insurance', roles: ['CONSUMER'] },
  { to: '/shop', label: 'Shop', roles: ['CONSUMER'] },
  { to: '/operator', label: 'Work', roles: ['OPERATOR', 'ADMIN'] },
  { to: '/admin', label: 'Admin', roles: ['ADMIN'] },
];

function LiveIndicator() {
  const { live } = useConsoleClient();
  const state = useSyncExternalStore(
    (listener) => live?.onChange(listener) ?? (() => {}),
    () => live?.getState() ?? 'offline',
  );
  const text = { live: 'Live', connecting: 'Connecting', offline: 'Offline' }[state];
  return (
    <span
      className={`live live-${state}`}
      data-testid="live"
      data-state={state}
      title="Live order status"
    >
      <span className="live-dot" aria-hidden="true" /> {text}
    </span>
  );
}

export function Layout({ session: current, children }: { session: Session; children: ReactNode }) {
  const { pathname } = useLocation();
  const role = current.consumer.role;
  const [endSession, { loading }] = useMutation(LogoutDocument);
  // The service ends the session (its refresh token is dead from now on); the next session gets
  // a new client (apollo/client.ts): nothing cached here is kept. Logged out here even when the
  // service cannot be reached.
  const logout = async () => {
    await endSession().catch(() => null);
    session.end();
    navigate('/login', { replace: true });
  };
  return (
    <div className="shell">
      <header className="topbar">
        <Link to="/" className="brand">
          Orderly
        </Link>
        <nav aria-label="Main">
          {NAV.filter((item) => item.roles.includes(role)).map((item) => {
            const active = item.to === '/' ? pathname === '/' : pathname.startsWith(item.to);
            return (
              <Link key={item.to} to={item.to} aria-current={active ? 'page' : undefined}>
                {item.label}
              </Link>
            );
          })}
        </nav>
        <div className="who">
          <LiveIndicator />
          <span className="who-name" data-testid="who">
            {current.consumer.name} <small>{role}</small>
          </span>
          <button
            type="button"
            className="button-link"
            disabled={loading}
            onClick={() => void logout()}
          >
            Log out
          </button>
        </div>
      </header>
      {children}
    </div>
  );
}
