import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  driverOrderStates,
  planOrderStates,
  saleOrderStates,
} from '../../src/insurance/insurance-order.state.ts';
import {
  type OrderStateTable,
  STATUS_INFO,
  toMermaid,
} from '../../src/platform/orders/order-state.ts';

const README = readFileSync(join(import.meta.dirname, '../../README.md'), 'utf8');

/** The mermaid block under `#### <heading>` in the README's insurance section. */
function diagramUnder(heading: string): string[] {
  const section = README.slice(README.indexOf('## Vehicle insurance orders and underwriting'));
  const start = section.indexOf(`#### ${heading}\n`);
  expect(start, `README has no "#### ${heading}" in the insurance section`).toBeGreaterThan(-1);
  const block = /```mermaid\n([\s\S]*?)```/.exec(section.slice(start));
  expect(block, `no mermaid block under "#### ${heading}"`).not.toBeNull();
  return block![1].trimEnd().split('\n');
}

const statesOf = (table: OrderStateTable) =>
  new Set([table.initial, ...table.transitions.flatMap((t) => [t.from, t.to])]);

describe("the README's insurance state diagrams", () => {
  it.each([
    ['Plan order', planOrderStates],
    ['Driver order', driverOrderStates],
    ['Sale order', saleOrderStates],
  ])(
    'draws the %s table exactly as toMermaid does, each state labelled with its code',
    (heading, table) => {
      const lines = diagramUnder(heading);
      // The README adds one `state "..." as X` line per state, for its code and Chinese label.
      const labels = lines.filter((l) => l.trimStart().startsWith('state "'));
      const rest = lines.filter((l) => !labels.includes(l));
      expect(rest).toEqual(toMermaid(table).split('\n'));
      expect(labels).toEqual(
        [...statesOf(table)].map(
          (s) => `  state "${s} · ${STATUS_INFO[s].code} ${STATUS_INFO[s].label}" as ${s}`,
        ),
      );
    },
  );
});
