import { Migration } from '@mikro-orm/migrations';

/**
 * Managing the factory through the API (docs/catalog.md): a version per plant and per
 * capability for optimistic updates, and plants that can be removed (kept for the schedules
 * and bookings that name them, off the factory page).
 */
export class Migration20261201010000_chip_catalog extends Migration {
  override async up(): Promise<void> {
    this.addSql(`alter table chip_plants
      add column version int not null default 1 check (version >= 1),
      add column removed_at timestamptz;`);
    this.addSql(
      `alter table chip_capabilities add column version int not null default 1 check (version >= 1);`,
    );
  }

  override async down(): Promise<void> {
    this.addSql(`alter table chip_capabilities drop column if exists version;`);
    this.addSql(
      `alter table chip_plants drop column if exists version, drop column if exists removed_at;`,
    );
  }
}
