import { Migration } from '@mikro-orm/migrations';

/**
 * Live order status (docs/live-status.md).
 *
 * 1. An event's position (tx_id, id) follows its order's lock order. A transaction may get its
 *    id (xid) before it waits for an order's row lock, e.g. payOrder writes its idempotency key
 *    first; if the holder of the lock then commits an event of the same order with a later
 *    xid, plain xids would put the waiter's later event first. The trigger raises a new row's
 *    tx_id to the order's latest committed tx_id. Raising never lowers a position below the
 *    writer's own xid, so the readers' rule "only tx_id below every running xid" still holds.
 * 2. Indexes for replays narrowed to one order or one consumer, in cursor order. The
 *    (order_id, tx_id, id) index replaces (order_id, id) for every per-order read.
 */
export class Migration20261122040000_live extends Migration {
  override async up(): Promise<void> {
    this.addSql(
      `create index order_events_order_cursor_idx on order_events (order_id, tx_id, id);`,
    );
    this.addSql(`drop index order_events_order_idx;`);
    this.addSql(
      `create index order_events_consumer_cursor_idx on order_events (consumer_id, tx_id, id);`,
    );
    this.addSql(`create function order_events_follow_order() returns trigger language plpgsql as $$
      declare latest xid8;
      begin
        select tx_id into latest from order_events
         where order_id = new.order_id order by tx_id desc limit 1;
        if latest is not null and latest > new.tx_id then new.tx_id := latest; end if;
        return new;
      end $$;`);
    this.addSql(`create trigger order_events_follow_order before insert on order_events
      for each row execute function order_events_follow_order();`);
  }

  override async down(): Promise<void> {
    this.addSql(`drop trigger if exists order_events_follow_order on order_events;`);
    this.addSql(`drop function if exists order_events_follow_order();`);
    this.addSql(`drop index if exists order_events_consumer_cursor_idx;`);
    this.addSql(
      `create index if not exists order_events_order_idx on order_events (order_id, id);`,
    );
    this.addSql(`drop index if exists order_events_order_cursor_idx;`);
  }
}
