import type { OrderOfType } from '../orders/order-types.ts';
import { money, when } from '../shared/format.ts';
import { Facts, Section, Table } from '../shared/layout.tsx';

const PAY_TYPE = {
  WECHAT: 'WeChat Pay 微信支付',
  JDPAY: 'JD Pay 京东支付',
  BALANCE: 'Balance 余额',
};

export function ShopOrderSection({ order }: { order: OrderOfType<'ShopOrder'> }) {
  return (
    <Section title={`${order.shopCnName} ${order.shopEnName}`}>
      <Facts
        items={[
          ['Recipient', order.address.recipient],
          ['Address', order.address.address],
          ['Telephone', order.address.telNum],
          ['Paid with', order.payType ? PAY_TYPE[order.payType] : '—'],
          ['Called off', order.isCanceled ? 'Yes 已取消' : 'No'],
          ['Unpaid order expires', when(order.expiresAt)],
        ]}
      />
      <Table label="Lines">
        <tbody>
          {order.lines.map((line) => (
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
            <th>{order.totalAmount} item(s)</th>
            <td />
            <th className="num">{money(order.payment)}</th>
          </tr>
        </tfoot>
      </Table>
    </Section>
  );
}
