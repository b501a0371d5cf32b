import { useMutation } from '@apollo/client/react';
import { useState, type FormEvent } from 'react';
import { DepositDocument } from '../generated/graphql.ts';
import { ErrorNotice, Success } from '../shared/feedback.tsx';
import { money } from '../shared/format.ts';

export function DepositForm() {
  const [consumerId, setConsumerId] = useState('');
  const [amount, setAmount] = useState('');
  const [deposit, { data, loading, error, reset }] = useMutation(DepositDocument);
  const submit = (event: FormEvent) => {
    event.preventDefault();
    reset();
    void deposit({ variables: { consumerId: consumerId.trim(), amount: amount.trim() } }).catch(
      () => {},
    );
  };
  const done = data?.deposit;
  return (
    <form className="form" aria-label="Deposit" onSubmit={submit}>
      <div className="form-row">
        <label>
          Consumer id
          <input
            name="consumerId"
            value={consumerId}
            onChange={(e) => setConsumerId(e.target.value)}
            required
          />
        </label>
        <label>
          Amount (CNY)
          <input
            name="amount"
            inputMode="decimal"
            value={amount}
            onChange={(e) => setAmount(e.target.value)}
            placeholder="1000.00"
            required
          />
        </label>
        <button type="submit" disabled={loading}>
          {loading ? 'Depositing…' : 'Deposit'}
        </button>
      </div>
      <ErrorNotice error={error} />
      {done && (
        <Success>
          Deposited {money(done.amount)}; the balance is now{' '}
          <strong data-testid="balance-after">{money(done.balanceAfter)}</strong>.
        </Success>
      )}
    </form>
  );
}
