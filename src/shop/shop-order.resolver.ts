import { Arg, Ctx, FieldResolver, ID, Int, Mutation, Resolver, Root } from 'type-graphql';
import type { RequestContext } from '../context';
import { LoggedIn } from '../platform/auth/roles';
import type { Order } from '../platform/orders/order.entity';
import { PayType } from '../platform/orders/order-kinds';
import { DateTimeScalar } from '../platform/scalars';
import { Shop } from './shop.entity';
import { ConfirmShopOrderInput } from './shop.input';
import { loadShop, loadShopOrderLines, loadShopOrderRow } from './shop.loaders';
import { shopOrders } from './shop-order.service';
import { Address, CartLine, ShopOrderPayload, ShopOrderType } from './shop.types';

/** Seed 002's order confirmation, and the shop fields of a ShopOrder, all loaded in batches. */
@Resolver(() => ShopOrderType)
export class ShopOrderResolver {
  @LoggedIn()
  @Mutation(() => ShopOrderPayload, {
    description:
      'Seed 002 order confirmation (processCode 2): prices are snapshotted, stock reserved.',
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

  @FieldResolver(() => Shop)
  async shop(@Root() order: Order, @Ctx() ctx: RequestContext): Promise<Shop> {
    const row = await loadShopOrderRow(ctx, order.id);
    return (await loadShop(ctx, row.shop.id))!;
  }

  @FieldResolver(() => String)
  async shopCnName(@Root() order: Order, @Ctx() ctx: RequestContext): Promise<string> {
    return (await this.shop(order, ctx)).cnName;
  }

  @FieldResolver(() => String)
  async shopEnName(@Root() order: Order, @Ctx() ctx: RequestContext): Promise<string> {
    return (await this.shop(order, ctx)).enName;
  }

  @FieldResolver(() => Address)
  async address(@Root() order: Order, @Ctx() ctx: RequestContext): Promise<Address> {
    const { recipient, address, telNum } = await loadShopOrderRow(ctx, order.id);
    return { recipient, address, telNum };
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
  async totalAmount(@Root() order: Order, @Ctx() ctx: RequestContext): Promise<number> {
    return (await loadShopOrderRow(ctx, order.id)).totalAmount;
  }

  @FieldResolver(() => Boolean)
  async isCanceled(@Root() order: Order, @Ctx() ctx: RequestContext): Promise<boolean> {
    return (await loadShopOrderRow(ctx, order.id)).isCanceled;
  }

  @FieldResolver(() => PayType, { nullable: true })
  async payType(@Root() order: Order, @Ctx() ctx: RequestContext): Promise<PayType | null> {
    return (await loadShopOrderRow(ctx, order.id)).payType ?? null;
  }

  @FieldResolver(() => DateTimeScalar, { nullable: true })
  async expiresAt(@Root() order: Order, @Ctx() ctx: RequestContext): Promise<Date | null> {
    const row = await loadShopOrderRow(ctx, order.id);
    return row.payType || row.isCanceled ? null : (row.expiresAt ?? null);
  }
}
