import { useQuery } from '@apollo/client/react';
import { useState, type ReactNode } from 'react';
import {
  OrderListDocument,
  type OrderKind,
  type OrderRowFragment,
  type OrderStatus,
} from '../generated/graphql.ts';
import { Link } from '../app/router.tsx';
import { Empty, ErrorNotice, Loading } from '../shared/feedback.tsx';
import { KIND_LABEL, money, when } from '../shared/format.ts';
import { StatusBadge } from '../shared/status-badge.tsx';

export interface OrderFilter {
  kind?: OrderKind;
  status?: OrderStatus;
  consumerId?: string;
}

/** What the row says about the order beyond its number: the shop, the vehicle. */
function rowDetail(order: OrderRowFragment): string {
  switch (order.__typename) {
    case 'ShopOrder':
      return `${order.shopCnName} ${order.shopEnName} · ${order.totalAmount} item(s)`;
    case 'PlanOrder':
    case 'DriverOrder':
    case 'SaleOrder':
      return order.vehicle.plateNumber;
    default:
      return '';
  }
}

/** One order in a list; a work queue links it elsewhere (`to`) and says why it waits (`children`). */
export function OrderRow({
  order,
  showOwner,
  to = `/orders/${order.id}`,
  children,
}: {
  order: OrderRowFragment;
  showOwner?: boolean;
  to?: string;
  children?: ReactNode;
}) {
  return (
    <li className="order-row" data-order-id={order.id}>
      <Link to={to} className="order-link">
        <span className="order-no">{order.orderNo}</span>
        <span className="muted">{KIND_LABEL[order.kind]}</span>
      </Link>
      <span className="order-detail">
        {rowDetail(order)}
        {showOwner && <span className="muted"> · {order.consumer.name}</span>}
      </span>
      <span className="order-money">{money(order.payment)}</span>
      <StatusBadge status={order.status} label={order.statusLabel} />
      <span className="muted order-when">{when(order.updatedAt)}</span>
      {children && <span className="order-queue">{children}</span>}
    </li>
  );
}

/** A page of orders, most recently updated first; "More" shows the next page under it. */
export function OrderList({
  first = 20,
  after,
  showOwner,
  ...filter
}: OrderFilter & { first?: number; after?: string; showOwner?: boolean }) {
  const { data, loading, error, refetch } = useQuery(OrderListDocument, {
    variables: { first, after, ...filter },
  });
  const [more, setMore] = useState(false);
  if (error && !data) return <ErrorNotice error={error} retry={() => void refetch()} />;
  if (loading && !data) return <Loading what="Loading orders" />;
  const page = data?.orders;
  if (!page?.edges.length) return after ? null : <Empty>No orders here yet.</Empty>;
  return (
    <>
      {!after && <p className="muted">{page.totalCount} order(s)</p>}
      <ul className="orders" aria-label="Orders">
        {page.edges.map(({ node }) => (
          <OrderRow key={node.id} order={node} showOwner={showOwner} />
        ))}
      </ul>
      {page.pageInfo.hasNextPage &&
        page.pageInfo.endCursor &&
        (more ? (
          <OrderList
            first={first}
            after={page.pageInfo.endCursor}
            showOwner={showOwner}
            {...filter}
          />
        ) : (
          <button type="button" className="button-secondary" onClick={() => setMore(true)}>
            More
          </button>
        ))}
    </>
  );
}
