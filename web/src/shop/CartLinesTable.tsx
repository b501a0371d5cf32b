import type { CartQuoteQuery } from '../generated/graphql.ts';
import { money } from '../shared/format.ts';
import { Table } from '../shared/layout.tsx';

/** Lines of a cart or an order, with the item count and the total. */
export function CartLinesTable({
  label,
  lines,
  totalAmount,
  payment,
}: {
  label: string;
  lines: readonly CartQuoteQuery['cartQuote']['lines'][number][];
  totalAmount: number;
  payment: string;
}) {
  return (
    <Table label={label}>
      <tbody>
        {lines.map((line) => (
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
          <th>{totalAmount} item(s)</th>
          <td />
          <th className="num" data-testid={`${label.toLowerCase().replace(/ /g, '-')}-total`}>
            {money(payment)}
          </th>
        </tr>
      </tfoot>
    </Table>
  );
}
