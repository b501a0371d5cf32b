import { useQuery } from '@apollo/client/react';
import { OrderDetailDocument } from '../generated/graphql.ts';
import type { Session } from '../auth/session.ts';
import { Link } from '../app/router.tsx';
import { ChipOrderSection } from '../chip/ChipOrderSection.tsx';
import { PlanOrderSection } from '../insurance/PlanOrderSection.tsx';
import { DriverOrderSection, SaleOrderSection } from '../insurance/PolicyOrderSections.tsx';
import { ShopOrderSection } from '../shop/ShopOrderSection.tsx';
import { TransitionsPanel } from '../operator/TransitionsPanel.tsx';
import { ErrorNotice, Loading } from '../shared/feedback.tsx';
import { KIND_LABEL, money, when } from '../shared/format.ts';
import { Facts, Page, Section } from '../shared/layout.tsx';
import { StatusBadge } from '../shared/status-badge.tsx';
import { EventTimeline } from './EventTimeline.tsx';
import { OwnerActions } from './OrderActions.tsx';
import type { DetailedOrder } from './order-types.ts';

function KindSection({ order, staff }: { order: DetailedOrder; staff: boolean }) {
  switch (order.__typename) {
    case 'ChipOrder':
      return <ChipOrderSection order={order} />;
    case 'PlanOrder':
      return <PlanOrderSection order={order} staff={staff} />;
    case 'DriverOrder':
      return <DriverOrderSection order={order} />;
    case 'SaleOrder':
      return <SaleOrderSection order={order} />;
    case 'ShopOrder':
      return <ShopOrderSection order={order} />;
  }
}

export function OrderDetailPage({ id, session }: { id: string; session: Session }) {
  const { data, loading, error, refetch } = useQuery(OrderDetailDocument, { variables: { id } });
  if (error && !data) {
    return (
      <Page title="Order">
        <ErrorNotice error={error} retry={() => void refetch()} />
      </Page>
    );
  }
  if (loading && !data) return <Loading what="Loading the order" />;
  const order = data?.order;
  if (!order) {
    return (
      <Page title="Order not found">
        <p>
          There is no such order, or it was deleted. <Link to="/orders">Back to the orders</Link>.
        </p>
      </Page>
    );
  }
  const staff = session.consumer.role !== 'CONSUMER';
  return (
    <Page
      title={<span data-testid="order-no">{order.orderNo}</span>}
      actions={<StatusBadge status={order.status} label={order.statusLabel} />}
    >
      <Section title="Order 订单">
        <Facts
          items={[
            ['Kind', KIND_LABEL[order.kind]],
            ['Status', <StatusBadge key="s" status={order.status} label={order.statusLabel} />],
            ['Status code', order.statusCode],
            ['Payment', money(order.payment)],
            ['Owner', `${order.consumer.name} (${order.consumer.id})`],
            ['Created', when(order.createdAt)],
            ['Updated', when(order.updatedAt)],
          ]}
        />
        {session.consumer.id === order.consumer.id && <OwnerActions order={order} />}
        {staff && <TransitionsPanel order={order} />}
      </Section>
      <KindSection order={order} staff={staff} />
      <Section title="History 订单事件">
        <EventTimeline events={order.events} />
      </Section>
    </Page>
  );
}
