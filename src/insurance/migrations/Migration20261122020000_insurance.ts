import { Migration } from '@mikro-orm/migrations';

/**
 * Vehicle insurance: the catalog (vehicles, drivers, plans and their items,
 * quotations, promotions, the driver fee), the plan / driver / sale order extensions of the
 * orders core, order items, and underwriting with its photos and problems. Constraints carry
 * the rules the database can hold on its own: an order item's plan item belongs to its plan
 * and is priced by the order's quotation, a quotation belongs to the order's vehicle, photo
 * addresses are http(s), and the size limits are CHECKs.
 */
export class Migration20261122020000_insurance extends Migration {
  override async up(): Promise<void> {
    this.addSql(`create table vehicles (
      id uuid primary key default gen_random_uuid(),
      owner_id bigint not null references consumers (id),
      plate_number text not null unique check (length(plate_number) between 1 and 20),
      value numeric(14, 2) not null check (value > 0),
      created_at timestamptz(3) not null default now()
    );`);
    this.addSql(`create index vehicles_owner_idx on vehicles (owner_id, created_at, id);`);

    this.addSql(`create table drivers (
      id uuid primary key default gen_random_uuid(),
      owner_id bigint not null references consumers (id),
      name text not null check (length(name) between 1 and 100),
      license_no text not null check (length(license_no) between 1 and 32),
      created_at timestamptz(3) not null default now(),
      unique (owner_id, license_no)
    );`);
    this.addSql(`create index drivers_owner_idx on drivers (owner_id, created_at, id);`);

    this.addSql(`create table insurance_plans (
      id uuid primary key default gen_random_uuid(),
      name text not null unique check (length(name) between 1 and 100),
      position int not null default 0,
      created_at timestamptz(3) not null default now()
    );`);
    this.addSql(`create index insurance_plans_position_idx on insurance_plans (position, id);`);
    this.addSql(`create table insurance_plan_items (
      id uuid primary key default gen_random_uuid(),
      plan_id uuid not null references insurance_plans (id),
      name text not null check (length(name) between 1 and 100),
      price numeric(14, 2) not null check (price >= 0),
      position int not null default 0,
      unique (plan_id, name),
      -- Target of the composite keys that make "an item belongs to its plan" a constraint.
      unique (id, plan_id)
    );`);
    this.addSql(
      `create index insurance_plan_items_plan_idx on insurance_plan_items (plan_id, position, id);`,
    );

    this.addSql(`create table quotations (
      id uuid primary key default gen_random_uuid(),
      vehicle_id uuid not null references vehicles (id),
      created_at timestamptz(3) not null default now(),
      unique (id, vehicle_id)
    );`);
    this.addSql(
      `create index quotations_vehicle_idx on quotations (vehicle_id, created_at desc, id desc);`,
    );
    this.addSql(`create table quoted_items (
      id uuid primary key default gen_random_uuid(),
      quotation_id uuid not null references quotations (id),
      plan_item_id uuid not null references insurance_plan_items (id),
      price numeric(14, 2) not null check (price >= 0),
      unique (quotation_id, plan_item_id)
    );`);
    this.addSql(`create index quoted_items_plan_item_idx on quoted_items (plan_item_id);`);

    this.addSql(`create table promotions (
      id uuid primary key default gen_random_uuid(),
      name text not null unique check (length(name) between 1 and 100),
      price numeric(14, 2) not null check (price > 0),
      active boolean not null default true,
      created_at timestamptz(3) not null default now()
    );`);
    this.addSql(`create index promotions_active_idx on promotions (created_at, id) where active;`);

    // One row: the fee per driver a driver order adds (50.00: 4 drivers cost 200).
    this.addSql(`create table insurance_settings (
      id boolean primary key default true check (id),
      driver_fee numeric(14, 2) not null check (driver_fee > 0)
    );`);
    this.addSql(`insert into insurance_settings (id, driver_fee) values (true, 50.00);`);

    this.addSql(`create table plan_order_ext (
      order_id uuid primary key references orders (id),
      vehicle_id uuid not null references vehicles (id),
      quotation_id uuid not null,
      promotion_id uuid references promotions (id),
      -- The promotion's price when the order was placed; later price changes do not touch it.
      promotion_price numeric(14, 2) check (promotion_price > 0),
      service_ratio numeric(5, 4) not null check (service_ratio between 0 and 1),
      summary numeric(14, 2) not null check (summary > 0),
      vehicle_value numeric(14, 2) not null check (vehicle_value > 0),
      expect_at timestamptz(3) not null,
      start_at timestamptz(3),
      stop_at timestamptz(3),
      created_at timestamptz(3) not null default now(),
      updated_at timestamptz(3) not null default now(),
      foreign key (quotation_id, vehicle_id) references quotations (id, vehicle_id),
      check ((promotion_id is null) = (promotion_price is null)),
      check (stop_at is null or stop_at > start_at)
    );`);
    this.addSql(`create index plan_order_ext_vehicle_idx on plan_order_ext (vehicle_id);`);
    this.addSql(
      `create index plan_order_ext_stop_idx on plan_order_ext (stop_at) where stop_at is not null;`,
    );

    this.addSql(`create table driver_order_ext (
      order_id uuid primary key references orders (id),
      vehicle_id uuid not null references vehicles (id),
      summary numeric(14, 2) not null check (summary > 0),
      start_at timestamptz(3),
      stop_at timestamptz(3),
      created_at timestamptz(3) not null default now(),
      updated_at timestamptz(3) not null default now(),
      check (stop_at is null or stop_at > start_at)
    );`);
    this.addSql(`create index driver_order_ext_vehicle_idx on driver_order_ext (vehicle_id);`);
    this.addSql(
      `create index driver_order_ext_stop_idx on driver_order_ext (stop_at) where stop_at is not null;`,
    );
    this.addSql(`create table driver_order_drivers (
      order_id uuid not null references driver_order_ext (order_id),
      driver_id uuid not null references drivers (id),
      position int not null,
      primary key (order_id, driver_id)
    );`);
    this.addSql(
      `create index driver_order_drivers_driver_idx on driver_order_drivers (driver_id);`,
    );

    this.addSql(`create table sale_order_ext (
      order_id uuid primary key references orders (id),
      vehicle_id uuid not null references vehicles (id),
      quotation_id uuid not null,
      summary numeric(14, 2) not null check (summary > 0),
      start_at timestamptz(3),
      stop_at timestamptz(3),
      created_at timestamptz(3) not null default now(),
      updated_at timestamptz(3) not null default now(),
      foreign key (quotation_id, vehicle_id) references quotations (id, vehicle_id),
      check (stop_at is null or stop_at > start_at)
    );`);
    this.addSql(`create index sale_order_ext_vehicle_idx on sale_order_ext (vehicle_id);`);
    this.addSql(
      `create index sale_order_ext_stop_idx on sale_order_ext (stop_at) where stop_at is not null;`,
    );

    // order_items: its parent ("pid") is a plan of a plan order (order_id + plan_id)
    // or a sale order (order_id, plan_id null).
    this.addSql(`create table insurance_order_items (
      id uuid primary key default gen_random_uuid(),
      order_id uuid not null references orders (id),
      plan_id uuid references insurance_plans (id),
      plan_item_id uuid not null references insurance_plan_items (id),
      quotation_id uuid not null,
      price numeric(14, 2) not null check (price >= 0),
      position int not null,
      unique (order_id, plan_item_id),
      foreign key (plan_item_id, plan_id) references insurance_plan_items (id, plan_id),
      foreign key (quotation_id, plan_item_id) references quoted_items (quotation_id, plan_item_id)
    );`);
    this.addSql(
      `create index insurance_order_items_order_idx on insurance_order_items (order_id, position);`,
    );
    this.addSql(
      `create index insurance_order_items_plan_idx on insurance_order_items (plan_id) where plan_id is not null;`,
    );

    // One underwrite per plan order. *_update_time are the clients' times of their last write.
    this.addSql(`create table underwrites (
      id uuid primary key default gen_random_uuid(),
      order_id uuid not null unique references plan_order_ext (order_id),
      quotation_id uuid not null references quotations (id),
      operator_id bigint references consumers (id),
      plan_time timestamptz(3) not null,
      real_time timestamptz(3),
      validate_place text not null check (length(validate_place) between 1 and 256),
      validate_update_time timestamptz(3) not null,
      real_place text check (length(real_place) between 1 and 256),
      real_update_time timestamptz(3),
      certificate_state smallint check (certificate_state between 0 and 2),
      note text check (length(note) <= 2000),
      note_update_time timestamptz(3),
      result text check (result in ('PASSED', 'FAILED')),
      result_update_time timestamptz(3),
      created_at timestamptz(3) not null default now(),
      updated_at timestamptz(3) not null default now(),
      deleted boolean not null default false,
      check ((result is null) = (result_update_time is null))
    );`);
    this.addSql(`create index underwrites_operator_idx on underwrites (operator_id, updated_at desc)
      where operator_id is not null;`);
    this.addSql(`create index underwrites_updated_idx on underwrites (updated_at desc, id desc);`);

    this.addSql(`create table underwrite_photos (
      id uuid primary key default gen_random_uuid(),
      underwrite_id uuid not null references underwrites (id),
      url text not null check (url ~ '^https?://[^[:space:]]+$' and length(url) <= 1024),
      -- Order within one upload (rows of one upload share created_at).
      position int not null default 0,
      created_at timestamptz(3) not null default now(),
      updated_at timestamptz(3) not null default now(),
      deleted boolean not null default false
    );`);
    this
      .addSql(`create index underwrite_photos_uw_idx on underwrite_photos (underwrite_id, created_at, position)
      where not deleted;`);

    this.addSql(`create table underwrite_problems (
      id uuid primary key default gen_random_uuid(),
      underwrite_id uuid not null references underwrites (id),
      type text not null check (length(type) between 1 and 32),
      description text not null check (length(description) between 1 and 2000),
      position int not null default 0,
      created_at timestamptz(3) not null default now(),
      updated_at timestamptz(3) not null default now(),
      deleted boolean not null default false
    );`);
    this
      .addSql(`create index underwrite_problems_uw_idx on underwrite_problems (underwrite_id, created_at, position)
      where not deleted;`);
  }

  override async down(): Promise<void> {
    this.addSql(`drop table if exists underwrite_problems, underwrite_photos, underwrites,
      insurance_order_items, sale_order_ext, driver_order_drivers, driver_order_ext,
      plan_order_ext, insurance_settings, promotions, quoted_items, quotations,
      insurance_plan_items, insurance_plans, drivers, vehicles cascade;`);
  }
}
