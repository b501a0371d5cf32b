import { useQuery } from '@apollo/client/react';
import { CartQuoteDocument, type CartLineInput } from '../generated/graphql.ts';
import { CartLinesTable } from './CartLinesTable.tsx';
import { ErrorNotice, Loading, UserErrors } from '../shared/feedback.tsx';

/** The service's quote of the cart at today's prices (seed 002's cart submission; saves nothing). */
export function CartQuotePanel({ shopId, lines }: { shopId: string; lines: CartLineInput[] }) {
  const { data, previousData, loading, error } = useQuery(CartQuoteDocument, {
    variables: { input: { shopId, products: lines } },
    fetchPolicy: 'network-only',
  });
  const quote = (data ?? previousData)?.cartQuote;
  if (error) return <ErrorNotice error={error} />;
  if (!quote) return <Loading what="Pricing the cart" />;
  return (
    <div aria-busy={loading} data-testid="cart-quote">
      <CartLinesTable
        label="Cart"
        lines={quote.lines}
        totalAmount={quote.totalAmount}
        payment={quote.payment}
      />
      <UserErrors errors={quote.errors} />
    </div>
  );
}
