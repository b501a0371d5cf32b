import { OrderList } from '../orders/OrderList.tsx';
import { Section } from '../shared/layout.tsx';

// The staff's work, read from `orders` filtered by kind and status until the service has work
// queues of its own: replace the lists below with the queue API when it lands (one queue a
// section), keeping this component's place on the home and work pages.
const QUEUES = [
  { title: 'Inspections to do 待核保', kind: 'PLAN', status: 'UNDERWRITING' },
  { title: 'Plan orders waiting for their inspection booking', kind: 'PLAN', status: 'PAID' },
  { title: 'Shop orders to deliver 待发货', kind: 'SHOP', status: 'PAID' },
  { title: 'Unpaid insurance orders (offline payment)', kind: 'SALE', status: 'PENDING_PAYMENT' },
] as const;

export function WorkQueues() {
  return (
    <div data-testid="work-queues">
      {QUEUES.map((queue) => (
        <Section key={queue.title} title={queue.title}>
          <OrderList first={10} kind={queue.kind} status={queue.status} showOwner />
        </Section>
      ))}
    </div>
  );
}
