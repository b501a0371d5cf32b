import { Migration } from '@mikro-orm/migrations';

/**
 * One row once the demo data has been seeded in full. `npm start` seeds only while it is
 * missing, so a first start stopped mid-seed is completed by the next one, but what an operator
 * later deletes or changes (a demo account, a product) is not brought back by a restart.
 */
export class Migration20261130000000_demo_data extends Migration {
  override async up(): Promise<void> {
    this.addSql(`create table if not exists demo_data_seeded (
      singleton boolean primary key default true check (singleton),
      completed_at timestamptz not null default now()
    );`);
  }

  override async down(): Promise<void> {
    this.addSql(`drop table if exists demo_data_seeded;`);
  }
}
