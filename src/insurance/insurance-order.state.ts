import { OrderKind, OrderStatus as S } from '../platform/orders/order.entity.ts';
import type { OrderStateTable, Transition } from '../platform/orders/order-state.ts';

// Moves every insurance kind shares: payment (staff may record an offline payment by hand,
// as staff do with updateOrderState and 已支付), cancellation before payment, expiry
// (by hand only once stopAt has passed: the kinds' guard, refuseEarlyExpiry).
const paymentAndCancellation: Transition[] = [
  {
    from: S.PENDING_PAYMENT,
    to: S.PAID,
    manual: true,
    trigger: 'payOrder',
    by: 'payOrder, or updateOrderState (offline payment)',
  },
  {
    from: S.PENDING_PAYMENT,
    to: S.CANCELLED,
    manual: true,
    trigger: 'cancelOrder',
    by: 'cancelOrder or updateOrderState',
  },
  {
    from: S.EFFECTIVE,
    to: S.EXPIRED,
    manual: true,
    by: 'expiry timer, or updateOrderState, once stopAt has passed',
  },
];

/**
 * Plan order lifecycle: paid, then underwritten. createUnderwrite moves a PAID
 * order to UNDERWRITING; a PASSED result makes it EFFECTIVE (one year from expectAt), FAILED
 * makes it REJECTED with a full refund; alterUnderwriteResult may flip it back and forth, the
 * money following (refund, or a new debit).
 */
export const planOrderStates: OrderStateTable = {
  kind: OrderKind.PLAN,
  initial: S.PENDING_PAYMENT,
  transitions: [
    ...paymentAndCancellation,
    { from: S.PAID, to: S.UNDERWRITING, manual: false, by: 'createUnderwrite' },
    { from: S.UNDERWRITING, to: S.EFFECTIVE, manual: false, by: 'submitUnderwriteResult PASSED' },
    {
      from: S.UNDERWRITING,
      to: S.REJECTED,
      manual: false,
      by: 'submitUnderwriteResult FAILED (refund)',
    },
    {
      from: S.EFFECTIVE,
      to: S.REJECTED,
      manual: false,
      by: 'alterUnderwriteResult FAILED (refund)',
    },
    {
      from: S.REJECTED,
      to: S.EFFECTIVE,
      manual: false,
      by: 'alterUnderwriteResult PASSED (new debit)',
    },
  ],
  deletableFrom: [S.CANCELLED, S.REJECTED, S.EXPIRED],
};

/**
 * Driver order lifecycle: effective for a year as soon as it is paid (by payOrder
 * or an offline payment recorded with updateOrderState), so PAID is only passed through; its
 * drivers then appear in vehicle.drivers / driversOfVehicle until it expires.
 */
export const driverOrderStates: OrderStateTable = {
  kind: OrderKind.DRIVER,
  initial: S.PENDING_PAYMENT,
  transitions: [
    ...paymentAndCancellation,
    { from: S.PAID, to: S.EFFECTIVE, manual: false, by: 'payment (at once, for one year)' },
  ],
  deletableFrom: [S.CANCELLED, S.EXPIRED],
};

/** Sale order lifecycle: effective for a year as soon as it is paid, like a driver order. */
export const saleOrderStates: OrderStateTable = {
  ...driverOrderStates,
  kind: OrderKind.SALE,
};
