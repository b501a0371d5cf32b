import type { OrderStatus } from '../generated/graphql.ts';

// The contract's status vocabulary (docs/orders.md): code, the data's Chinese label, and
// the English words the console shows beside it. Live events carry only the status; the code
// and label written into the cache with it come from here.
export const STATUS: Record<OrderStatus, { code: number; label: string; english: string }> = {
  PENDING_PAYMENT: { code: 1, label: '待支付', english: 'Pending payment' },
  PAID: { code: 2, label: '已支付', english: 'Paid' },
  IN_PRODUCTION: { code: 3, label: '生产中', english: 'In production' },
  UNDERWRITING: { code: 4, label: '核保中', english: 'Underwriting' },
  EFFECTIVE: { code: 5, label: '已生效', english: 'Effective' },
  REJECTED: { code: 6, label: '核保未通过', english: 'Rejected' },
  COMPLETED: { code: 7, label: '已完成', english: 'Completed' },
  CANCELLED: { code: 8, label: '已取消', english: 'Cancelled' },
  EXPIRED: { code: 9, label: '已失效', english: 'Expired' },
};

export const ORDER_STATUSES = Object.keys(STATUS) as OrderStatus[];
