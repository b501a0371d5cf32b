import { useQuery } from '@apollo/client/react';
import { BalanceDocument } from '../generated/graphql.ts';
import { ErrorNotice, Loading } from '../shared/feedback.tsx';
import { money } from '../shared/format.ts';

export function BalanceCard() {
  const { data, loading, error, refetch } = useQuery(BalanceDocument);
  if (error && !data) return <ErrorNotice error={error} retry={() => void refetch()} />;
  if (loading && !data) return <Loading what="Loading your balance" />;
  return (
    <p className="balance">
      <span className="muted">Balance 余额</span>
      <strong data-testid="balance">{data?.me ? money(data.me.balance) : '—'}</strong>
    </p>
  );
}
