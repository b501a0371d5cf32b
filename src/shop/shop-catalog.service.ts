import type { EntityManager } from '@mikro-orm/postgresql';
import type { RequestContext } from '../context.ts';
import { catalogHistory } from '../platform/catalog/catalog-history.service.ts';
import {
  catalogPayload,
  editAtVersion,
  recordCreated,
  type UniqueField,
} from '../platform/catalog/catalog-write.ts';
import { BusinessError, ErrorCode } from '../platform/errors.ts';
import { isBigintId } from '../platform/ids.ts';
import { InputChecks } from '../platform/input.rules.ts';
import { Product, Shop } from './shop.entity.ts';
import type {
  AdjustProductStockInput,
  CreateProductInput,
  CreateShopInput,
  UpdateProductInput,
  UpdateShopInput,
} from './shop-catalog.input.ts';
import type { ProductPayload, ShopPayload } from './shop-catalog.types.ts';
import { reservedUnits } from './stock.repository.ts';

/** Sizes the tables' CHECKs also hold; stock stays well inside an int column. */
export const SHOP_CATALOG_LIMITS = { shopName: 100, productName: 200, stock: 1_000_000_000 };

const SHOP_NAMES: UniqueField[] = [
  {
    constraint: 'shops_cn_name_key',
    field: ['input', 'cnName'],
    message: 'Another shop has this Chinese name.',
  },
  {
    constraint: 'shops_en_name_key',
    field: ['input', 'enName'],
    message: 'Another shop has this English name.',
  },
];
const PRODUCT_NAMES: UniqueField[] = [
  {
    constraint: 'products_shop_name_key',
    field: ['input', 'name'],
    message: 'The shop already sells a product of this name.',
  },
];

const at = (entityType: 'SHOP' | 'PRODUCT', entityId: string, actorId: string | null) => ({
  entityType,
  entityId,
  actorId,
});

/**
 * Staff's changes to the shop catalogue: shops, products, prices, stock. Each runs in one
 * transaction with its history entry (catalog_changes). Names and prices change under the
 * row's lock and only at the version the caller read (else STALE_UPDATE); stock moves only by
 * a conditional delta, so no edit can ever write back a stock figure an order has since taken
 * from. The `add*`, `change*` and `moveStock` methods are the rules themselves, on the
 * caller's transaction (the demo data loads through them); the others are the API's payloads.
 */
export class ShopCatalogEditor {
  createShop(ctx: RequestContext, input: CreateShopInput): Promise<ShopPayload> {
    return catalogPayload(ctx, 'shop', (em, actor) => this.addShop(em, actor, input), SHOP_NAMES);
  }

  updateShop(ctx: RequestContext, input: UpdateShopInput): Promise<ShopPayload> {
    return catalogPayload(
      ctx,
      'shop',
      (em, actor) => this.changeShop(em, actor, input),
      SHOP_NAMES,
    );
  }

  createProduct(ctx: RequestContext, input: CreateProductInput): Promise<ProductPayload> {
    return catalogPayload(
      ctx,
      'product',
      (em, actor) => this.addProduct(em, actor, input),
      PRODUCT_NAMES,
    );
  }

  updateProduct(ctx: RequestContext, input: UpdateProductInput): Promise<ProductPayload> {
    return catalogPayload(
      ctx,
      'product',
      (em, actor) => this.changeProduct(em, actor, input),
      PRODUCT_NAMES,
    );
  }

  adjustStock(ctx: RequestContext, input: AdjustProductStockInput): Promise<ProductPayload> {
    return catalogPayload(ctx, 'product', (em, actor) => this.moveStock(em, actor, input));
  }

  /** A new shop (INVALID_INPUT for an empty, long or taken name). */
  async addShop(em: EntityManager, actorId: string | null, input: CreateShopInput): Promise<Shop> {
    const checks = new InputChecks();
    const max = SHOP_CATALOG_LIMITS.shopName;
    const cnName = checks.text(input.cnName, max, 'The Chinese name', ['input', 'cnName']);
    const enName = checks.text(input.enName, max, 'The English name', ['input', 'enName']);
    checks.throwIfAny();
    const shop = em.create(Shop, { cnName, enName, createdAt: new Date(), version: 1 });
    await em.flush();
    recordCreated(em, at('SHOP', shop.id, actorId), { cnName, enName });
    return shop;
  }

  /** Renames a shop at the version the caller read. */
  async changeShop(
    em: EntityManager,
    actorId: string | null,
    input: UpdateShopInput,
  ): Promise<Shop> {
    const max = SHOP_CATALOG_LIMITS.shopName;
    const { row } = await editAtVersion(em, actorId, {
      entity: Shop,
      entityType: 'SHOP',
      id: input.shopId,
      validId: isBigintId,
      notFound: { message: 'No such shop.', field: ['input', 'shopId'] },
      expectedVersion: input.expectedVersion,
      named: (shop) => `Shop ${shop.id}`,
      patch: (checks) => ({
        cnName: checks.optionalText(input.cnName, max, 'The Chinese name', ['input', 'cnName']),
        enName: checks.optionalText(input.enName, max, 'The English name', ['input', 'enName']),
      }),
    });
    return row;
  }

