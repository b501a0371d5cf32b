import type { ReactNode } from 'react';
import type { Role } from '../generated/graphql.ts';
import type { Session } from '../auth/session.ts';
import { AccountPage } from '../account/AccountPage.tsx';
import { HomePage } from './HomePage.tsx';
import { OrdersPage } from '../orders/OrdersPage.tsx';
import { OrderDetailPage } from '../orders/OrderDetailPage.tsx';
import { FactoryPage } from '../chip/FactoryPage.tsx';
import { ChipPlanPage } from '../chip/ChipPlanPage.tsx';
import { GaragePage } from '../insurance/GaragePage.tsx';
import { NewInsuranceOrderPage } from '../insurance/NewInsuranceOrderPage.tsx';
import { ShopsPage } from '../shop/ShopsPage.tsx';
import { ShopPage } from '../shop/ShopPage.tsx';
import { WorkPage } from '../operator/WorkPage.tsx';
import { UnderwritingPage } from '../operator/UnderwritingPage.tsx';
import { AdminPage } from '../admin/AdminPage.tsx';
import { Page } from '../shared/layout.tsx';
import { Link, matchPath, useLocation } from './router.tsx';

type Params = Record<string, string>;
interface Route {
  path: string;
  roles?: Role[];
  render: (params: Params, session: Session) => ReactNode;
}

const STAFF: Role[] = ['OPERATOR', 'ADMIN'];

const ROUTES: Route[] = [
  { path: '/', render: (_, s) => <HomePage session={s} /> },
  { path: '/orders', render: (_, s) => <OrdersPage session={s} /> },
  { path: '/orders/:id', render: (p, s) => <OrderDetailPage id={p.id} session={s} /> },
  { path: '/account', roles: ['CONSUMER'], render: () => <AccountPage /> },
  { path: '/chip', render: () => <FactoryPage /> },
  { path: '/chip/plan', roles: ['CONSUMER'], render: () => <ChipPlanPage /> },
  { path: '/insurance', roles: ['CONSUMER'], render: () => <GaragePage /> },
  {
    path: '/insurance/:vehicleId/:kind',
    roles: ['CONSUMER'],
    render: (p) => <NewInsuranceOrderPage vehicleId={p.vehicleId} kind={p.kind} />,
  },
  { path: '/shop', roles: ['CONSUMER'], render: () => <ShopsPage /> },
  { path: '/shop/:id', roles: ['CONSUMER'], render: (p) => <ShopPage id={p.id} /> },
  { path: '/operator', roles: STAFF, render: () => <WorkPage /> },
  {
    path: '/operator/underwriting/:orderId',
    roles: STAFF,
    render: (p) => <UnderwritingPage orderId={p.orderId} />,
  },
  { path: '/admin', roles: ['ADMIN'], render: () => <AdminPage /> },
];

export function RouteView({ session }: { session: Session }) {
  const { pathname } = useLocation();
  for (const route of ROUTES) {
    const params = matchPath(route.path, pathname);
    if (!params) continue;
    if (route.roles && !route.roles.includes(session.consumer.role)) {
      return (
        <Page title="Not for this account">
          <p>
            This page is for {route.roles.join(' or ')} accounts. <Link to="/">Go home</Link>.
          </p>
        </Page>
      );
    }
    // Keyed by path: a page's form state never leaks into another order's page.
    return <div key={pathname}>{route.render(params, session)}</div>;
  }
  return (
    <Page title="Page not found">
      <p>
        There is no page at <code>{pathname}</code>. <Link to="/">Go home</Link>.
      </p>
    </Page>
  );
}
