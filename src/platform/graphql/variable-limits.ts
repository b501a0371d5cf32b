import type { GraphQLError } from 'graphql';
import { badInput } from '../errors.ts';
import { textProblem } from './input-text.ts';
import { queryTooComplex, type QueryLimits } from './query-limits.ts';

/** What one pass over an operation's variables found. */
export interface VariablesScan {
  /** The first problem, or undefined when the variables may be used. */
  refusal?: GraphQLError;
  /** Values counted (scalars, lists and objects), up to where the pass stopped. */
  values: number;
}

/** A value on the walk's stack, with the way back to its variable for the error's `field`. */
interface Frame {
  value: unknown;
  key: string;
  parent: Frame | undefined;
  /** Lists and objects around the value, within its variable. */
  depth: number;
}

function pathOf(frame: Frame): string[] {
  const path: string[] = [];
  for (let at: Frame | undefined = frame; at; at = at.parent) path.push(at.key);
  return path.reverse();
}

/**
 * One pass over the variables, before anything else reads them: linear in their size, stopping
 * at the first problem. QUERY_TOO_COMPLEX for a value nested deeper than `maxVariableDepth` lists
 * and objects or for more than `maxVariableValues` values in all (HTTP 400, `field` the path of
 * the value at fault), BAD_USER_INPUT for text the database cannot store (`field` its path).
 * Iterative, so no nesting can overflow the stack; a path is built only for the value at fault.
 */
export function scanVariables(
  variables: Record<string, unknown> | null | undefined,
  limits: Pick<QueryLimits, 'maxVariableDepth' | 'maxVariableValues'>,
): VariablesScan {
  if (!variables || typeof variables !== 'object') return { values: 0 };
  const stack: Frame[] = [];
  let values = 0;
  // Counted before they are pushed, so a huge list is refused without walking it.
  const push = (parent: Frame | undefined, container: object): boolean => {
    const keys = Array.isArray(container) ? undefined : Object.keys(container);
    const length = keys ? keys.length : (container as unknown[]).length;
    values += length;
    if (values > limits.maxVariableValues) return false;
    const depth = parent ? parent.depth + 1 : 0;
    // Backwards, so the walk meets values in the order they were written.
    for (let i = length - 1; i >= 0; i--) {
      const key = keys ? keys[i] : String(i);
      stack.push({ value: (container as Record<string, unknown>)[key], key, parent, depth });
    }
    return true;
  };
  const tooMany = (): VariablesScan => ({
    refusal: queryTooComplex(
      `The variables hold more than ${limits.maxVariableValues} values (lists, objects and scalars).`,
      { limit: 'variableValues', maximum: limits.maxVariableValues },
    ),
    values,
  });
  if (!push(undefined, variables)) return tooMany();
  while (stack.length > 0) {
    const frame = stack.pop()!;
    const { value } = frame;
    if (typeof value === 'string') {
      const problem = textProblem(value);
      if (problem) return { refusal: badInput(problem, { field: pathOf(frame) }), values };
    } else if (value !== null && typeof value === 'object') {
      if (frame.depth >= limits.maxVariableDepth) {
        return {
          refusal: queryTooComplex(
            `A variable nests lists and objects more than ${limits.maxVariableDepth} deep.`,
            { limit: 'variableDepth', maximum: limits.maxVariableDepth, field: pathOf(frame) },
          ),
          values,
        };
      }
      if (!push(frame, value)) return tooMany();
    }
  }
  return { values };
}
