import { Arg, Ctx, FieldResolver, Int, Mutation, Query, Resolver, Root } from 'type-graphql';
import type { RequestContext } from '../context.ts';
import { AdminOnly, Anyone, Staff } from '../platform/auth/roles.ts';
import { Product } from './shop.entity.ts';
import {
  AdjustProductStockInput,
  CreateProductInput,
  CreateShopInput,
  UpdateProductInput,
  UpdateShopInput,
} from './shop-catalog.input.ts';
import { shopCatalogEditor } from './shop-catalog.service.ts';
import { ProductPayload, ShopOrderLimits, ShopPayload } from './shop-catalog.types.ts';
import { loadReservedUnits } from './shop.loaders.ts';
import { describeLimits } from './unpaid-limits.rules.ts';

/** Managing the shop catalogue (docs/catalog.md): ADMIN shapes it, OPERATOR moves stock too. */
@Resolver(() => Product)
export class ShopCatalogResolver {
  @AdminOnly()
  @Mutation(() => ShopPayload, { description: 'ADMIN: open a shop.' })
  createShop(
    @Arg('input', () => CreateShopInput) input: CreateShopInput,
    @Ctx() ctx: RequestContext,
  ): Promise<ShopPayload> {
    return shopCatalogEditor.createShop(ctx, input);
  }

  @AdminOnly()
  @Mutation(() => ShopPayload, { description: 'ADMIN: rename a shop (at the version read).' })
  updateShop(
    @Arg('input', () => UpdateShopInput) input: UpdateShopInput,
    @Ctx() ctx: RequestContext,
  ): Promise<ShopPayload> {
    return shopCatalogEditor.updateShop(ctx, input);
  }

  @AdminOnly()
  @Mutation(() => ProductPayload, { description: 'ADMIN: add a product to a shop.' })
  createProduct(
    @Arg('input', () => CreateProductInput) input: CreateProductInput,
    @Ctx() ctx: RequestContext,
  ): Promise<ProductPayload> {
    return shopCatalogEditor.createProduct(ctx, input);
  }

  @AdminOnly()
  @Mutation(() => ProductPayload, {
    description:
      "ADMIN: change a product's name or price, or (de)activate it, at the version read. Confirmed orders keep their names and prices; stock is not touched.",
  })
  updateProduct(
    @Arg('input', () => UpdateProductInput) input: UpdateProductInput,
    @Ctx() ctx: RequestContext,
  ): Promise<ProductPayload> {
    return shopCatalogEditor.updateProduct(ctx, input);
  }

  @Staff()
  @Mutation(() => ProductPayload, {
    description:
      'OPERATOR or ADMIN: restock (delta > 0) or take units away (delta < 0) at once with every order running: never below what unpaid orders hold.',
  })
  adjustProductStock(
    @Arg('input', () => AdjustProductStockInput) input: AdjustProductStockInput,
    @Ctx() ctx: RequestContext,
  ): Promise<ProductPayload> {
    return shopCatalogEditor.adjustStock(ctx, input);
  }

  @Anyone()
  @Query(() => ShopOrderLimits, {
    description: 'What one consumer may hold in unpaid shop orders at once, and for how long.',
  })
  shopOrderLimits(@Ctx() ctx: RequestContext): ShopOrderLimits {
    return describeLimits(ctx.config);
  }

  @FieldResolver(() => Int, {
    description: 'Units unpaid orders hold (not in stock): they come back if those orders lapse.',
  })
  reserved(@Root() product: Product, @Ctx() ctx: RequestContext): Promise<number> {
    return loadReservedUnits(ctx, product.id);
  }
}
