import { readdirSync, readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_ACCOUNTS } from '../../src/platform/seed.ts';
import { startTestApp, type TestApp } from '../utils/test-app.ts';

/**
 * The worked examples of docs/*.md, run as written. An example is an HTML comment
 * `<!-- checked example as=<consumer id | anonymous> [dates=YYYY-MM-DD] -->`, then a ```graphql
 * block, then an optional ```json block of variables and a ```json block of the response. The
 * examples of one file run in order on one fresh server, so a later one may use what an earlier
 * one made: an id (a UUID) of an earlier response stands for the id the server really gave.
 *
 * The response must match the example exactly, except for what differs from run to run:
 * "…" matches anything; a UUID matches any UUID (the same one each time it recurs); a date
 * and time matches any date and time; a cursor or token any string; an order number's date any
 * date. With `dates=`, the dates in the request (and in the response's messages) are moved by
 * as many days as today is after that date, so an example stays valid as time passes.
 */
interface Example {
  line: number;
  as: string;
  dates?: string;
  query: string;
  variables?: Record<string, unknown>;
  response: unknown;
}

const MARKER = /^<!-- checked example as=(\S+)(?: dates=(\d{4}-\d\d-\d\d))? -->$/;

function examplesIn(path: string): Example[] {
  const text = readFileSync(path, 'utf8');
  const tokens = [...text.matchAll(/^<!-- checked example .*-->$|^```(\w*)\n([\s\S]*?)^```$/gm)];
  const examples: Example[] = [];
  tokens.forEach((token, i) => {
    const marker = MARKER.exec(token[0]);
    if (!token[0].startsWith('<!--')) return;
    const line = text.slice(0, token.index).split('\n').length;
    expect(marker, `${path}:${line}: malformed marker`).not.toBeNull();
    const [graphql, first, second] = tokens.slice(i + 1, i + 4);
    expect(graphql?.[1], `${path}:${line}: no graphql block after the marker`).toBe('graphql');
    const jsons = [first, second].filter((t) => t?.[1] === 'json').map((t) => JSON.parse(t[2]));
    const withVariables = jsons.length === 2 && !('data' in jsons[0] || 'errors' in jsons[0]);
    const response = withVariables ? jsons[1] : jsons[0];
    expect(response, `${path}:${line}: no json response after the example`).toBeDefined();
    examples.push({
      line,
      as: marker![1],
      dates: marker![2],
      query: graphql[2],
      variables: withVariables ? jsons[0] : undefined,
      response,
    });
  });
  return examples;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const DATE_TIME = /^\d{4}-\d\d-\d\dT\d\d:\d\d(:\d\d(\.\d+)?)?(Z|[+-]\d\d:?\d\d)$/;
const ANY_STRING_KEYS = new Set(['cursor', 'endCursor', 'startCursor', 'token', 'refreshToken']);
/** Order numbers carry the day they were made: SH + 20261122 + 000001. */
const withoutOrderDays = (text: string) => text.replace(/\b([A-Z]{2})\d{8}(\d{6})\b/g, '$1…$2');

const DAY_MS = 24 * 3600 * 1000;
function shiftDates(text: string, days: number): string {
  if (days === 0) return text;
  return text.replace(/\b(\d{4}-\d\d-\d\d)T/g, (_, day: string) => {
    const moved = new Date(Date.parse(`${day}T00:00:00Z`) + days * DAY_MS);
    return `${moved.toISOString().slice(0, 10)}T`;
  });
}

/** Writes what differs between the example's response and the server's into `problems`. */
function compare(
  expected: unknown,
  actual: unknown,
  path: string,
  ids: Map<string, string>,
  problems: string[],
): void {
  const key = path.split('.').at(-1) ?? '';
  if (expected === '…') return;
  if (typeof expected === 'string' && typeof actual === 'string') {
    if (UUID.test(expected)) {
      const bound = ids.get(expected);
      if (!UUID.test(actual)) problems.push(`${path}: ${actual} is no UUID`);
      else if (bound === undefined && [...ids.values()].includes(actual)) {
        problems.push(`${path}: ${actual} already stands for another id of the example`);
      } else if (bound !== undefined && bound !== actual) {
        problems.push(`${path}: ${actual}, but earlier ${expected} was ${bound}`);
      } else ids.set(expected, actual);
      return;
    }
    if (DATE_TIME.test(expected) && DATE_TIME.test(actual)) return;
    if (ANY_STRING_KEYS.has(key) && actual.length > 0) return;
    if (withoutOrderDays(expected) === withoutOrderDays(actual)) return;
  }
  if (Array.isArray(expected) && Array.isArray(actual)) {
    if (expected.length !== actual.length) {
      problems.push(`${path}: ${actual.length} items, not ${expected.length}`);
    }
    expected.forEach((e, i) => compare(e, actual[i], `${path}.${i}`, ids, problems));
    return;
  }
  if (expected && actual && typeof expected === 'object' && typeof actual === 'object') {
    const keys = new Set([...Object.keys(expected), ...Object.keys(actual)]);
    for (const k of keys) {
      if (!(k in expected)) problems.push(`${path}.${k}: not in the example`);
      else if (!(k in actual)) problems.push(`${path}.${k}: missing from the response`);
      else compare((expected as any)[k], (actual as any)[k], `${path}.${k}`, ids, problems);
    }
    return;
  }
  if (expected !== actual) {
    problems.push(`${path}: ${JSON.stringify(actual)}, not ${JSON.stringify(expected)}`);
  }
}

/** The example's own text with the ids it names replaced by the server's and its dates moved. */
function asSent(text: string, ids: Map<string, string>, days: number): string {
  const replaced = text.replace(
    /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/g,
    (id) => ids.get(id) ?? id,
  );
  return shiftDates(replaced, days);
}

const FILES = readdirSync('docs')
  .filter((f) => f.endsWith('.md'))
  .map((f) => `docs/${f}`)
  .filter((path) => examplesIn(path).length > 0);

it('checks a handful of examples of each business', () => {
  const count = (file: string) => (FILES.includes(file) ? examplesIn(file).length : 0);
  for (const file of ['docs/chip.md', 'docs/insurance.md', 'docs/shop.md']) {
    expect(count(file), file).toBeGreaterThanOrEqual(4);
  }
});

describe.each(FILES)('the worked examples of %s', (file) => {
  let t: TestApp;
  const tokens = new Map<string, string>();
  const ids = new Map<string, string>();
  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(async () => {
    await t?.close();
  });

  it.each(examplesIn(file).map((e) => [`line ${e.line} (as ${e.as})`, e] as const))(
    'answers the example at %s as written',
    async (_, example) => {
      const days = example.dates
        ? Math.floor((Date.now() - Date.parse(`${example.dates}T00:00:00Z`)) / DAY_MS)
        : 0;
      if (example.as !== 'anonymous' && !tokens.has(example.as)) {
        const account = DEMO_ACCOUNTS.find((a) => a.id === example.as);
        expect(account, `${example.as} is no demo account`).toBeDefined();
        tokens.set(example.as, await t.login(account!));
      }
      const variables = example.variables
        ? JSON.parse(asSent(JSON.stringify(example.variables), ids, days))
        : undefined;
      const { status: _status, ...response } = await t.gql(
        asSent(example.query, ids, days),
        variables,
        { token: tokens.get(example.as) },
      );
      const expected = JSON.parse(shiftDates(JSON.stringify(example.response), days));
      const problems: string[] = [];
      compare(expected, response, 'response', ids, problems);
      expect(problems, JSON.stringify(response, null, 2)).toEqual([]);
    },
  );
});