  /** A new product of a shop, active, with its opening stock. */
  async addProduct(
    em: EntityManager,
    actorId: string | null,
    input: CreateProductInput,
  ): Promise<Product> {
    const shop = isBigintId(input.shopId) ? await em.findOne(Shop, input.shopId) : null;
    if (!shop) throw BusinessError.of(ErrorCode.NOT_FOUND, 'No such shop.', ['input', 'shopId']);
    const checks = new InputChecks();
    const name = checks.text(input.name, SHOP_CATALOG_LIMITS.productName, 'The name', [
      'input',
      'name',
    ]);
    const price = checks.money(input.price, 'The price', ['input', 'price']);
    const stock = checks.int(input.stock, 0, SHOP_CATALOG_LIMITS.stock, 'The stock', [
      'input',
      'stock',
    ]);
    checks.throwIfAny();
    const product = em.create(Product, {
      shop,
      name,
      price,
      stock,
      active: true,
      version: 1,
      updatedAt: new Date(),
    });
    await em.flush();
    recordCreated(em, at('PRODUCT', product.id, actorId), { shopId: shop.id, name, price, stock });
    return product;
  }

  /**
   * Name, price or active at the version the caller read. The stock is not written: confirmed
   * orders keep their snapshot and their reservation whatever the edit.
   */
  async changeProduct(
    em: EntityManager,
    actorId: string | null,
    input: UpdateProductInput,
  ): Promise<Product> {
    const { row: product, changes } = await editAtVersion(em, actorId, {
      entity: Product,
      entityType: 'PRODUCT',
      id: input.productId,
      validId: isBigintId,
      notFound: { message: 'No such product.', field: ['input', 'productId'] },
      expectedVersion: input.expectedVersion,
      named: (row) => `Product ${row.id}`,
      patch: (checks) => ({
        name: checks.optionalText(input.name, SHOP_CATALOG_LIMITS.productName, 'The name', [
          'input',
          'name',
        ]),
        price: checks.optionalMoney(input.price, 'The price', ['input', 'price']),
        active: input.active ?? undefined,
      }),
    });
    if (Object.keys(changes).length > 0) product.updatedAt = new Date();
    return product;
  }

  /**
   * Restocks (delta > 0) or takes units away (delta < 0) with one conditional update, so it
   * composes with every reservation running at the same time: the free stock can never go
   * below 0, and units unpaid orders hold are never taken (INVALID_INPUT says how many are).
   */
  async moveStock(
    em: EntityManager,
    actorId: string | null,
    input: AdjustProductStockInput,
  ): Promise<Product> {
    const checks = new InputChecks();
    const max = SHOP_CATALOG_LIMITS.stock;
    checks.int(input.delta, -max, max, 'The delta', ['input', 'delta']);
    if (input.delta === 0)
      checks.add(ErrorCode.INVALID_INPUT, 'A delta of 0 moves nothing.', ['input', 'delta']);
    const reason = checks.text(input.reason, 200, 'The reason', ['input', 'reason']);
    if (!isBigintId(input.productId)) {
      checks.add(ErrorCode.NOT_FOUND, 'No such product.', ['input', 'productId']);
    }
    checks.throwIfAny();
    const [moved] = await em.execute<{ stock: number }[]>(
      `update products set stock = stock + ?, updated_at = now()
        where id = ? and stock::bigint + ? between 0 and ? returning stock`,
      [input.delta, input.productId, input.delta, max],
    );
    if (!moved) await this.refuseStockMove(em, input);
    catalogHistory.record(em, {
      ...at('PRODUCT', input.productId, actorId),
      action: 'STOCK_ADJUSTED',
      changes: { stock: { from: moved.stock - input.delta, to: moved.stock } },
      reason,
    });
    return em.findOneOrFail(Product, input.productId, { refresh: true });
  }

  /** Why a stock move found no row to update: no product, too few free units, or too many. */
  private async refuseStockMove(em: EntityManager, input: AdjustProductStockInput): Promise<never> {
    const [row] = await em.execute<{ name: string; stock: number }[]>(
      `select name, stock from products where id = ?`,
      [input.productId],
    );
    const field = ['input', 'delta'];
    if (!row)
      throw BusinessError.of(ErrorCode.NOT_FOUND, 'No such product.', ['input', 'productId']);
    if (input.delta > 0) {
      throw BusinessError.of(
        ErrorCode.INVALID_INPUT,
        `${row.name} would hold more than ${SHOP_CATALOG_LIMITS.stock} units.`,
        field,
      );
    }
    const held = (await reservedUnits(em, [input.productId])).get(input.productId) ?? 0;
    throw BusinessError.of(
      ErrorCode.INVALID_INPUT,
      `Only ${row.stock} of ${row.name} are free to take away, not ${-input.delta}; the ${held} more that unpaid orders hold stay theirs.`,
      field,
    );
  }
}

export const shopCatalogEditor = new ShopCatalogEditor();
