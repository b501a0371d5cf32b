import { useMutation } from '@apollo/client/react';
import { useRef, useState, type FormEvent } from 'react';
import { ConfirmShopOrderDocument, type CartLineInput } from '../generated/graphql.ts';
import { navigate } from '../app/router.tsx';
import { errorsAt } from '../shared/errors.ts';
import { ErrorNotice, FieldErrors, UserErrors } from '../shared/feedback.tsx';
import { newKey } from '../shared/format.ts';

const FIELDS = [
  { name: 'recipient', label: 'Recipient 收件人', autoComplete: 'name' },
  { name: 'address', label: 'Address 地址', autoComplete: 'street-address' },
  { name: 'telNum', label: 'Telephone 电话', autoComplete: 'tel' },
] as const;

/** Confirms the order with a delivery address: prices are fixed and stock reserved. */
export function CheckoutForm({ shopId, lines }: { shopId: string; lines: CartLineInput[] }) {
  const [address, setAddress] = useState({ recipient: '', address: '', telNum: '' });
  const [confirm, { data, loading, error }] = useMutation(ConfirmShopOrderDocument, {
    refetchQueries: ['ShopProducts', 'OrderList'],
  });
  // The same input sent again (a double click, a retry) reuses its key: one order, reserved once.
  const attempt = useRef<{ input: string; key: string } | null>(null);
  const errors = data?.confirmShopOrder.errors;

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    const input = { shopId, address, products: lines };
    const text = JSON.stringify(input);
    if (attempt.current?.input !== text) attempt.current = { input: text, key: newKey('shop') };
    const result = await confirm({
      variables: { input, idempotencyKey: attempt.current.key },
    }).catch(() => null);
    const order = result?.data?.confirmShopOrder.order;
    if (order) navigate(`/orders/${order.id}`);
  };

  const addressErrors = FIELDS.flatMap((f) => errorsAt(errors, 'input', 'address', f.name));
  return (
    <form className="form" aria-label="Checkout" onSubmit={submit}>
      <div className="form-row">
        {FIELDS.map((field) => (
          <label key={field.name}>
            {field.label}
            <input
              name={field.name}
              autoComplete={field.autoComplete}
              value={address[field.name]}
              onChange={(e) => setAddress({ ...address, [field.name]: e.target.value })}
              required
            />
            <FieldErrors errors={errorsAt(errors, 'input', 'address', field.name)} />
          </label>
        ))}
      </div>
      <UserErrors errors={errors?.filter((e) => !addressErrors.includes(e))} />
      <ErrorNotice error={error} />
      <button type="submit" disabled={loading}>
        {loading ? 'Confirming…' : 'Confirm the order'}
      </button>
    </form>
  );
}
