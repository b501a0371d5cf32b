import type { OrderOfType } from '../orders/order-types.ts';
import { when } from '../shared/format.ts';
import { CartLinesTable } from './CartLinesTable.tsx';
import { Facts, Section } from '../shared/layout.tsx';

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
      <CartLinesTable
        label="Lines"
        lines={order.lines}
        totalAmount={order.totalAmount}
        payment={order.payment}
      />
    </Section>
  );
}
