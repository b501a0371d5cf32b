import { Migration } from '@mikro-orm/migrations';

/**
 * Chip manufacturing: plants, chips and their operation steps, which plant can do
 * which step (capabilities), the production clock, chip orders with their lots and scheduled
 * operations, and plant bookings. Ticks are bigint so no quantity can overflow them; the
 * exclusion constraint on bookings is what makes double-booking a plant impossible, whatever
 * the application does.
 */
export class Migration20261122010000_chip extends Migration {
  override async up(): Promise<void> {
    this.addSql(`create extension if not exists btree_gist;`);

    this.addSql(`create table chip_plants (
      id serial primary key,
      name text not null unique check (length(name) between 1 and 200),
      status text not null default 'RUNNING' check (status in ('RUNNING', 'IDLE', 'MAINTENANCE')),
      position int not null default 0,
      created_at timestamptz not null default now()
    );`);

    this.addSql(`create table chips (
      id serial primary key,
      name text not null unique check (length(name) between 1 and 100)
    );`);
    this.addSql(`create table chip_operations (
      id serial primary key,
      chip_id int not null references chips (id),
      step int not null check (step >= 1),
      name text not null check (length(name) between 1 and 200),
      unique (chip_id, step)
    );`);
    // Which plant can do which step of which chip; position keeps the listing order.
    this.addSql(`create table chip_capabilities (
      id serial primary key,
      chip_id int not null,
      step int not null,
      plant_id int not null references chip_plants (id),
      position int not null,
      unit_cost numeric(14, 2) not null check (unit_cost > 0),
      -- Capped so every tick the service computes stays an exact JavaScript integer.
      unit_time numeric(10, 4) not null check (unit_time > 0 and unit_time <= 1000),
      unique (chip_id, step, plant_id),
      foreign key (chip_id, step) references chip_operations (chip_id, step)
    );`);
    this.addSql(`create index chip_capabilities_plant_idx on chip_capabilities (plant_id);`);

    // A single row: the only way to have two clocks is to break this check.
    this.addSql(`create table production_clock (
      id boolean primary key default true check (id),
      now bigint not null default 0 check (now >= 0),
      updated_at timestamptz not null default now()
    );`);
    this.addSql(`insert into production_clock (id, now) values (true, 0);`);

    this.addSql(`create table chip_orders (
      order_id uuid primary key references orders (id),
      budget numeric(14, 2) not null check (budget > 0),
      expected_time bigint not null check (expected_time >= 0),
      total_cost numeric(14, 2) not null check (total_cost > 0),
      first_start bigint not null check (first_start >= 0),
      last_end bigint not null,
      check (last_end > first_start)
    );`);
    // The production clock looks orders up by the ticks they start and end at.
    this.addSql(`create index chip_orders_first_start_idx on chip_orders (first_start);`);
    this.addSql(`create index chip_orders_last_end_idx on chip_orders (last_end);`);

    this.addSql(`create table chip_lots (
      id bigserial primary key,
      order_id uuid not null references chip_orders (order_id),
      lot int not null check (lot >= 0),
      package_id text check (length(package_id) <= 100),
      chip_id int not null references chips (id),
      quantity int not null check (quantity >= 1),
      cost numeric(14, 2) not null check (cost > 0),
      unique (order_id, lot)
    );`);
    this.addSql(`create table chip_lot_operations (
      id bigserial primary key,
      order_id uuid not null,
      lot int not null,
      step int not null check (step >= 1),
      plant_id int not null references chip_plants (id),
      start_tick bigint not null check (start_tick >= 0),
      end_tick bigint not null,
      cost numeric(14, 2) not null check (cost > 0),
      unique (order_id, lot, step),
      foreign key (order_id, lot) references chip_lots (order_id, lot),
      check (end_tick > start_tick)
    );`);

    // What a plant is doing when: one row per scheduled operation of a live order, deleted
    // when the order is cancelled. Two rows of one plant can never overlap in [start, end).
    this.addSql(`create table chip_bookings (
      id bigserial primary key,
      plant_id int not null references chip_plants (id),
      order_id uuid not null,
      lot int not null,
      step int not null,
      start_tick bigint not null check (start_tick >= 0),
      end_tick bigint not null,
      check (end_tick > start_tick),
      unique (order_id, lot, step),
      foreign key (order_id, lot, step) references chip_lot_operations (order_id, lot, step),
      constraint chip_bookings_no_overlap
        exclude using gist (plant_id with =, int8range(start_tick, end_tick) with &&)
    );`);
    // The exclusion constraint's GiST index also serves "bookings of these plants in this
    // window"; the unique index serves "bookings of this order" (freeing them on cancel).
  }

  override async down(): Promise<void> {
    this.addSql(
      `drop table if exists chip_bookings, chip_lot_operations, chip_lots, chip_orders, production_clock, chip_capabilities, chip_operations, chips, chip_plants cascade;`,
    );
  }
}
