import { Migration } from '@mikro-orm/migrations';

/**
 * `Plant.bookings` without a window asks for a plant's first `first` bookings by start. The
 * exclusion constraint's GiST index finds a plant's bookings but not in start order, so every
 * booking of the plant was read and sorted to keep 100 (bench/indexes.ts showed it). A btree on (plant_id, start_tick) reads just those 100.
 */
export class Migration20261130010000_chip_bookings_by_start extends Migration {
  override async up(): Promise<void> {
    this.addSql(
      `create index if not exists chip_bookings_plant_start_idx on chip_bookings (plant_id, start_tick);`,
    );
  }

  override async down(): Promise<void> {
    this.addSql(`drop index if exists chip_bookings_plant_start_idx;`);
  }
}
