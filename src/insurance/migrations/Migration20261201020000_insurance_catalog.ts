import { Migration } from '@mikro-orm/migrations';

/**
 * Managing the insurance catalogue through the API (docs/catalog.md): a version per plan, item,
 * promotion, vehicle and driver for optimistic updates; a validity window per quotation (the
 * ones issued before it are valid for a year from their creation) and its withdrawal; and the
 * indexes of the underwriting work queues and of the orders a promotion change reaches.
 */
export class Migration20261201020000_insurance_catalog extends Migration {
  override async up(): Promise<void> {
    for (const table of [
      'insurance_plans',
      'insurance_plan_items',
      'promotions',
      'vehicles',
      'drivers',
    ]) {
      this.addSql(
        `alter table ${table} add column version int not null default 1 check (version >= 1);`,
      );
    }
    this.addSql(`alter table quotations
      add column valid_from timestamptz(3),
      add column valid_until timestamptz(3),
      add column withdrawn_at timestamptz(3);`);
    this.addSql(
      `update quotations set valid_from = created_at, valid_until = created_at + interval '1 year';`,
    );
    this.addSql(`alter table quotations
      alter column valid_from set not null,
      alter column valid_until set not null,
      add constraint quotations_validity check (valid_until > valid_from);`);
    // Underwriting waiting for an inspection or a result, oldest first; inspections by plan time.
    this.addSql(`create index underwrites_waiting_idx on underwrites (created_at, id)
      where result is null and not deleted;`);
    this.addSql(
      `create index underwrites_plan_time_idx on underwrites (plan_time, id) where not deleted;`,
    );
    // The plan orders a promotion's change reaches.
    this.addSql(`create index plan_order_ext_promotion_idx on plan_order_ext (promotion_id)
      where promotion_id is not null;`);
  }

  override async down(): Promise<void> {
    this.addSql(`drop index if exists plan_order_ext_promotion_idx;`);
    this.addSql(`drop index if exists underwrites_plan_time_idx;`);
    this.addSql(`drop index if exists underwrites_waiting_idx;`);
    this.addSql(`alter table quotations drop constraint if exists quotations_validity,
      drop column if exists valid_from, drop column if exists valid_until,
      drop column if exists withdrawn_at;`);
    for (const table of [
      'insurance_plans',
      'insurance_plan_items',
      'promotions',
      'vehicles',
      'drivers',
    ]) {
      this.addSql(`alter table ${table} drop column if exists version;`);
    }
  }
}
