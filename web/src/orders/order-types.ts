import type { OrderDetailQuery } from '../generated/graphql.ts';

/** An order as the detail page loads it (any kind). */
export type DetailedOrder = NonNullable<OrderDetailQuery['order']>;
export type OrderOfType<T extends DetailedOrder['__typename']> = Extract<
  DetailedOrder,
  { __typename: T }
>;
