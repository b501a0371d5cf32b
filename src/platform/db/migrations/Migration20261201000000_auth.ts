import { Migration } from '@mikro-orm/migrations';

/**
 * Authentication state every process of one database shares (docs/authentication.md):
 * - auth_secret: the token signing secret generated for a deployment without JWT_SECRET
 *   (outside production), so tokens survive restarts and hold on every process.
 * - auth_sessions: one row per login; access tokens name it, refresh rotates its token hash,
 *   logout and a password change revoke it.
 * - consumers: who created an account and when its password last changed.
 * - Rate limits (failed logins, attempts in flight, the mutation budget): UNLOGGED tables, as
 *   losing them in a crash only resets counters, and plpgsql functions that decide in one
 *   round trip under per-key advisory locks.
 */
export class Migration20261201000000_auth extends Migration {
  override async up(): Promise<void> {
    this.addSql(`create table auth_secret (
      singleton boolean primary key default true check (singleton),
      secret text not null check (length(secret) >= 64),
      created_at timestamptz not null default now()
    );`);
    this.addSql(`alter table consumers
      add column created_by bigint references consumers (id),
      add column password_changed_at timestamptz;`);
    this.addSql(`create table auth_sessions (
      id uuid primary key default gen_random_uuid(),
      consumer_id bigint not null references consumers (id) on delete cascade,
      refresh_hash text not null,
      created_at timestamptz not null default now(),
      refreshed_at timestamptz,
      expires_at timestamptz not null,
      revoked_at timestamptz,
      revoked_reason text
    );`);
    this.addSql(
      `create index auth_sessions_consumer_idx on auth_sessions (consumer_id) where revoked_at is null;`,
    );

    this.addSql(`create unlogged table rate_login_failures (
      key text primary key,
      failures int not null,
      reset_at timestamptz not null
    );`);
    this.addSql(`create unlogged table rate_login_attempts (
      id bigserial primary key,
      keys text[] not null,
      started_at timestamptz not null default clock_timestamp()
    );`);
    this.addSql(
      `create index rate_login_attempts_keys_idx on rate_login_attempts using gin (keys);`,
    );
    this.addSql(`create unlogged table rate_buckets (
      key text primary key,
      tokens float8 not null,
      at timestamptz not null
    );`);

    // Locks the keys in one order (no deadlock between two attempts sharing both keys).
    this.addSql(`create function rate_lock_keys(p_keys text[]) returns void language plpgsql as $$
      begin
        perform pg_advisory_xact_lock(hashtextextended(k, 7001))
          from (select distinct k from unnest(p_keys) as k order by k) as sorted;
      end $$;`);

    /*
     * Starts a login attempt counted against every key (p_limits[i] failures per window for
     * p_keys[i]). Answers the attempt's id when it may run; otherwise no id and either
     * retry_after (seconds until a key's window ends: refused) or 0 (attempts in flight could
     * take a key to its limit: wait for one to end, then ask again). Attempts older than
     * p_stale_seconds (a process that died mid-attempt) no longer count.
     */
    this.addSql(`create function rate_login_begin(
        p_keys text[], p_limits int[], p_stale_seconds int,
        out attempt_id bigint, out retry_after int)
      language plpgsql as $$
      declare
        now_ timestamptz;
        i int;
        failed int;
        resets timestamptz;
        in_flight int;
      begin
        perform rate_lock_keys(p_keys);
        now_ := clock_timestamp();
        delete from rate_login_failures where key = any(p_keys) and reset_at <= now_;
        retry_after := 0;
        for i in 1 .. array_length(p_keys, 1) loop
          select failures, reset_at into failed, resets
            from rate_login_failures where key = p_keys[i];
          if failed >= p_limits[i] then
            retry_after := greatest(retry_after, ceil(extract(epoch from resets - now_))::int);
          end if;
        end loop;
        if retry_after > 0 then return; end if;
        for i in 1 .. array_length(p_keys, 1) loop
          select coalesce(max(f.failures), 0) into failed
            from rate_login_failures f where f.key = p_keys[i];
          select count(*) into in_flight from rate_login_attempts
            where keys @> array[p_keys[i]]
              and started_at > now_ - make_interval(secs => p_stale_seconds);
          if failed + in_flight >= p_limits[i] then return; end if;
        end loop;
        insert into rate_login_attempts (keys) values (p_keys) returning id into attempt_id;
      end $$;`);

    /*
     * Ends an attempt: a failure counts against each of its keys (a window of p_window_seconds
     * opens at a key's first failure); a success clears the keys in p_clear.
     */
    this.addSql(`create function rate_login_end(
        p_attempt_id bigint, p_failed boolean, p_window_seconds int, p_clear text[])
      returns void language plpgsql as $$
      declare
        attempt_keys text[];
        now_ timestamptz;
      begin
        select keys into attempt_keys from rate_login_attempts where id = p_attempt_id;
        if attempt_keys is null then return; end if;
        perform rate_lock_keys(attempt_keys);
        now_ := clock_timestamp();
        delete from rate_login_attempts where id = p_attempt_id;
        if p_failed then
          insert into rate_login_failures as f (key, failures, reset_at)
            select k, 1, now_ + make_interval(secs => p_window_seconds) from unnest(attempt_keys) k
          on conflict (key) do update set
            failures = case when f.reset_at <= now_ then 1 else f.failures + 1 end,
            reset_at = case when f.reset_at <= now_ then excluded.reset_at else f.reset_at end;
        else
          delete from rate_login_failures where key = any(p_clear);
        end if;
      end $$;`);

    /*
     * Token bucket: takes p_cost (at most p_capacity) from p_key's bucket, which holds
     * p_capacity and refills p_capacity per p_window_seconds. Answers 0 when taken, else the
     * whole seconds until the tokens would be there (nothing taken).
     */
    this.addSql(`create function rate_bucket_take(
        p_key text, p_capacity int, p_window_seconds int, p_cost int)
      returns int language plpgsql as $$
      declare
        now_ timestamptz;
        per_second float8 := p_capacity::float8 / p_window_seconds;
        need float8 := least(p_cost, p_capacity);
        have float8;
      begin
        insert into rate_buckets (key, tokens, at) values (p_key, p_capacity, clock_timestamp())
          on conflict (key) do nothing;
        perform 1 from rate_buckets where key = p_key for update;
        now_ := clock_timestamp();
        select least(p_capacity, tokens + greatest(0, extract(epoch from now_ - at)) * per_second)
          into have from rate_buckets where key = p_key;
        if have >= need then
          update rate_buckets set tokens = have - need, at = now_ where key = p_key;
          return 0;
        end if;
        update rate_buckets set tokens = have, at = now_ where key = p_key;
        return greatest(1, ceil((need - have) / per_second)::int);
      end $$;`);

    // What rate_sweep (a job every minute) removes: windows past, full buckets, dead attempts.
    this.addSql(`create function rate_sweep(p_stale_seconds int, p_full_after_seconds int)
      returns void language sql as $$
      delete from rate_login_failures where reset_at <= clock_timestamp();
      delete from rate_login_attempts
        where started_at <= clock_timestamp() - make_interval(secs => p_stale_seconds);
      delete from rate_buckets
        where at <= clock_timestamp() - make_interval(secs => p_full_after_seconds);
    $$;`);
  }

  override async down(): Promise<void> {
    this.addSql(`drop function if exists rate_sweep(int, int);`);
    this.addSql(`drop function if exists rate_bucket_take(text, int, int, int);`);
    this.addSql(`drop function if exists rate_login_end(bigint, boolean, int, text[]);`);
    this.addSql(`drop function if exists rate_login_begin(text[], int[], int);`);
    this.addSql(`drop function if exists rate_lock_keys(text[]);`);
    this.addSql(`drop table if exists rate_buckets, rate_login_attempts, rate_login_failures;`);
    this.addSql(`drop table if exists auth_sessions, auth_secret;`);
    this.addSql(`alter table consumers drop column if exists created_by,
      drop column if exists password_changed_at;`);
  }
}
