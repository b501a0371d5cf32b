import { Migration } from '@mikro-orm/migrations';

/**
 * Indexes the EXPLAIN runs of bench/indexes.ts showed missing (figures in BENCHMARKS.md):
 * - staff `orders(consumerId:)` must also list a consumer's deleted orders, which the partial
 *   index could not serve: a seq scan of every order for a consumer with few. The consumer
 *   index now covers every row and carries deleted_at, so the consumer's own list and count
 *   (deleted_at is null) still read only the index.
 * - staff `orders(status:)` walked the whole updated-at index to find a rare status (an
 *   operator's UNDERWRITING queue), and counted it with a seq scan.
 * The new consumer index has a new name, so on a large live table both can be built by hand
 * with CREATE INDEX CONCURRENTLY first ("if not exists" then skips them).
 */
export class Migration20261122050000_perf extends Migration {
  override async up(): Promise<void> {
    this.addSql(`drop index if exists orders_consumer_updated_idx;`);
    this.addSql(
      `create index if not exists orders_consumer_all_updated_idx on orders (consumer_id, updated_at desc, id desc) include (deleted_at);`,
    );
    this.addSql(
      `create index if not exists orders_status_updated_idx on orders (status, updated_at desc, id desc);`,
    );
  }

  override async down(): Promise<void> {
    this.addSql(`drop index if exists orders_status_updated_idx;`);
    this.addSql(`drop index if exists orders_consumer_all_updated_idx;`);
    this.addSql(
      `create index orders_consumer_updated_idx on orders (consumer_id, updated_at desc, id desc) where deleted_at is null;`,
    );
  }
}
