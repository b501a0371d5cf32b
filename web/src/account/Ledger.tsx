import { useQuery } from '@apollo/client/react';
import { useState } from 'react';
import { LedgerDocument } from '../generated/graphql.ts';
import { Link } from '../app/router.tsx';
import { Empty, ErrorNotice, Loading } from '../shared/feedback.tsx';
import { money, signedMoney, when } from '../shared/format.ts';

/** One page of the ledger; "Show older" renders the next page below it. */
export function LedgerPage({ after }: { after?: string }) {
  const { data, loading, error, refetch } = useQuery(LedgerDocument, { variables: { after } });
  const [more, setMore] = useState(false);
  if (error && !data) return <ErrorNotice error={error} retry={() => void refetch()} />;
  if (loading && !data) return <Loading what="Loading the ledger" />;
  const page = data?.me?.transactions;
  if (!page?.nodes.length) return after ? null : <Empty>No money has moved yet.</Empty>;
  return (
    <>
      <ul className="ledger" aria-label="Ledger">
        {page.nodes.map((t) => (
          <li key={t.id} className="ledger-row">
            <span className={t.amount.startsWith('-') ? 'amount debit' : 'amount credit'}>
              {signedMoney(t.amount)}
            </span>
            <span className="ledger-reason">
              {t.reason}
              {t.orderId && (
                <>
                  {' '}
                  <Link to={`/orders/${t.orderId}`}>order</Link>
                </>
              )}
            </span>
            <span className="muted">
              {when(t.occurredAt)} · balance {money(t.balanceAfter)}
            </span>
          </li>
        ))}
      </ul>
      {page.pageInfo.hasNextPage &&
        page.pageInfo.endCursor &&
        (more ? (
          <LedgerPage after={page.pageInfo.endCursor} />
        ) : (
          <button type="button" className="button-secondary" onClick={() => setMore(true)}>
            Show older
          </button>
        ))}
    </>
  );
}
