import type { Session } from '../auth/session.ts';
import { BalanceCard } from '../account/BalanceCard.tsx';
import { OrderList } from '../orders/OrderList.tsx';
import { WorkQueues } from '../operator/WorkQueues.tsx';
import { Page, Section } from '../shared/layout.tsx';
import { Link } from './router.tsx';

export function HomePage({ session }: { session: Session }) {
  const { name, role } = session.consumer;
  if (role !== 'CONSUMER') {
    return (
      <Page title={`Hello, ${name}`}>
        <WorkQueues />
        {role === 'ADMIN' && (
          <p>
            Deposits, plant status and the production clock are on the{' '}
            <Link to="/admin">Admin</Link> page.
          </p>
        )}
      </Page>
    );
  }
  return (
    <Page title={`Hello, ${name}`}>
      <div className="grid-3">
        <Link to="/chip" className="tile">
          <strong>Chip manufacturing 芯片制造</strong>
          <span>Plan lots on the factory's plants, analyse, confirm and pay.</span>
        </Link>
        <Link to="/insurance" className="tile">
          <strong>Vehicle insurance 车险</strong>
          <span>Plans, drivers and sales for your vehicles; underwriting.</span>
        </Link>
        <Link to="/shop" className="tile">
          <strong>Shop 商城</strong>
          <span>Fill a cart in one shop, confirm with an address, pay.</span>
        </Link>
      </div>
      <Section title="Bank account" aside={<Link to="/account">Ledger</Link>}>
        <BalanceCard />
      </Section>
      <Section title="Recent orders" aside={<Link to="/orders">All orders</Link>}>
        <OrderList first={5} />
      </Section>
    </Page>
  );
}
