import { Migration } from '@mikro-orm/migrations';

/**
 * Managing the shop catalogue through the API (docs/catalog.md): a version per shop and per
 * product for optimistic updates, products that can be deactivated, and the index behind the
 * per-consumer limit on unpaid shop orders.
 */
export class Migration20261201030000_shop_catalog extends Migration {
  override async up(): Promise<void> {
    this.addSql(
      `alter table shops add column version int not null default 1 check (version >= 1);`,
    );
    this.addSql(`alter table products
      add column active boolean not null default true,
      add column version int not null default 1 check (version >= 1);`);
    // What one consumer holds unpaid (confirmShopOrder's limit): their pending shop orders.
    this.addSql(`create index orders_unpaid_shop_idx on orders (consumer_id)
      where kind = 'SHOP' and status = 'PENDING_PAYMENT';`);
  }

  override async down(): Promise<void> {
    this.addSql(`drop index if exists orders_unpaid_shop_idx;`);
    this.addSql(
      `alter table products drop column if exists active, drop column if exists version;`,
    );
    this.addSql(`alter table shops drop column if exists version;`);
  }
}
