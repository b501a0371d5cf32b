import { describe, expect, it } from 'vitest';
import { chipOrderStates } from '../../src/chip/chip-order.state.ts';
import {
  driverOrderStates,
  planOrderStates,
  saleOrderStates,
} from '../../src/insurance/insurance-order.state.ts';
import { OrderStatus as S } from '../../src/platform/orders/order.entity.ts';
import { statusesFor, type OrderStateTable } from '../../src/platform/orders/order-state.ts';
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
