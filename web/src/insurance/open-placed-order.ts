import { navigate } from '../app/router.tsx';

/** After a placing mutation: the new order's page, where it is paid. */
export function openPlacedOrder(order: { id: string } | null | undefined): void {
  if (order) navigate(`/orders/${order.id}`);
}
