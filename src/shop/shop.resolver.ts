import { Arg, Ctx, FieldResolver, ID, Query, Resolver, Root } from 'type-graphql';
import type { RequestContext } from '../context.ts';
import { Anyone, LoggedIn } from '../platform/auth/roles.ts';
import { Product, Shop } from './shop.entity.ts';
import { CartInput } from './shop.input.ts';
import { loadProductsOfShop } from './shop.loaders.ts';
import { shopCatalog } from './shop.service.ts';
import { CartQuote } from './shop.types.ts';

/** Shops, their products and the cart quote. */
@Resolver(() => Shop)
export class ShopResolver {
  @Anyone()
  @Query(() => [Shop])
  shops(@Ctx() ctx: RequestContext): Promise<Shop[]> {
    return shopCatalog.shops(ctx);
  }

  @Anyone()
  @Query(() => Shop, { nullable: true })
  shop(@Arg('id', () => ID) id: string, @Ctx() ctx: RequestContext): Promise<Shop | null> {
    return shopCatalog.shop(ctx, id);
  }

  @LoggedIn()
  @Query(() => CartQuote, {
    description:
      "Price a cart at today's prices: each line, the number of items and the payment. Saves nothing.",
  })
  cartQuote(
    @Arg('input', () => CartInput) input: CartInput,
    @Ctx() ctx: RequestContext,
  ): Promise<CartQuote> {
    return shopCatalog.quote(ctx, input);
  }

  @FieldResolver(() => [Product], { description: 'In id order; deactivated ones on request.' })
  products(
    @Root() shop: Shop,
    @Arg('includeInactive', () => Boolean, { defaultValue: false }) includeInactive: boolean,
    @Ctx() ctx: RequestContext,
  ): Promise<Product[]> {
    return loadProductsOfShop(ctx, shop.id, includeInactive);
  }
}
