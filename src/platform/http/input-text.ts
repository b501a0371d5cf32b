import { Kind, visit, type DocumentNode, type GraphQLError } from 'graphql';
import { badInput } from '../errors';

type Path = (string | number)[];

/** Where the first string containing U+0000 is in the variables, or undefined. */
function nulInVariables(variables: Record<string, unknown> | undefined): Path | undefined {
  // Iterative: a deeply nested body must not overflow the stack.
  const stack: [unknown, Path][] = [[variables, []]];
  while (stack.length > 0) {
    const [value, path] = stack.pop()!;
    if (typeof value === 'string') {
      if (value.includes('\u0000')) return path;
    } else if (Array.isArray(value)) {
      value.forEach((item, i) => stack.push([item, [...path, i]]));
    } else if (value && typeof value === 'object') {
      for (const [key, item] of Object.entries(value)) stack.push([item, [...path, key]]);
    }
  }
  return undefined;
}

function nulInDocument(document: DocumentNode): boolean {
  let found = false;
  visit(document, {
    [Kind.STRING](node) {
      if (node.value.includes('\u0000')) found = true;
    },
  });
  return found;
}

/**
 * PostgreSQL text cannot hold U+0000: a string carrying one fails inside the database, as an
 * internal error or as a protocol violation that reads like the database being down. No input
 * of this API can mean anything with it, so the edge refuses it before any resolver runs:
 * BAD_USER_INPUT naming the variable's path (`field`), or the literal.
 */
export function nulCharacterError(
  document: DocumentNode,
  variables: Record<string, unknown> | undefined,
): GraphQLError | undefined {
  const path = nulInVariables(variables);
  if (path) {
    return badInput('Text may not contain the NUL character (U+0000).', {
      field: path.map(String),
    });
  }
  if (nulInDocument(document)) {
    return badInput('Text may not contain the NUL character (U+0000).');
  }
  return undefined;
}
