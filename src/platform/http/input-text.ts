import { Kind, visit, type DocumentNode, type GraphQLError } from 'graphql';
import { badInput } from '../errors.ts';

type Path = (string | number)[];

// A high surrogate not followed by a low one, or a low one not preceded by a high one.
const UNPAIRED_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/** Why a string cannot be stored as text, or undefined when it can. */
function textProblem(value: string): string | undefined {
  if (value.includes('\u0000')) return 'Text may not contain the NUL character (U+0000).';
  if (UNPAIRED_SURROGATE.test(value))
    return 'Text must be well-formed Unicode: it has an unpaired surrogate.';
  return undefined;
}

/** The first string in the variables that cannot be stored as text: its path and why. */
function badTextInVariables(
  variables: Record<string, unknown> | undefined,
): { path: Path; problem: string } | undefined {
  // Iterative: a deeply nested body must not overflow the stack.
  const stack: [unknown, Path][] = [[variables, []]];
  while (stack.length > 0) {
    const [value, path] = stack.pop()!;
    if (typeof value === 'string') {
      const problem = textProblem(value);
      if (problem) return { path, problem };
    } else if (Array.isArray(value)) {
      value.forEach((item, i) => stack.push([item, [...path, i]]));
    } else if (value && typeof value === 'object') {
      for (const [key, item] of Object.entries(value)) stack.push([item, [...path, key]]);
    }
  }
  return undefined;
}

function badTextInDocument(document: DocumentNode): string | undefined {
  let found: string | undefined;
  visit(document, {
    [Kind.STRING](node) {
      found ??= textProblem(node.value);
    },
  });
  return found;
}

/**
 * PostgreSQL text cannot hold U+0000, and neither UTF-8 nor jsonb an unpaired surrogate: such a
 * string fails inside the database, as an internal error or as a protocol violation that reads
 * like the database being down. No input of this API can mean anything with one, so the edge
 * refuses it before any resolver runs: BAD_USER_INPUT naming the variable's path (`field`), or
 * the literal.
 */
export function badTextError(
  document: DocumentNode,
  variables: Record<string, unknown> | undefined,
): GraphQLError | undefined {
  const inVariables = badTextInVariables(variables);
  if (inVariables) {
    return badInput(inVariables.problem, { field: inVariables.path.map(String) });
  }
  const inDocument = badTextInDocument(document);
  return inDocument ? badInput(inDocument) : undefined;
}
