import type { OrderKind, OrderStatus } from '../generated/graphql.ts';
import type { Session } from '../auth/session.ts';
import { navigate, useLocation } from '../app/router.tsx';
import { KIND_LABEL } from '../shared/format.ts';
import { Page, Section } from '../shared/layout.tsx';
import { ORDER_STATUSES, STATUS } from '../shared/status.ts';
import { OrderList } from './OrderList.tsx';

// Filters live in the address (?kind=SHOP&status=PAID), so a filtered list can be shared.
export function OrdersPage({ session }: { session: Session }) {
  const { search } = useLocation();
  const staff = session.consumer.role !== 'CONSUMER';
  const kind = (search.get('kind') || undefined) as OrderKind | undefined;
  const status = (search.get('status') || undefined) as OrderStatus | undefined;
  const consumerId = (staff && search.get('consumer')) || undefined;
  const set = (name: string, value: string) => {
    const next = new URLSearchParams(search);
    if (value) next.set(name, value);
    else next.delete(name);
    const query = next.toString();
    navigate(`/orders${query ? `?${query}` : ''}`, { replace: true });
  };
  return (
    <Page title={staff ? 'All orders' : 'My orders'}>
      <form className="filters" aria-label="Filter orders" onSubmit={(e) => e.preventDefault()}>
        <label>
          Kind
          <select name="kind" value={kind ?? ''} onChange={(e) => set('kind', e.target.value)}>
            <option value="">Every kind</option>
            {Object.entries(KIND_LABEL).map(([value, label]) => (
              <option key={value} value={value}>
                {label}
              </option>
            ))}
          </select>
        </label>
        <label>
          Status
          <select
            name="status"
            value={status ?? ''}
            onChange={(e) => set('status', e.target.value)}
          >
            <option value="">Every status</option>
            {ORDER_STATUSES.map((s) => (
              <option key={s} value={s}>
                {STATUS[s].label} {STATUS[s].english}
              </option>
            ))}
          </select>
        </label>
        {staff && (
          <label>
            Consumer id
            <input
              name="consumer"
              defaultValue={consumerId ?? ''}
              onBlur={(e) => set('consumer', e.target.value.trim())}
              placeholder="any"
            />
          </label>
        )}
      </form>
      <Section title="Orders">
        <OrderList kind={kind} status={status} consumerId={consumerId} showOwner={staff} />
      </Section>
    </Page>
  );
}
