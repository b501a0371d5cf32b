import { Kind, visit, type DocumentNode, type GraphQLError } from 'graphql';
import { badInput } from '../errors.ts';

// A high surrogate not followed by a low one, or a low one not preceded by a high one.
const UNPAIRED_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/**
 * Why a string cannot be stored as text, or undefined when it can. PostgreSQL text cannot hold
 * U+0000, and neither UTF-8 nor jsonb an unpaired surrogate: such a string fails inside the
 * database, as an internal error or as a protocol violation that reads like the database being
 * down. No input of this API can mean anything with one, so the edge refuses it before any
 * resolver runs (variables: ./variable-limits.ts).
 */
export function textProblem(value: string): string | undefined {
  if (value.includes('\u0000')) return 'Text may not contain the NUL character (U+0000).';
  if (UNPAIRED_SURROGATE.test(value))
    return 'Text must be well-formed Unicode: it has an unpaired surrogate.';
  return undefined;
}

/** BAD_USER_INPUT for the first string literal of the document that cannot be stored as text. */
export function badTextInDocument(document: DocumentNode): GraphQLError | undefined {
  let found: string | undefined;
  visit(document, {
    [Kind.STRING](node) {
      found ??= textProblem(node.value);
    },
  });
  return found ? badInput(found) : undefined;
}
