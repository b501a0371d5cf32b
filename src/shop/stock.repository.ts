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
 * Takes `count` of each product off the shelf with one conditional update per line
 * (`stock = stock - n where stock >= n`), in product-id order so two carts never wait on each
 * other in a cycle. Returns each product's name and price read under the same row lock: the
 * snapshot the order keeps. When any line is short, throws OUT_OF_STOCK naming every short
 * line (`field` = path + index + "count"); the caller's transaction rolls back, so nothing
 * was taken.
 */
export async function reserveStock(
  em: EntityManager,
  shopId: string,
  lines: readonly { productId: string; count: number }[],
  path: FieldPath,
): Promise<Map<string, { name: string; price: Decimal }>> {
  const taken = new Map<string, { name: string; price: Decimal }>();
  const short: { index: number; error: UserError }[] = [];
  const order = lines
    .map((line, index) => ({ ...line, index }))
    .sort((a, b) => (BigInt(a.productId) < BigInt(b.productId) ? -1 : 1));
  for (const line of order) {
    // `active`: a product deactivated since the cart was checked is not sold either.
    const rows = await em.execute<{ name: string; price: string }[]>(
      `update products set stock = stock - ?, updated_at = now()
        where id = ? and shop_id = ? and stock >= ? and active returning name, price`,
      [line.count, line.productId, shopId, line.count],
    );
    if (rows.length === 1) {
      taken.set(line.productId, { name: rows[0].name, price: new Decimal(rows[0].price) });
      continue;
    }
    const [left] = await em.execute<{ name: string; stock: number; active: boolean }[]>(
      `select name, stock, active from products where id = ?`,
      [line.productId],
    );
    const name = left?.name ?? `product ${line.productId}`;
    short.push({
      index: line.index,
      error:
        left && !left.active
          ? userError(ErrorCode.INVALID_INPUT, `${name} is no longer sold.`, [
              ...path,
              line.index,
              'productId',
            ])
          : userError(
              ErrorCode.OUT_OF_STOCK,
              `Only ${left?.stock ?? 0} of ${name} left; line ${line.index} asks for ${line.count}.`,
              [...path, line.index, 'count'],
            ),
    });
  }
  if (short.length > 0) {
    throw new BusinessError(short.sort((a, b) => a.index - b.index).map((s) => s.error));
  }
  return taken;
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
