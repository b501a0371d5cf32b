import type { RequestContext } from '../context.ts';
import { ErrorCode } from '../platform/errors.ts';
import { InputChecks } from '../platform/input.rules.ts';
import { isBigintId } from '../platform/ids.ts';
import { ZERO } from '../platform/money.ts';
import { checkCart, checkPayment, priceLines } from './cart.rules.ts';
import { Shop } from './shop.entity.ts';
import type { CartInput } from './shop.input.ts';
import type { CartQuote } from './shop.types.ts';

/** The catalogue and the cart quote (processCode 1). Nothing here writes. */
export class ShopService {
  /** Every shop, in id order. */
  shops(ctx: RequestContext): Promise<Shop[]> {
    return ctx.em.find(Shop, {}, { orderBy: { id: 'asc' } });
  }

  /** One shop, or null when the id names none. */
  async shop(ctx: RequestContext, id: string): Promise<Shop | null> {
    return isBigintId(id) ? ctx.em.findOne(Shop, id) : null;
  }

  /**
   * Prices a cart at today's prices: each line's name, price and total, the number of items
   * and the payment. Saves nothing. Errors (unknown shop or product, a product of another
   * shop, a count out of range, a product on two lines) name the input field and come with no
   * lines; OUT_OF_STOCK only warns that confirming now would fail, and the lines are there.
   */
  async quote(ctx: RequestContext, input: CartInput): Promise<CartQuote> {
    const checks = new InputChecks();
    const cart = await checkCart(ctx.em, input, ['input'], checks);
    const names = { shopCnName: cart.shop?.cnName ?? '', shopEnName: cart.shop?.enName ?? '' };
    const refused = () => ({
      ...names,
      lines: [],
      totalAmount: 0,
      payment: ZERO,
      errors: checks.errors,
    });
    if (checks.any) return refused();
    const priced = priceLines(input.products, cart.products);
    checkPayment(priced.payment, ['input'], checks);
    if (checks.any) return refused();
    input.products.forEach((line, i) => {
      const product = cart.products.get(line.productId)!;
      if (product.stock < line.count) {
        checks.add(
          ErrorCode.OUT_OF_STOCK,
          `Only ${product.stock} of ${product.name} left; line ${i} asks for ${line.count}.`,
          ['input', 'products', i, 'count'],
        );
      }
    });
    return { ...names, ...priced, errors: checks.errors };
  }
}

export const shopCatalog = new ShopService();
