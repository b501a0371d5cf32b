import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { chipOrderStates } from '../../src/chip/chip-order.state.ts';
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
import { shopOrderStates } from '../../src/shop/shop-order.state.ts';

const DOCS = readdirSync('docs')
  .filter((f) => f.endsWith('.md'))
  .map((f) => ({ path: `docs/${f}`, text: readFileSync(`docs/${f}`, 'utf8') }));

/** The mermaid block after `<!-- state diagram of <kind> -->`, wherever in docs/ it is. */
function diagramOf(kind: string): string[] {
  const marker = `<!-- state diagram of ${kind} -->\n`;
  const found = DOCS.filter((d) => d.text.includes(marker));
  expect(
    found.map((d) => d.path),
    `one diagram of ${kind} in docs/`,
  ).toHaveLength(1);
  const { text } = found[0];
  const block = /^```mermaid\n([\s\S]*?)```/.exec(text.slice(text.indexOf(marker) + marker.length));
  expect(block, `no mermaid block right after "${marker.trim()}"`).not.toBeNull();
  return block![1].trimEnd().split('\n');
}

const statesOf = (table: OrderStateTable) =>
  new Set([table.initial, ...table.transitions.flatMap((t) => [t.from, t.to])]);

describe("the docs' state diagrams", () => {
  it.each([chipOrderStates, planOrderStates, driverOrderStates, saleOrderStates, shopOrderStates])(
    'draw the $kind table exactly as toMermaid does, each state labelled with its code',
    (table) => {
      const lines = diagramOf(table.kind);
      // The docs add one `state "..." as X` line per state, for its code and Chinese label.
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
