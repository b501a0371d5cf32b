import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { importCycles, importGraph } from '../../scripts/import-graph.ts';

const graph = importGraph(join(import.meta.dirname, '../../src'));
const DOMAINS = ['chip', 'insurance', 'shop'];
const areaOf = (file: string) => file.split('/')[0];

/** Every import from a file in `from` to a file for which `forbidden` says so, as "a -> b". */
function importsWhere(from: (file: string) => boolean, forbidden: (target: string) => boolean) {
  return [...graph].flatMap(([file, targets]) =>
    from(file) ? targets.filter(forbidden).map((t) => `${file} -> ${t}`) : [],
  );
}

describe('the import graph of src', () => {
  it('reads the whole of src', () => {
    expect(graph.size).toBeGreaterThan(200);
    expect(graph.get('app.ts')).toContain('platform/http/server.ts');
  });

  it('has no import circle, type-only imports included', () => {
    expect(importCycles(graph)).toEqual([]);
  });

  it('finds a circle when there is one', () => {
    const circle = new Map([
      ['a.ts', ['b.ts']],
      ['b.ts', ['c.ts']],
      ['c.ts', ['a.ts']],
      ['d.ts', ['a.ts']],
    ]);
    expect(importCycles(circle)).toEqual([['a.ts', 'b.ts', 'c.ts']]);
  });

  it('keeps the platform free of the business domains', () => {
    expect(
      importsWhere(
        (f) => areaOf(f) === 'platform',
        (t) => DOMAINS.includes(areaOf(t)),
      ),
    ).toEqual([]);
  });

  it('keeps each business domain free of the others', () => {
    const crossing = importsWhere(
      (f) => DOMAINS.includes(areaOf(f)),
      (t) => DOMAINS.includes(areaOf(t)),
    ).filter((edge) => {
      const [from, to] = edge.split(' -> ');
      return areaOf(from) !== areaOf(to);
    });
    expect(crossing).toEqual([]);
  });
});
