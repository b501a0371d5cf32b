import { useMutation } from '@apollo/client/react';
import {
  UpdateOrderStateDocument,
  type OrderKind,
  type OrderStatus,
} from '../generated/graphql.ts';
import type { DetailedOrder } from '../orders/order-types.ts';
import { ErrorNotice, UserErrors } from '../shared/feedback.tsx';
import { STATUS } from '../shared/status.ts';

// The moves the state tables mark manual (src/*/…-order.state.ts, docs/ diagrams), offered as
// buttons; the service still judges each one (an expiry before stopAt is refused, for one).
const INSURANCE: { from: OrderStatus; to: OrderStatus; label: string }[] = [
  { from: 'PENDING_PAYMENT', to: 'PAID', label: 'Record an offline payment' },
  { from: 'PENDING_PAYMENT', to: 'CANCELLED', label: 'Cancel' },
  { from: 'EFFECTIVE', to: 'EXPIRED', label: 'Expire (cover has ended)' },
];
const MANUAL: Record<OrderKind, typeof INSURANCE> = {
  PLAN: INSURANCE,
  DRIVER: INSURANCE,
  SALE: INSURANCE,
  SHOP: [{ from: 'PAID', to: 'COMPLETED', label: 'Mark delivered' }],
  CHIP: [],
};

/** Staff: move the order along one of its kind's manual transitions. */
export function TransitionsPanel({ order }: { order: DetailedOrder }) {
  const [update, { data, loading, error }] = useMutation(UpdateOrderStateDocument, {
    refetchQueries: ['OrderDetail'],
  });
  const moves = MANUAL[order.kind].filter((m) => m.from === order.status);
  if (!moves.length) return null;
  return (
    <div className="actions" aria-label="Staff actions">
      {moves.map((move) => (
        <button
          key={move.to}
          type="button"
          className={move.to === 'CANCELLED' ? 'button-danger' : undefined}
          disabled={loading}
          onClick={() =>
            void update({ variables: { orderId: order.id, status: move.to } }).catch(() => {})
          }
        >
          {move.label} → {STATUS[move.to].label}
        </button>
      ))}
      <UserErrors errors={data?.updateOrderState.errors} />
      <ErrorNotice error={error} />
    </div>
  );
}
