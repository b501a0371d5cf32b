import { useMutation } from '@apollo/client/react';
import { useState } from 'react';
import {
  CancelOrderDocument,
  DeleteOrderDocument,
  PayOrderDocument,
  type PayType,
} from '../generated/graphql.ts';
import { navigate } from '../app/router.tsx';
import { ErrorNotice, UserErrors } from '../shared/feedback.tsx';
import { money, newKey } from '../shared/format.ts';
import type { DetailedOrder } from './order-types.ts';

const PAY_TYPES: { value: PayType; label: string }[] = [
  { value: 'BALANCE', label: 'Balance 余额' },
  { value: 'WECHAT', label: 'WeChat Pay 微信支付' },
  { value: 'JDPAY', label: 'JD Pay 京东支付' },
];
// After money moves, what shows money reloads.
const MONEY_QUERIES = ['Balance', 'Ledger', 'OrderDetail'];

function PayButton({ order }: { order: DetailedOrder }) {
  const [payType, setPayType] = useState<PayType>('BALANCE');
  // One key per attempt on this page: a retry after a network failure cannot pay twice.
  const [key] = useState(() => newKey('pay'));
  const [pay, { data, loading, error }] = useMutation(PayOrderDocument, {
    refetchQueries: MONEY_QUERIES,
  });
  return (
    <form
      className="inline-form"
      aria-label="Pay"
      onSubmit={(e) => {
        e.preventDefault();
        void pay({ variables: { orderId: order.id, payType, idempotencyKey: key } }).catch(
          () => {},
        );
      }}
    >
      <label>
        Pay with
        <select
          name="payType"
          value={payType}
          onChange={(e) => setPayType(e.target.value as PayType)}
        >
          {PAY_TYPES.map((p) => (
            <option key={p.value} value={p.value}>
              {p.label}
            </option>
          ))}
        </select>
      </label>
      <button type="submit" disabled={loading}>
        {loading ? 'Paying…' : `Pay ${money(order.payment)}`}
      </button>
      <UserErrors errors={data?.payOrder.errors} />
      <ErrorNotice error={error} />
    </form>
  );
}

function CancelButton({ order }: { order: DetailedOrder }) {
  const [asking, setAsking] = useState(false);
  const [cancel, { data, loading, error }] = useMutation(CancelOrderDocument, {
    refetchQueries: MONEY_QUERIES,
  });
  if (!asking) {
    return (
      <button type="button" className="button-secondary" onClick={() => setAsking(true)}>
        Cancel order
      </button>
    );
  }
  return (
    <div className="inline-form">
      <span>{order.status === 'PAID' ? 'Cancel and get a refund?' : 'Cancel this order?'}</span>
      <button
        type="button"
        className="button-danger"
        disabled={loading}
        onClick={() => void cancel({ variables: { orderId: order.id } }).catch(() => {})}
      >
        Yes, cancel
      </button>
      <button type="button" className="button-secondary" onClick={() => setAsking(false)}>
        Keep it
      </button>
      <UserErrors errors={data?.cancelOrder.errors} />
      <ErrorNotice error={error} />
    </div>
  );
}

function DeleteButton({ order }: { order: DetailedOrder }) {
  const [remove, { data, loading, error }] = useMutation(DeleteOrderDocument);
  const submit = async () => {
    const result = await remove({
      variables: { orderId: order.id },
      update(cache, { data: answer }) {
        if (!answer?.deleteOrder.ok) return;
        cache.evict({ id: cache.identify(order) });
        cache.evict({ fieldName: 'orders' });
        cache.gc();
      },
    }).catch(() => null);
    if (result?.data?.deleteOrder.ok) navigate('/orders?deleted=1');
  };
  return (
    <>
      <button
        type="button"
        className="button-danger"
        disabled={loading}
        onClick={() => void submit()}
      >
        Delete from my orders
      </button>
      <UserErrors errors={data?.deleteOrder.errors} />
      <ErrorNotice error={error} />
    </>
  );
}

/**
 * What the order's owner may do with it now: pay, cancel, delete, as the service's
 * `Order.actions` says (read from the kind's lifecycle, so the console restates none of it).
 */
export function OwnerActions({ order }: { order: DetailedOrder }) {
  const payable = order.actions.includes('PAY');
  const cancellable = order.actions.includes('CANCEL');
  const deletable = order.actions.includes('DELETE');
  if (!payable && !cancellable && !deletable) return null;
  return (
    <div className="actions" aria-label="Order actions">
      {payable && <PayButton order={order} />}
      {cancellable && <CancelButton order={order} />}
      {deletable && <DeleteButton order={order} />}
    </div>
  );
}
