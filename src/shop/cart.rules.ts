import type { EntityManager } from '@mikro-orm/postgresql';
import { ErrorCode, type FieldPath } from '../platform/errors.ts';
import { readRows } from '../platform/db/read-rows.ts';
import { isBigintId } from '../platform/ids.ts';
import { MAX_MONEY, type InputChecks } from '../platform/input.rules.ts';
import { Decimal, sum } from '../platform/money.ts';
import { Product, Shop } from './shop.entity.ts';
import type { CartInput } from './shop.input.ts';

/** At most this many lines per cart, and this many of one product per line. */
export const CART_LIMITS = { lines: 50, count: 9999 } as const;

/** A cart line with the product's name and price: a quote's line, or an order's snapshot. */
export interface PricedLine {
  productId: string;
  name: string;
  price: Decimal;
  count: number;
  totalPrice: Decimal;
}

export interface CheckedCart {
  shop: Shop | null;
  /** The catalogue rows the lines name, by product id (empty when the cart has errors). */
  products: Map<string, Product>;
}

/**
 * Checks a cart against the catalogue, reading only: the shop exists, there is at least one
 * line and not too many, and every line names a distinct product of that shop with a count
 * of 1 to 9999. Errors go into `checks`, naming the input field (`path` + "products", index, ...);
 * every line is checked, so a client sees all its mistakes at once.
 */
export async function checkCart(
  em: EntityManager,
  input: CartInput,
  path: FieldPath,
  checks: InputChecks,
): Promise<CheckedCart> {
  const products = new Map<string, Product>();
  // Plain rows (readRows), not em.find: the cart is only checked against them, never written.
  const [shop] = isBigintId(input.shopId) ? await readRows(em, Shop, { id: input.shopId }) : [];
  if (!shop) {
    checks.add(ErrorCode.NOT_FOUND, 'No such shop.', [...path, 'shopId']);
    return { shop: null, products };
  }
  const lines = input.products;
  if (lines.length === 0 || lines.length > CART_LIMITS.lines) {
    checks.add(
      ErrorCode.INVALID_INPUT,
      `A cart has 1 to ${CART_LIMITS.lines} lines; this one has ${lines.length}.`,
      [...path, 'products'],
    );
    return { shop, products };
  }
  const wanted = lines.map((l) => l.productId).filter(isBigintId);
  const rows = await readRows(em, Product, { id: [...new Set(wanted)] });
  const byId = new Map(rows.map((p) => [p.id, p]));
  const firstLine = new Map<string, number>();
  lines.forEach((line, i) => {
    const at = (...rest: string[]) => [...path, 'products', i, ...rest];
    const product = isBigintId(line.productId) ? byId.get(line.productId) : undefined;
    if (!product) {
      checks.add(ErrorCode.NOT_FOUND, `No product ${line.productId}.`, at('productId'));
    } else if (product.shop.id !== shop.id) {
      checks.add(
        ErrorCode.INVALID_INPUT,
        `Product ${product.id} (${product.name}) is sold by another shop, not ${shop.cnName}.`,
        at('productId'),
      );
    } else if (!product.active) {
      checks.add(
        ErrorCode.INVALID_INPUT,
        `Product ${product.id} (${product.name}) is no longer sold.`,
        at('productId'),
      );
    } else if (firstLine.has(product.id)) {
      checks.add(
        ErrorCode.INVALID_INPUT,
        `Product ${product.id} is already on line ${firstLine.get(product.id)}; put its whole count on one line.`,
        at('productId'),
      );
    } else {
      firstLine.set(product.id, i);
      products.set(product.id, product);
    }
    if (!Number.isInteger(line.count) || line.count < 1 || line.count > CART_LIMITS.count) {
      checks.add(
        ErrorCode.INVALID_INPUT,
        `The count must be 1 to ${CART_LIMITS.count}; line ${i} has ${line.count}.`,
        at('count'),
      );
    }
  });
  if (checks.any) products.clear();
  return { shop, products };
}

/**
 * True when `checkCart` could find fault with the cart only through the catalogue (an unknown
 * shop or product, another shop's product, one no longer sold): its ids are well-formed and
 * distinct, and its line and item counts within CART_LIMITS.
 */
export function isWellFormedCart(input: CartInput): boolean {
  const lines = input.products;
  return (
    isBigintId(input.shopId) &&
    lines.length > 0 &&
    lines.length <= CART_LIMITS.lines &&
    new Set(lines.map((l) => l.productId)).size === lines.length &&
    lines.every(
      (l) =>
        isBigintId(l.productId) &&
        Number.isInteger(l.count) &&
        l.count >= 1 &&
        l.count <= CART_LIMITS.count,
    )
  );
}

/** Prices lines at the given prices: each line's total, the number of items and the payment. */
export function priceLines(
  lines: readonly { productId: string; count: number }[],
  catalogue: ReadonlyMap<string, { name: string; price: Decimal }>,
): { lines: PricedLine[]; totalAmount: number; payment: Decimal } {
  const priced = lines.map(({ productId, count }) => {
    const { name, price } = catalogue.get(productId)!;
    return { productId, name, price, count, totalPrice: price.times(count) };
  });
  return {
    lines: priced,
    totalAmount: priced.reduce((n, l) => n + l.count, 0),
    payment: sum(priced.map((l) => l.totalPrice)),
  };
}

/** INVALID_INPUT when the payment does not fit the money columns. */
export function checkPayment(payment: Decimal, path: FieldPath, checks: InputChecks): void {
  if (payment.lte(MAX_MONEY)) return;
  checks.add(
    ErrorCode.INVALID_INPUT,
    `The cart costs ${payment.toFixed(2)}, more than one order may (${MAX_MONEY.toFixed(2)}).`,
    [...path, 'products'],
  );
}
