import { describe, expect, it } from 'vitest';
import { chipOrderStates } from '../../src/chip/chip-order.state.ts';
import {
  driverOrderStates,
  planOrderStates,
  saleOrderStates,
} from '../../src/insurance/insurance-order.state.ts';
import { OrderStatus as S } from '../../src/platform/orders/order.entity.ts';
import {
  actionsAllowed,
  OrderAction as A,
  statusesFor,
  statusesInWords,
  type OrderStateTable,
} from '../../src/platform/orders/order-state.ts';
import { shopOrderStates } from '../../src/shop/shop-order.state.ts';

// What payOrder and cancelOrder accept is read from each kind's table (its `trigger`s), so
// these are the lifecycle facts the API promises, stated once.
describe.each<[string, OrderStateTable, S[], S[]]>([
  ['chip', chipOrderStates, [], [S.PAID]],
  ['plan', planOrderStates, [S.PENDING_PAYMENT], [S.PENDING_PAYMENT]],
  ['driver', driverOrderStates, [S.PENDING_PAYMENT], [S.PENDING_PAYMENT]],
  ['sale', saleOrderStates, [S.PENDING_PAYMENT], [S.PENDING_PAYMENT]],
  ['shop', shopOrderStates, [S.PENDING_PAYMENT], [S.PENDING_PAYMENT]],
])('a %s order', (_kind, table, payable, cancellable) => {
  it(`is paid by payOrder only from ${payable.join(', ') || 'no status'}`, () => {
    expect(statusesFor(table, 'payOrder')).toEqual(payable);
  });

  it(`is cancelled by cancelOrder only from ${cancellable.join(', ')}`, () => {
    expect(statusesFor(table, 'cancelOrder')).toEqual(cancellable);
  });

  it('lets payOrder move only to PAID and cancelOrder only to CANCELLED', () => {
    for (const t of table.transitions) {
      if (t.trigger === 'payOrder') expect(t.to).toBe(S.PAID);
      if (t.trigger === 'cancelOrder') expect(t.to).toBe(S.CANCELLED);
    }
  });
});

// Order.actions: what a client may offer, read from the same tables (the web console's buttons).
describe.each<[string, OrderStateTable, S[]]>([
  ['chip', chipOrderStates, [S.CANCELLED, S.COMPLETED]],
  ['plan', planOrderStates, [S.CANCELLED, S.REJECTED, S.EXPIRED]],
  ['driver', driverOrderStates, [S.CANCELLED, S.EXPIRED]],
  ['sale', saleOrderStates, [S.CANCELLED, S.EXPIRED]],
  ['shop', shopOrderStates, [S.CANCELLED, S.COMPLETED, S.EXPIRED]],
])('the actions a %s order offers', (_kind, table, deletable) => {
  it(`offer DELETE from ${deletable.join(', ')} only, and never for a hidden order`, () => {
    for (const status of Object.values(S)) {
      expect(actionsAllowed(table, status, false).includes(A.DELETE)).toBe(
        deletable.includes(status),
      );
      expect(actionsAllowed(table, status, true)).not.toContain(A.DELETE);
    }
  });

  it('offer PAY and CANCEL exactly where payOrder and cancelOrder move the order', () => {
    for (const status of Object.values(S)) {
      const actions = actionsAllowed(table, status, false);
      expect(actions.includes(A.PAY)).toBe(statusesFor(table, 'payOrder').includes(status));
      expect(actions.includes(A.CANCEL)).toBe(statusesFor(table, 'cancelOrder').includes(status));
    }
  });
});

describe('statusesInWords', () => {
  it('names statuses as a sentence does', () => {
    expect(statusesInWords([S.CANCELLED, S.COMPLETED, S.EXPIRED])).toBe(
      'cancelled, completed or expired',
    );
    expect(statusesInWords([S.CANCELLED, S.EXPIRED])).toBe('cancelled or expired');
    expect(statusesInWords([S.PENDING_PAYMENT])).toBe('pending payment');
  });
});
