// The API's operations as tables, generated from the code-first schema and its role decorators:
// an overview in README.md and the full list in docs/api.md. `npm run docs:api` writes them;
// test/unit/docs.test.ts fails when either is stale.
import 'reflect-metadata';
import type { GraphQLField, GraphQLObjectType } from 'graphql';
import { getMetadataStorage } from 'type-graphql';
import { modules } from '../src/modules.ts';
import { ANYONE } from '../src/platform/auth/roles.ts';
import { createSchema } from '../src/schema.ts';

/** Who may call a root field, as its role decorator says. */
export const WHO = ['anyone', 'logged in', 'OPERATOR, ADMIN', 'ADMIN'] as const;
export type Who = (typeof WHO)[number];

const OPERATIONS = ['Query', 'Mutation', 'Subscription'] as const;
type Operation = (typeof OPERATIONS)[number];

/** Each module's heading and the pages in docs/ that explain it, the main one first. */
const AREAS: Record<string, { title: string; docs: string[] }> = {
  platform: {
    title: 'Accounts, orders of every kind, live status',
    docs: ['orders.md', 'authentication.md', 'money.md', 'live-status.md', 'catalog.md'],
  },
  chip: { title: 'Chip manufacturing', docs: ['chip.md'] },
  insurance: { title: 'Vehicle insurance and underwriting', docs: ['insurance.md'] },
  shop: { title: 'Shop', docs: ['shop.md'] },
};
const areaTitle = (area: string) => AREAS[area] ?? { title: area, docs: [] };

export interface RootField {
  operation: Operation;
  name: string;
  area: string;
  who: Who;
  field: GraphQLField<unknown, unknown>;
}

function whoOf(roles: string[]): Who {
  if (roles.includes(ANYONE)) return 'anyone';
  if (roles.length === 0) return 'logged in';
  if (roles.includes('OPERATOR')) return 'OPERATOR, ADMIN';
  return 'ADMIN';
}

/** Every Query, Mutation and Subscription field, in schema order, with its module and role. */
export async function rootFields(): Promise<RootField[]> {
  const schema = await createSchema();
  const storage = getMetadataStorage();
  const areaOf = new Map(modules.flatMap((m) => m.resolvers.map((r) => [r, m.name] as const)));
  const declared = new Map(
    [
      ...storage.queries.map((q) => ['Query', q] as const),
      ...storage.mutations.map((q) => ['Mutation', q] as const),
      ...storage.subscriptions.map((q) => ['Subscription', q] as const),
    ].map(([operation, q]) => [`${operation}.${q.schemaName}`, q]),
  );
  const roles = new Map(
    storage.authorizedFields.map((f) => [`${f.target.name}.${f.fieldName}`, f.roles]),
  );
  const types: Record<Operation, GraphQLObjectType | null | undefined> = {
    Query: schema.getQueryType(),
    Mutation: schema.getMutationType(),
    Subscription: schema.getSubscriptionType(),
  };
  return OPERATIONS.flatMap((operation) =>
    Object.values(types[operation]?.getFields() ?? {}).map((field) => {
      const meta = declared.get(`${operation}.${field.name}`);
      if (!meta) throw new Error(`${operation}.${field.name} has no resolver`);
      const fieldRoles = roles.get(`${meta.target.name}.${meta.methodName}`);
      if (!fieldRoles) throw new Error(`${operation}.${field.name} has no role decorator`);
      const area = areaOf.get(meta.target as never);
      if (!area) throw new Error(`${meta.target.name} is in no module of src/modules.ts`);
      return {
        operation,
        name: field.name,
        area,
        who: whoOf(fieldRoles),
        field,
      };
    }),
  );
}

const code = (names: string[]) => names.map((n) => `\`${n}\``).join(' ');
const cell = (text: string) => text.replace(/\s+/g, ' ').replaceAll('|', '\\|').trim();

/** The modules that have root fields, in `src/modules.ts`'s order. */
function areasIn(fields: RootField[]): string[] {
  return modules.map((m) => m.name).filter((name) => fields.some((f) => f.area === name));
}

/** README's overview: per module and kind of operation, the root fields each role may call. */
export function overviewTable(fields: RootField[]): string {
  const rows = areasIn(fields).flatMap((area) =>
    OPERATIONS.flatMap((operation) => {
      const here = fields.filter((f) => f.area === area && f.operation === operation);
      if (here.length === 0) return [];
      const byWho = WHO.map((who) => code(here.filter((f) => f.who === who).map((f) => f.name)));
      const { title, docs } = areaTitle(area);
      const link = docs.length > 0 ? `[${title}](docs/${docs[0]})` : title;
      return [`| ${link} | ${operation} | ${byWho.join(' | ')} |`];
    }),
  );
  return [
    `| area | type | ${WHO.join(' | ')} |`,
    '| --- | --- | --- | --- | --- | --- |',
    ...rows,
  ].join('\n');
}

function signature(field: GraphQLField<unknown, unknown>): string {
  const args = field.args.map((a) => `${a.name}: ${a.type}`).join(', ');
  return `\`${field.name}${args ? `(${args})` : ''}: ${field.type}\``;
}

/** docs/api.md's reference: every root field with its arguments, result, role and description. */
export function referenceTables(fields: RootField[]): string {
  return areasIn(fields)
    .map((area) => {
      const { title, docs } = areaTitle(area);
      const rows = fields
        .filter((f) => f.area === area)
        .map(
          (f) =>
            `| ${f.operation} | ${cell(signature(f.field))} | ${f.who} | ${cell(f.field.description ?? '')} |`,
        );
      return [
        `### ${title}`,
        '',
        `Explained in ${docs.map((d) => `[${d}](${d})`).join(', ')}.`,
        '',
        '| type | operation | who may call | what it does |',
        '| --- | --- | --- | --- |',
        ...rows,
      ].join('\n');
    })
    .join('\n\n');
}

/** `text` with what stands between `<!-- name -->` and `<!-- /name -->` replaced by `body`. */
export function replaceBetween(text: string, name: string, body: string): string {
  const open = `<!-- ${name} -->`;
  const close = `<!-- /${name} -->`;
  const start = text.indexOf(open);
  const end = text.indexOf(close);
  if (start < 0 || end < start) throw new Error(`no ${open} … ${close} markers`);
  return `${text.slice(0, start + open.length)}\n${body}\n${text.slice(end)}`;
}

/** What README.md and docs/api.md say once their generated tables are current. */
export async function currentApiDocs(readme: string, reference: string) {
  const fields = await rootFields();
  return {
    readme: replaceBetween(readme, 'api:overview', overviewTable(fields)),
    reference: replaceBetween(reference, 'api:reference', referenceTables(fields)),
  };
}
