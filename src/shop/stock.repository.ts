import type { EntityManager } from '@mikro-orm/postgresql';
import {
  BusinessError,
  ErrorCode,
  userError,
  type UserError,
  type FieldPath,
} from '../platform/errors.ts';
import { Decimal } from '../platform/money.ts';

/**
 * Takes `count` of each product off the shelf in one statement: the products' rows are locked
 * in product-id order (so two carts never wait on each other in a cycle), then each is updated
 * only if `stock >= count` and it is still sold. Returns each product's name and price read
 * under the same row lock: the snapshot the order keeps. When any line is short, throws
 * OUT_OF_STOCK naming every short line (`field` = path + index + "count"); the caller's
 * transaction rolls back, so nothing was taken.
 */
export async function reserveStock(
  em: EntityManager,
  shopId: string,
  lines: readonly { productId: string; count: number }[],
  path: FieldPath,
): Promise<Map<string, { name: string; price: Decimal }>> {
  const wanted = JSON.stringify(lines.map((l) => ({ product_id: l.productId, count: l.count })));
  // `active`: a product no longer sold is not taken, whatever its stock.
  const rows = await em.execute<{ id: string; name: string; price: string }[]>(
    `with locked as materialized (
       select p.id, w.count
         from products p join jsonb_to_recordset(?::jsonb) as w (product_id bigint, count int)
           on w.product_id = p.id
        where p.shop_id = ?
        order by p.id
          for update of p
     )
     update products p set stock = p.stock - l.count, updated_at = now()
       from locked l
      where p.id = l.id and p.stock >= l.count and p.active
     returning p.id::text as id, p.name, p.price`,
    [wanted, shopId],
  );
  const taken = new Map(
    rows.map((r) => [r.id, { name: r.name, price: new Decimal(r.price) }] as const),
  );
  if (taken.size < lines.length) throw await shortLines(em, lines, taken, path);
  return taken;
}

/** What a reservation that took fewer lines than asked found short, each line by its index. */
async function shortLines(
  em: EntityManager,
  lines: readonly { productId: string; count: number }[],
  taken: ReadonlyMap<string, unknown>,
  path: (string | number)[],
): Promise<BusinessError> {
  const short = lines.flatMap((line, index) =>
    taken.has(line.productId) ? [] : [{ line, index }],
  );
  const left = await em.execute<{ id: string; name: string; stock: number; active: boolean }[]>(
    `select id::text as id, name, stock, active from products
      where id in (select jsonb_array_elements_text(?::jsonb)::bigint)`,
    [JSON.stringify(short.map((s) => s.line.productId))],
  );
  const byId = new Map(left.map((p) => [p.id, p]));
  return new BusinessError(
    short.map(({ line, index }): UserError => {
      const product = byId.get(line.productId);
      const name = product?.name ?? `product ${line.productId}`;
      return product && !product.active
        ? userError(ErrorCode.INVALID_INPUT, `${name} is no longer sold.`, [
            ...path,
            index,
            'productId',
          ])
        : userError(
            ErrorCode.OUT_OF_STOCK,
            `Only ${product?.stock ?? 0} of ${name} left; line ${index} asks for ${line.count}.`,
            [...path, index, 'count'],
          );
    }),
  );
}

/** Units of each product that unpaid, not called-off orders hold (0 when none), one statement. */
export async function reservedUnits(
  em: EntityManager,
  productIds: readonly string[],
): Promise<Map<string, number>> {
  const rows = await em.execute<{ product_id: string; held: string }[]>(
    `select l.product_id::text as product_id, sum(l.count) as held
       from shop_order_lines l join shop_orders s on s.order_id = l.order_id
      where l.product_id in (select jsonb_array_elements_text(?::jsonb)::bigint)
        and s.pay_type is null and not s.is_canceled
      group by l.product_id`,
    [JSON.stringify(productIds)],
  );
  return new Map(rows.map((r) => [r.product_id, Number(r.held)]));
}

/**
 * Puts an order's reserved items back on the shelf, in the caller's transaction, line by line
 * in product-id order (the order reservations lock in, so the two never deadlock).
 */
export async function releaseStock(em: EntityManager, orderId: string): Promise<void> {
  const lines = await em.execute<{ product_id: string; count: number }[]>(
    `select product_id, count from shop_order_lines where order_id = ? order by product_id`,
    [orderId],
  );
  for (const line of lines) {
    await em.execute(`update products set stock = stock + ?, updated_at = now() where id = ?`, [
      line.count,
      line.product_id,
    ]);
  }
}
