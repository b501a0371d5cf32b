import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { buildSchema, Kind, parse, validate } from 'graphql';
import { describe, expect, it } from 'vitest';
import { currentApiDocs } from '../../scripts/api-docs.ts';
import { ACTORS } from '../utils/proof-fixtures.ts';
import { matrix } from '../e2e/proof-authz.matrix.ts';

const read = (path: string) => readFileSync(path, 'utf8');
const DOCS = readdirSync('docs')
  .filter((f) => f.endsWith('.md'))
  .map((f) => `docs/${f}`);

/** The lines of the markdown table that follows `heading` (up to the next heading). */
function tableUnder(text: string, heading: string): string[][] {
  const start = text.indexOf(`${heading}\n`);
  expect(start, `no "${heading}"`).toBeGreaterThan(-1);
  const section = text.slice(start + heading.length).split(/\n#+ /)[0];
  return section
    .split('\n')
    .filter((line) => line.startsWith('| ') && !line.startsWith('| ---'))
    .slice(1)
    .map((line) =>
      line
        .slice(2, -2)
        .split(/ (?<!\\)\| /)
        .map((c) => c.trim()),
    );
}

const backticked = (cell: string) => [...cell.matchAll(/`([^`]+)`/g)].map((m) => m[1]);

describe('the generated tables of operations', () => {
  it('are current in README.md and docs/api.md (run `npm run docs:api`)', async () => {
    const readme = read('README.md');
    const reference = read('docs/api.md');
    const current = await currentApiDocs(readme, reference);
    expect(readme).toBe(current.readme);
    expect(reference).toBe(current.reference);
  });
});

describe("README's configuration table", () => {
  const source = read('src/platform/config.ts');
  const rows = tableUnder(read('README.md'), '## Configuration');
  const documented = new Map(rows.flatMap((row) => backticked(row[0]).map((n) => [n, row])));

  it('lists every environment variable src/platform/config.ts reads, and no other', () => {
    const read = new Set([
      ...[...source.matchAll(/(?:intEnv|listEnv)\(env, '([A-Z_]+)'/g)].map((m) => m[1]),
      ...[...source.matchAll(/env\.([A-Z_]+)/g)].map((m) => m[1]),
    ]);
    expect([...documented.keys()].sort()).toEqual([...read].sort());
  });

  it('gives each number setting the default config.ts falls back to', () => {
    const defaults = [...source.matchAll(/intEnv\(env, '([A-Z_]+)', ([^,)]+)/g)];
    expect(defaults.length).toBeGreaterThan(30);
    for (const [, name, expression] of defaults) {
      const value = Function(`return ${expression.replaceAll('_', '')}`)() as number;
      const cell = documented.get(name)![1];
      expect(cell, name).toMatch(new RegExp(`(^|[^\\d.])${value}([^\\d.]|$)`));
    }
  });
});

describe("docs/security.md's summary of the authorization matrix", () => {
  it('names each root field under the rule its matrix row proves', () => {
    const rules = new Map(
      tableUnder(read('docs/security.md'), '### Who may call what').map((row) => [
        row[0].replaceAll('`', ''),
        row,
      ]),
    );
    const signature = (outcomes: Record<string, string>) =>
      ACTORS.map((a) => outcomes[a]).join(' ');
    // The table spells each rule's outcomes in one column per actor, anonymous to ADMIN.
    const ruleOf = new Map([...rules].map(([name, row]) => [row.slice(1, 6).join(' '), name]));
    const listed = [...rules].flatMap(([name, row]) =>
      backticked(row[6]).map((field) => `${field.split('(')[0]} ${name}`),
    );
    const proven = matrix.map((row) => {
      const name = row.field.split('.')[1];
      return `${name} ${ruleOf.get(signature(row.expect)) ?? signature(row.expect)}`;
    });
    expect(listed.sort()).toEqual(proven.sort());
  });
});

describe('links between the documents', () => {
  /** GitHub's anchor for a heading. */
  const slug = (heading: string) =>
    heading
      .toLowerCase()
      .replace(/[^\p{L}\p{N} _-]/gu, '')
      .replaceAll(' ', '-');
  const anchors = (path: string) =>
    new Set(
      read(path)
        .replace(/```[\s\S]*?```/g, '')
        .split('\n')
        .filter((line) => /^#{1,6} /.test(line))
        .map((line) => slug(line.replace(/^#+ /, ''))),
    );

  it.each(['README.md', 'BENCHMARKS.md', ...DOCS])('%s links only to what exists', (path) => {
    const text = read(path).replace(/```[\s\S]*?```/g, '');
    const broken: string[] = [];
    for (const [, target] of text.matchAll(/\]\(([^)\s]+)\)/g)) {
      if (/^[a-z]+:/.test(target)) continue;
      const [file, anchor] = target.split('#');
      const resolved = file ? join(dirname(path), file) : path;
      if (!existsSync(resolved)) broken.push(target);
      else if (anchor && resolved.endsWith('.md') && !anchors(resolved).has(anchor)) {
        broken.push(target);
      }
    }
    expect(broken).toEqual([]);
  });

  it.each(['README.md', 'BENCHMARKS.md', ...DOCS])(
    '%s names only source files that exist (a file moved or renamed leaves no stale path)',
    (path) => {
      const named = [
        ...read(path).matchAll(/\b((?:src|web\/src|test|bench|scripts)\/[\w./-]+\.tsx?)\b/g),
      ];
      expect(named.map((m) => m[1]).filter((file) => !existsSync(file))).toEqual([]);
    },
  );
});

describe('the GraphQL examples of the documents', () => {
  const schema = buildSchema(read('schema.graphql'));
  const executable = new Set<string>([Kind.OPERATION_DEFINITION, Kind.FRAGMENT_DEFINITION]);

  it.each(['README.md', ...DOCS])('%s asks only for what the schema has', (path) => {
    const invalid: string[] = [];
    for (const [, block] of read(path).matchAll(/```graphql\n([\s\S]*?)```/g)) {
      const document = parse(block);
      // Blocks of SDL (an input type shown as it is declared) are not requests.
      if (!document.definitions.every((d) => executable.has(d.kind))) continue;
      invalid.push(...validate(schema, document).map((e) => e.message));
    }
    expect(invalid).toEqual([]);
  });
});
