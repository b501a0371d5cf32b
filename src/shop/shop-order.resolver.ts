import { Arg, Ctx, FieldResolver, ID, Int, Mutation, Resolver, Root } from 'type-graphql';
import type { RequestContext } from '../context.ts';
import { LoggedIn } from '../platform/auth/roles.ts';
import { andThen, type MaybePromise } from '../platform/loaders.ts';
import type { Order } from '../platform/orders/order.entity.ts';
import { PayType } from '../platform/orders/order-kinds.ts';
import { DateTimeScalar } from '../platform/scalars.ts';
import { Shop } from './shop.entity.ts';
import { ConfirmShopOrderInput } from './shop.input.ts';
import { loadShop, loadShopOrderLines, loadShopOrderRow } from './shop.loaders.ts';
import { shopOrders } from './shop-order.service.ts';
import { Address, CartLine, ShopOrderPayload, ShopOrderType } from './shop.types.ts';

/** The shop order's confirmation, and the shop fields of a ShopOrder, all loaded in batches. */
@Resolver(() => ShopOrderType)
export class ShopOrderResolver {
  @LoggedIn()
  @Mutation(() => ShopOrderPayload, {
    description:
      'Place a shop order: names and prices are copied into the order and its stock is reserved until it is paid, cancelled or expires. One consumer may hold only so many unpaid orders, items and value at once (Query.shopOrderLimits; UNPAID_LIMIT_REACHED past them).',
  })
  confirmShopOrder(
    @Arg('input', () => ConfirmShopOrderInput) input: ConfirmShopOrderInput,
    @Arg('idempotencyKey', () => String, {
      nullable: true,
      description: 'The same key with the same input returns the first order, reserving once.',
    })
    idempotencyKey: string | null,
    @Ctx() ctx: RequestContext,
  ): Promise<ShopOrderPayload> {
    return shopOrders.confirm(ctx, input, idempotencyKey);
  }

  // shop_orders comes with the page of orders (order-prefetch.ts): these fields return values.
  @FieldResolver(() => Shop)
  shop(@Root() order: Order, @Ctx() ctx: RequestContext): MaybePromise<Shop> {
    return andThen(
      andThen(loadShopOrderRow(ctx, order.id), (row) => loadShop(ctx, row.shop.id)),
      (shop) => shop!,
    );
  }

  @FieldResolver(() => String)
  shopCnName(@Root() order: Order, @Ctx() ctx: RequestContext): MaybePromise<string> {
    return andThen(this.shop(order, ctx), (shop) => shop.cnName);
  }

  @FieldResolver(() => String)
  shopEnName(@Root() order: Order, @Ctx() ctx: RequestContext): MaybePromise<string> {
    return andThen(this.shop(order, ctx), (shop) => shop.enName);
  }

  @FieldResolver(() => Address)
  address(@Root() order: Order, @Ctx() ctx: RequestContext): MaybePromise<Address> {
    return andThen(loadShopOrderRow(ctx, order.id), ({ recipient, address, telNum }) => ({
      recipient,
      address,
      telNum,
    }));
  }

  @FieldResolver(() => [CartLine])
  lines(@Root() order: Order, @Ctx() ctx: RequestContext): Promise<CartLine[]> {
    return loadShopOrderLines(ctx, order.id);
  }

  @FieldResolver(() => [ID])
  async productIds(@Root() order: Order, @Ctx() ctx: RequestContext): Promise<string[]> {
    return (await loadShopOrderLines(ctx, order.id)).map((l) => l.productId);
  }

  @FieldResolver(() => Int)
  totalAmount(@Root() order: Order, @Ctx() ctx: RequestContext): MaybePromise<number> {
    return andThen(loadShopOrderRow(ctx, order.id), (row) => row.totalAmount);
  }

  @FieldResolver(() => Boolean)
  isCanceled(@Root() order: Order, @Ctx() ctx: RequestContext): MaybePromise<boolean> {
    return andThen(loadShopOrderRow(ctx, order.id), (row) => row.isCanceled);
  }

  @FieldResolver(() => PayType, { nullable: true })
  payType(@Root() order: Order, @Ctx() ctx: RequestContext): MaybePromise<PayType | null> {
    return andThen(loadShopOrderRow(ctx, order.id), (row) => row.payType ?? null);
  }

  @FieldResolver(() => DateTimeScalar, { nullable: true })
  expiresAt(@Root() order: Order, @Ctx() ctx: RequestContext): MaybePromise<Date | null> {
    return andThen(loadShopOrderRow(ctx, order.id), (row) =>
      row.payType || row.isCanceled ? null : (row.expiresAt ?? null),
    );
  }
}
