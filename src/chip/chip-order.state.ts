import { OrderKind, OrderStatus as S } from '../platform/orders/order.entity.ts';
import type { OrderStateTable } from '../platform/orders/order-state.ts';

/**
 * Chip order lifecycle. The second confirmation debits the plan's cost and books
 * the plants, so an order is born PAID. The production clock moves it to IN_PRODUCTION at
 * its first start and COMPLETED past its last end; before production it may be cancelled
 * with a full refund and its bookings freed.
 */
export const chipOrderStates: OrderStateTable = {
  kind: OrderKind.CHIP,
  initial: S.PAID,
  transitions: [
    { from: S.PAID, to: S.IN_PRODUCTION, manual: false, by: 'production clock (first start)' },
    {
      from: S.PAID,
      to: S.CANCELLED,
      manual: false,
      trigger: 'cancelOrder',
      by: 'cancelOrder (refund, bookings freed)',
    },
    { from: S.IN_PRODUCTION, to: S.COMPLETED, manual: false, by: 'production clock (last end)' },
  ],
  deletableFrom: [S.CANCELLED, S.COMPLETED],
};
