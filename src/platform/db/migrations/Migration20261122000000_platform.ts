import { Migration } from '@mikro-orm/migrations';

/** Consumers, the bank, idempotency keys and the unified orders core with its event outbox. */
export class Migration20261122000000_platform extends Migration {
  override async up(): Promise<void> {
    this.addSql(`create sequence consumer_id_seq start 10000000;`);
    this.addSql(`create table consumers (
      id bigint primary key default nextval('consumer_id_seq'),
      name text not null check (length(name) between 1 and 100),
      role text not null default 'CONSUMER' check (role in ('CONSUMER', 'OPERATOR', 'ADMIN')),
      password_hash text not null,
      created_at timestamptz not null default now()
    );`);

    this.addSql(`create table bank_accounts (
      consumer_id bigint primary key references consumers (id),
      balance numeric(14, 2) not null default 0 check (balance >= 0),
      updated_at timestamptz not null default now()
    );`);
    this.addSql(`create table bank_transactions (
      id bigserial primary key,
      consumer_id bigint not null references bank_accounts (consumer_id),
      amount numeric(14, 2) not null check (amount <> 0),
      balance_after numeric(14, 2) not null check (balance_after >= 0),
      reason text not null,
      order_id uuid,
      occurred_at timestamptz not null default now()
    );`);
    this.addSql(
      `create index bank_transactions_consumer_idx on bank_transactions (consumer_id, id desc);`,
    );
    this.addSql(
      `create index bank_transactions_order_idx on bank_transactions (order_id) where order_id is not null;`,
    );

    this.addSql(`create table idempotency_keys (
      consumer_id bigint not null references consumers (id),
      key text not null check (length(key) between 1 and 200),
      operation text not null,
      request_hash text not null,
      result jsonb,
      created_at timestamptz not null default now(),
      primary key (consumer_id, key)
    );`);

    this.addSql(`create sequence order_no_seq;`);
    this.addSql(`create table orders (
      id uuid primary key default gen_random_uuid(),
      kind text not null check (kind in ('CHIP', 'PLAN', 'DRIVER', 'SALE', 'SHOP')),
      order_no text not null unique,
      consumer_id bigint not null references consumers (id),
      status text not null,
      status_code int not null,
      status_label text not null,
      payment numeric(14, 2) not null check (payment >= 0),
      -- Millisecond precision so a keyset cursor round-trips exactly through a JS Date.
      created_at timestamptz(3) not null default now(),
      updated_at timestamptz(3) not null default now(),
      deleted_at timestamptz(3)
    );`);
    // The two list orders the API serves: a consumer's own, and everyone's for staff.
    this.addSql(
      `create index orders_consumer_updated_idx on orders (consumer_id, updated_at desc, id desc) where deleted_at is null;`,
    );
    this.addSql(`create index orders_updated_idx on orders (updated_at desc, id desc);`);
    this.addSql(`create index orders_kind_updated_idx on orders (kind, updated_at desc, id desc);`);

    this.addSql(`create table order_events (
      id bigserial primary key,
      tx_id xid8 not null default pg_current_xact_id(),
      order_id uuid not null references orders (id),
      kind text not null,
      consumer_id bigint not null,
      actor_id bigint,
      type text not null,
      from_status text,
      to_status text,
      data jsonb,
      occurred_at timestamptz not null default now()
    );`);
    this.addSql(`create index order_events_order_idx on order_events (order_id, id);`);
    this.addSql(`create index order_events_cursor_idx on order_events (tx_id, id);`);
    // A wake-up only, delivered on commit: listeners read the rows themselves.
    this.addSql(`create function order_events_notify() returns trigger language plpgsql as $$
      begin perform pg_notify('order_events', ''); return null; end $$;`);
    this.addSql(`create trigger order_events_notify after insert on order_events
      for each statement execute function order_events_notify();`);
  }

  override async down(): Promise<void> {
    this.addSql(
      `drop table if exists order_events, orders, idempotency_keys, bank_transactions, bank_accounts, consumers cascade;`,
    );
    this.addSql(`drop function if exists order_events_notify();`);
    this.addSql(`drop sequence if exists order_no_seq, consumer_id_seq;`);
  }
}
