import type { OrderKind } from '../generated/graphql.ts';

/** "60000.00" → "¥60,000.00": the Decimal string as the API wrote it, grouped, never a float. */
export function money(amount: string): string {
  const negative = amount.startsWith('-');
  const [whole, cents = '00'] = amount.replace(/^[-+]/, '').split('.');
  const grouped = whole.replace(/\B(?=(\d{3})+(?!\d))/g, ',');
  return `${negative ? '−' : ''}¥${grouped}.${cents.padEnd(2, '0')}`;
}

/** A signed ledger amount: "+5,500.00" / "−5,500.00". */
export function signedMoney(amount: string): string {
  return amount.startsWith('-') ? money(amount) : `+${money(amount)}`;
}

const dateTime = new Intl.DateTimeFormat(undefined, {
  year: 'numeric',
  month: '2-digit',
  day: '2-digit',
  hour: '2-digit',
  minute: '2-digit',
  second: '2-digit',
});

export function when(iso: string | null | undefined): string {
  return iso ? dateTime.format(new Date(iso)) : '—';
}

export function percent(share: number): string {
  return `${(share * 100).toFixed(1)}%`;
}

export const KIND_LABEL: Record<OrderKind, string> = {
  CHIP: 'Chip order 芯片订单',
  PLAN: 'Insurance plan order 保险方案订单',
  DRIVER: 'Driver order 增加驾驶人订单',
  SALE: 'Insurance sale order 保险销售订单',
  SHOP: 'Shop order 商城订单',
};

/** Idempotency keys for money-moving mutations: one per attempt the person makes. */
export function newKey(prefix: string): string {
  return `${prefix}-${crypto.randomUUID()}`;
}

/** A `datetime-local` input's value for `date`, in the browser's time zone. */
export function localInputValue(date: Date): string {
  const shifted = new Date(date.getTime() - date.getTimezoneOffset() * 60_000);
  return shifted.toISOString().slice(0, 16);
}
