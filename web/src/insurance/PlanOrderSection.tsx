import type { OrderOfType } from '../orders/order-types.ts';
import { Link } from '../app/router.tsx';
import { money, when } from '../shared/format.ts';
import { Facts, Section } from '../shared/layout.tsx';
import { UnderwriteSummary } from '../operator/UnderwriteSummary.tsx';
import { BookInspectionForm } from './BookInspectionForm.tsx';
import { coverFacts, ItemsTable } from './PolicyOrderSections.tsx';

export function PlanOrderSection({
  order,
  staff,
}: {
  order: OrderOfType<'PlanOrder'>;
  staff: boolean;
}) {
  return (
    <>
      <Section title="Insurance plans 保险方案">
        <Facts
          items={[
            ['Vehicle', order.vehicle.plateNumber],
            ['Plans', order.plans.map((p) => p.name).join(', ')],
            ['Summary', money(order.summary)],
            ['Service ratio', order.serviceRatio],
            [
              'Promotion',
              order.promotion ? `${order.promotion.name} (−${money(order.promotion.price)})` : '—',
            ],
            ['Vehicle value', money(order.vehicleValue)],
            ['Cover asked from', when(order.expectAt)],
            ...coverFacts(order),
          ]}
        />
        <ItemsTable items={order.items} />
      </Section>
      <Section
        title="Underwriting 核保"
        aside={
          staff && order.underwrite ? (
            <Link to={`/operator/underwriting/${order.id}`} className="button">
              Open the underwriting form
            </Link>
          ) : undefined
        }
      >
        {order.underwrite ? (
          <UnderwriteSummary underwrite={order.underwrite} />
        ) : order.status === 'PAID' ? (
          <BookInspectionForm orderId={order.id} />
        ) : (
          <p className="muted">
            {order.status === 'PENDING_PAYMENT'
              ? 'Once the order is paid, book the vehicle inspection here.'
              : 'No inspection for this order.'}
          </p>
        )}
      </Section>
    </>
  );
}
