import 'reflect-metadata';
import { describe, expect, it } from 'vitest';
import { Decimal } from '../../src/platform/money.ts';
import {
  computeKpi,
  kpiOutOfRange,
  lotWaitTime,
  operationCost,
  operationDuration,
} from '../../src/chip/chip-plan-kpi.rules.ts';
import type { ScheduledLot, TimedOperation } from '../../src/chip/chip-plan.types.ts';

const op = (step: number, plantId: number, start: number, end: number, cost: string) =>
  ({
    lot: 0,
    step,
    plantId,
    plantName: `P${plantId}`,
    start,
    end,
    cost: new Decimal(cost),
  }) as TimedOperation;

describe('one operation', () => {
  it.each([
    [30, '0.42', 13],
    [10, '2', 20],
    [1, '0.001', 1],
  ])('of %i chips at %s ticks a chip lasts %i ticks (rounded up, exactly)', (q, unit, ticks) => {
    expect(operationDuration(q, new Decimal(unit))).toBe(ticks);
  });

  it('costs quantity × unit cost, exactly', () => {
    expect(operationCost(3, new Decimal('0.10')).toFixed(2)).toBe('0.30');
  });
});

describe('lotWaitTime', () => {
  it('adds the gaps between consecutive operations and counts an overlap as no wait', () => {
    expect(lotWaitTime([op(1, 1, 0, 10, '0'), op(2, 2, 14, 20, '0'), op(3, 1, 18, 30, '0')])).toBe(
      4,
    );
  });
});

describe('computeKpi', () => {
  const lots: ScheduledLot[] = [
    {
      lot: 0,
      packageId: 'p',
      chipName: 'X',
      quantity: 1,
      operations: [op(1, 1, 0, 10, '5.00'), op(2, 2, 12, 20, '2.50')],
    },
    { lot: 1, packageId: null, chipName: 'X', quantity: 1, operations: [op(1, 1, 5, 15, '5.00')] },
  ];

  it('totals cost, finish, slack and waits, and each plant busy once per tick over the span', () => {
    const kpi = computeKpi(lots, new Decimal('25.00'), 30);
    expect(kpi.totalCost.toFixed(2)).toBe('12.50');
    expect(kpi.budgetUsage).toBe(0.5);
    expect(kpi.finishTime).toBe(20);
    expect(kpi.slack).toBe(10);
    expect(kpi.totalWaitTime).toBe(2);
    expect(kpi.lots.map((l) => [l.start, l.finish, l.cost.toFixed(2)])).toEqual([
      [0, 20, '7.50'],
      [5, 15, '5.00'],
    ]);
    // Plant 1 is busy over [0, 15): the clash of both lots is counted once.
    expect(kpi.plantLoads.map((p) => [p.plantId, p.busyTime, p.share])).toEqual([
      [1, 15, 0.75],
      [2, 8, 0.4],
    ]);
  });

  it('has nothing out of GraphQL Int range for ordinary ticks, and names the figure that is', () => {
    expect(kpiOutOfRange(computeKpi(lots, new Decimal(25), 30))).toBeUndefined();
    const far = computeKpi(lots, new Decimal(25), -(2 ** 31) - 5);
    expect(kpiOutOfRange(far)).toEqual({ figure: 'slack', value: far.slack });
  });
});
