import { money } from '../shared/format.ts';
import { Facts, Section } from '../shared/layout.tsx';
import type { OrderOfType } from '../orders/order-types.ts';
import { KpiTables } from './KpiTables.tsx';
import { ScheduleTimeline } from './ScheduleTimeline.tsx';

export function ChipOrderSection({ order }: { order: OrderOfType<'ChipOrder'> }) {
  return (
    <Section title="Production plan 生产计划">
      <Facts
        items={[
          ['Budget', money(order.budget)],
          ['Expected by tick', order.expectedTime],
        ]}
      />
      <KpiTables kpi={order.kpi} />
      <ScheduleTimeline kpi={order.kpi} />
    </Section>
  );
}
