import { GraphQLError } from 'graphql';
import { Field, ObjectType, registerEnumType } from 'type-graphql';

/**
 * The error policy of all three businesses (docs/errors.md#which-kind-one-policy-for-the-three-businesses):
 * - GraphQL error BAD_USER_INPUT (`badInput`, `extensions.field`): what a client's code gets
 *   wrong, refused before any read: a value not of the schema's type, the API's own request
 *   limits (`first` 1..100, cursors, idempotency keys, text the database cannot store).
 * - Payload UserError (`userError`, collected in InputChecks, `field` a FieldPath): everything
 *   else wrong with the input of an operation that has `errors`, values a person chose and the
 *   sizes a person meets in a form (cart lines, order items, photos, name lengths) alike.
 * - An operation with no `errors` in its answer (queries, field arguments, subscriptions,
 *   analyzeChipOrder, setPlantStatus, ...) refuses everything as BAD_USER_INPUT; ChipPlanInput's
 *   limits are BAD_USER_INPUT in confirmChipOrder too, so analysis and confirmation agree.
 * - Authentication and authorization are GraphQL errors always (`requireOwnerOrStaff`).
 */

/** Business outcomes a client is expected to handle (the contract's ErrorCode). */
export enum ErrorCode {
  CONSUMER_NOT_FOUND = 'CONSUMER_NOT_FOUND',
  WRONG_PASSWORD = 'WRONG_PASSWORD',
  NOT_FOUND = 'NOT_FOUND',
  INVALID_INPUT = 'INVALID_INPUT',
  INVALID_TRANSITION = 'INVALID_TRANSITION',
  INSUFFICIENT_BALANCE = 'INSUFFICIENT_BALANCE',
  PLAN_INFEASIBLE = 'PLAN_INFEASIBLE',
  PRICE_MISMATCH = 'PRICE_MISMATCH',
  OUT_OF_STOCK = 'OUT_OF_STOCK',
  STALE_UPDATE = 'STALE_UPDATE',
  IDEMPOTENCY_KEY_REUSED = 'IDEMPOTENCY_KEY_REUSED',
  UNPAID_LIMIT_REACHED = 'UNPAID_LIMIT_REACHED',
  QUOTATION_EXPIRED = 'QUOTATION_EXPIRED',
  IN_USE = 'IN_USE',
}
registerEnumType(ErrorCode, {
  name: 'ErrorCode',
  valuesConfig: {
    UNPAID_LIMIT_REACHED: {
      description:
        'confirmShopOrder: the consumer would hold more unpaid shop orders, items or value than allowed (Query.shopOrderLimits).',
    },
    QUOTATION_EXPIRED: {
      description:
        'The quotation is past its validity window (or withdrawn): it can no longer be ordered or paid for; ask for a new one.',
    },
    IN_USE: {
      description:
        'The catalogue entry cannot be removed or moved: live orders or bookings depend on it (the message names them).',
    },
  },
});

/** Where in the input a problem is: `['input', 'lots', 0, 'quantity']` (numbers are list indexes). */
export type FieldPath = (string | number)[];

@ObjectType()
export class UserError {
  @Field(() => ErrorCode)
  code!: ErrorCode;

  @Field(() => String)
  message!: string;

  @Field(() => [String], {
    nullable: true,
    description: 'Path to the offending input field, e.g. ["input", "lots", "0", "quantity"].',
  })
  field?: FieldPath | null;
}

/** The one way to make an expected business outcome: it goes into a payload's `errors`. */
export function userError(code: ErrorCode, message: string, field?: FieldPath): UserError {
  return Object.assign(new UserError(), { code, message, field: field?.map(String) ?? null });
}

/**
 * A business outcome raised from deep inside a service (a debit inside a transaction, say).
 * Throwing it rolls the transaction back; the service that opened the transaction catches it
 * and answers its `errors` in the payload.
 */
export class BusinessError extends Error {
  constructor(readonly errors: UserError[]) {
    super(errors.map((e) => e.message).join('; '));
  }

  static of(code: ErrorCode, message: string, field?: FieldPath): BusinessError {
    return new BusinessError([userError(code, message, field)]);
  }
}

/** Transport-level failures: GraphQL errors with these `extensions.code`s. */
export type GraphQLErrorCode =
  | 'UNAUTHENTICATED'
  | 'FORBIDDEN'
  | 'BAD_USER_INPUT'
  | 'BAD_REQUEST'
  | 'QUERY_TOO_COMPLEX'
  | 'RATE_LIMITED'
  | 'SERVICE_UNAVAILABLE'
  | 'TIMEOUT'
  | 'NOT_FOUND'
  | 'INTERNAL_SERVER_ERROR';

/** The one way to make an exceptional outcome. */
export function graphQLError(
  code: GraphQLErrorCode,
  message: string,
  extensions: Record<string, unknown> = {},
): GraphQLError {
  return new GraphQLError(message, { extensions: { code, ...extensions } });
}

export const unauthenticated = () => graphQLError('UNAUTHENTICATED', 'You must be logged in.');
export const forbidden = (message = 'You are not allowed to do this.') =>
  graphQLError('FORBIDDEN', message);
export const badInput = (message: string, extensions: Record<string, unknown> = {}) =>
  graphQLError('BAD_USER_INPUT', message, extensions);

/** Removes graphql-js's "Did you mean ...?" hints, which show the schema to whoever guesses. */
export function hideSuggestions(message: string): string {
  return message.replace(/ ?Did you mean .+\?$/, '');
}
