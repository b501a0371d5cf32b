import type { InsuranceItemFieldsFragment } from '../generated/graphql.ts';
import type { OrderOfType } from '../orders/order-types.ts';
import { money, when } from '../shared/format.ts';
import { Facts, Section, Table } from '../shared/layout.tsx';

export function ItemsTable({ items }: { items: readonly InsuranceItemFieldsFragment[] }) {
  return (
    <Table label="Items">
      <tbody>
        {items.map((item) => (
          <tr key={item.id}>
            <td>{item.planItem.name}</td>
            <td className="num">{money(item.price)}</td>
          </tr>
        ))}
      </tbody>
    </Table>
  );
}

/** Cover dates of an insurance order (set when it takes effect). */
export function coverFacts(order: { startAt?: string | null; stopAt?: string | null }) {
  return [
    ['Cover from', when(order.startAt)],
    ['Cover until', when(order.stopAt)],
  ] as [string, string][];
}

export function DriverOrderSection({ order }: { order: OrderOfType<'DriverOrder'> }) {
  return (
    <Section title="Drivers 驾驶人">
      <Facts
        items={[
          ['Vehicle', order.vehicle.plateNumber],
          ['Summary', money(order.summary)],
          ...coverFacts(order),
        ]}
      />
      <ul className="compact">
        {order.drivers.map((d) => (
          <li key={d.id}>
            {d.name} <span className="muted">{d.licenseNo}</span>
          </li>
        ))}
      </ul>
    </Section>
  );
}

export function SaleOrderSection({ order }: { order: OrderOfType<'SaleOrder'> }) {
  return (
    <Section title="Insurance items 保险项目">
      <Facts
        items={[
          ['Vehicle', order.vehicle.plateNumber],
          ['Summary', money(order.summary)],
          ...coverFacts(order),
        ]}
      />
      <ItemsTable items={order.items} />
    </Section>
  );
}
