import { describe, expect, it } from 'vitest';
import { unitTimeOf } from '../../src/chip/factory-catalog.rules.ts';
import { InputChecks } from '../../src/platform/input.rules.ts';

describe('unitTimeOf', () => {
  it.each([[0.0001], [0.42], [1000]])('takes %s ticks exactly, from its shortest form', (value) => {
    const checks = new InputChecks();
    expect(unitTimeOf(value, checks, ['input', 'unitTime']).toString()).toBe(String(value));
    expect(checks.errors).toEqual([]);
  });

  it.each([[0], [-1], [1000.0001], [0.00001], [Number.NaN], [Number.POSITIVE_INFINITY]])(
    'refuses %s as INVALID_INPUT on its field',
    (value) => {
      const checks = new InputChecks();
      unitTimeOf(value, checks, ['input', 'unitTime']);
      expect(checks.errors).toMatchObject([
        { code: 'INVALID_INPUT', field: ['input', 'unitTime'] },
      ]);
    },
  );
});
