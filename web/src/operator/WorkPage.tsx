import { Page } from '../shared/layout.tsx';
import { WorkQueues } from './WorkQueues.tsx';

export function WorkPage() {
  return (
    <Page title="Work queues 工作队列">
      <p className="muted">
        Open an order to move it along: underwriting from a plan order's page, offline payments,
        cancellations, expiries and deliveries from the order's staff actions.
      </p>
      <WorkQueues />
    </Page>
  );
}
