import type { OrderStatus } from '../generated/graphql.ts';
import { STATUS } from './status.ts';

/** The order's status as the data labels it (Chinese) and in English. */
export function StatusBadge({ status, label }: { status: OrderStatus; label?: string }) {
  return (
    <span className={`badge badge-${status.toLowerCase()}`} data-status={status}>
      {label ?? STATUS[status].label} · {STATUS[status].english}
    </span>
  );
}
