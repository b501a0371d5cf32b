import { describe, expect, it } from 'vitest';
import { requestHash } from '../../src/platform/idempotency/idempotency.service.ts';
import { money } from '../../src/platform/money.ts';

class LotInput {
  constructor(
    public chipName: string,
    public quantity: number,
  ) {}
}

describe('the idempotency request hash', () => {
  it('tells apart inputs that are class instances, as type-graphql builds them', () => {
    expect(requestHash('op', { lots: [new LotInput('CK101', 50)] })).not.toBe(
      requestHash('op', { lots: [new LotInput('CK101', 51)] }),
    );
  });

  it('ignores key order and hashes money by value', () => {
    expect(requestHash('op', { a: 1, budget: money('60005') })).toBe(
      requestHash('op', { budget: money('60005.00'), a: 1 }),
    );
    expect(requestHash('op', { budget: money('1.00') })).not.toBe(
      requestHash('op', { budget: money('2.00') }),
    );
  });

  it('tells operations apart', () => {
    expect(requestHash('payOrder', { id: 1 })).not.toBe(requestHash('confirmChipOrder', { id: 1 }));
  });
});
