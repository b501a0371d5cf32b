import type { MikroORM } from '@mikro-orm/postgresql';
import { money } from '../../src/platform/money.ts';
import { OrderKind, type Order } from '../../src/platform/orders/order.entity.ts';
import { createOrder } from '../../src/platform/orders/order-lifecycle.ts';

/**
 * Makes bare orders through the real lifecycle code (ORDER_CREATED event included), for tests
 * of the shared order machinery that do not care about a kind's own rows.
 */
export class OrderFactory {
  constructor(private readonly orm: MikroORM) {}

  async create(
    consumerId: string,
    options: { kind?: OrderKind; payment?: string } = {},
  ): Promise<Order> {
    return this.orm.em.fork().transactional(async (em) => {
      const order = await createOrder(em, {
        kind: options.kind ?? OrderKind.SALE,
        consumerId,
        payment: money(options.payment ?? '100.00'),
        actorId: consumerId,
      });
      await em.flush();
      return order;
    });
  }
}
