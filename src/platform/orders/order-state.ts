import { OrderKind, OrderStatus } from './order.entity.ts';

/** Status code and Chinese label of each status (the `code` and `label` clients show). */
export const STATUS_INFO: Record<OrderStatus, { code: number; label: string }> = {
  [OrderStatus.PENDING_PAYMENT]: { code: 1, label: '待支付' },
  [OrderStatus.PAID]: { code: 2, label: '已支付' },
  [OrderStatus.IN_PRODUCTION]: { code: 3, label: '生产中' },
  [OrderStatus.UNDERWRITING]: { code: 4, label: '核保中' },
  [OrderStatus.EFFECTIVE]: { code: 5, label: '已生效' },
  [OrderStatus.REJECTED]: { code: 6, label: '核保未通过' },
  [OrderStatus.COMPLETED]: { code: 7, label: '已完成' },
  [OrderStatus.CANCELLED]: { code: 8, label: '已取消' },
  [OrderStatus.EXPIRED]: { code: 9, label: '已失效' },
};

/** The shared operations of the order API that move an order, besides updateOrderState. */
export type Trigger = 'payOrder' | 'cancelOrder';

/** One allowed move of an order kind's state machine. */
export interface Transition {
  from: OrderStatus;
  to: OrderStatus;
  /** True when staff may take it by hand with `updateOrderState`; false when only its own flow may. */
  manual: boolean;
  /** The shared operation that takes it; none when only the kind's own flow (or staff) does. */
  trigger?: Trigger;
  /** What takes it, for the docs' state diagrams and error messages. */
  by: string;
}

/** An order kind's whole lifecycle: where it starts and every move it may make. */
export interface OrderStateTable {
  kind: OrderKind;
  initial: OrderStatus;
  transitions: readonly Transition[];
  /** Statuses from which the owner may delete (hide) the order. */
  deletableFrom: readonly OrderStatus[];
}

export function findTransition(
  table: OrderStateTable,
  from: OrderStatus,
  to: OrderStatus,
): Transition | undefined {
  return table.transitions.find((t) => t.from === from && t.to === to);
}

/** The statuses from which `trigger` (payOrder, cancelOrder) moves an order of this table. */
export function statusesFor(table: OrderStateTable, trigger: Trigger): OrderStatus[] {
  return table.transitions.filter((t) => t.trigger === trigger).map((t) => t.from);
}

/** The shared order operations a client may offer on an order (the `Order.actions` field). */
export enum OrderAction {
  PAY = 'PAY',
  CANCEL = 'CANCEL',
  DELETE = 'DELETE',
}

/**
 * What an order's status lets the shared operations do to it, read from its kind's table (so a
 * client need not restate each kind's lifecycle). A hidden order cannot be deleted again.
 */
export function actionsAllowed(
  table: OrderStateTable,
  status: OrderStatus,
  hidden: boolean,
): OrderAction[] {
  const actions: OrderAction[] = [];
  if (statusesFor(table, 'payOrder').includes(status)) actions.push(OrderAction.PAY);
  if (statusesFor(table, 'cancelOrder').includes(status)) actions.push(OrderAction.CANCEL);
  if (!hidden && table.deletableFrom.includes(status)) actions.push(OrderAction.DELETE);
  return actions;
}

/** Statuses as a sentence names them: "cancelled, completed or expired". */
export function statusesInWords(statuses: readonly OrderStatus[]): string {
  const words = statuses.map((s) => s.toLowerCase().replaceAll('_', ' '));
  return words.length < 2 ? words.join('') : `${words.slice(0, -1).join(', ')} or ${words.at(-1)}`;
}

/** Mermaid state diagram of a table, as the docs draw it. */
export function toMermaid(table: OrderStateTable): string {
  const lines = ['stateDiagram-v2', `  [*] --> ${table.initial}`];
  for (const t of table.transitions) lines.push(`  ${t.from} --> ${t.to}: ${t.by}`);
  return lines.join('\n');
}
