import { OrderKind, OrderStatus as S } from '../platform/orders/order.entity.ts';
import type { OrderStateTable } from '../platform/orders/order-state.ts';

/**
 * Shop order lifecycle. Confirmation creates it PENDING_PAYMENT with stock reserved;
 * payOrder pays it; cancelOrder or the unpaid-order timer ends it and gives the stock back;
 * staff mark a paid order COMPLETED once delivered.
 */
export const shopOrderStates: OrderStateTable = {
  kind: OrderKind.SHOP,
  initial: S.PENDING_PAYMENT,
  transitions: [
    { from: S.PENDING_PAYMENT, to: S.PAID, manual: false, trigger: 'payOrder', by: 'payOrder' },
    {
      from: S.PENDING_PAYMENT,
      to: S.CANCELLED,
      manual: false,
      trigger: 'cancelOrder',
      by: 'cancelOrder (stock back)',
    },
    {
      from: S.PENDING_PAYMENT,
      to: S.EXPIRED,
      manual: false,
      by: 'unpaid-order timer (stock back)',
    },
    { from: S.PAID, to: S.COMPLETED, manual: true, by: 'updateOrderState (delivered)' },
  ],
  deletableFrom: [S.CANCELLED, S.COMPLETED, S.EXPIRED],
};
