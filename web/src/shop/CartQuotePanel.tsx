import { useQuery } from '@apollo/client/react';
import { CartQuoteDocument, type CartLineInput } from '../generated/graphql.ts';
import { ErrorNotice, Loading, UserErrors } from '../shared/feedback.tsx';
import { money } from '../shared/format.ts';
import { Table } from '../shared/layout.tsx';

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
      <Table label="Cart quote">
        <tbody>
          {quote.lines.map((line) => (
            <tr key={line.productId}>
              <td>{line.name}</td>
              <td className="num">
                {line.count} × {money(line.price)}
              </td>
              <td className="num">{money(line.totalPrice)}</td>
            </tr>
          ))}
        </tbody>
        <tfoot>
          <tr>
            <th>{quote.totalAmount} item(s)</th>
            <td />
            <th className="num" data-testid="cart-total">
              {money(quote.payment)}
            </th>
          </tr>
        </tfoot>
      </Table>
      <UserErrors errors={quote.errors} />
    </div>
  );
}
