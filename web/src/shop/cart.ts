/** Counts by product id; a product at 0 is not in the cart. */
export type Cart = Record<string, number>;

export function cartLines(cart: Cart): { productId: string; count: number }[] {
  return Object.entries(cart)
    .filter(([, count]) => count > 0)
    .map(([productId, count]) => ({ productId, count }));
}
