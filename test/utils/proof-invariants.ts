import type pg from 'pg';
import { Decimal } from '../../src/platform/money.ts';
import '../../src/modules.ts';
import { modules } from '../../src/modules.ts';
import { findTransition, STATUS_INFO } from '../../src/platform/orders/order-state.ts';
import type { OrderStatus } from '../../src/platform/orders/order.entity.ts';

/**
 * The invariants no sequence of operations may break (docs/testing.md, Proof), read straight from the
 * rows. Each check returns what it found wrong, as sentences; an empty list means it holds.
 */

/** A pool, or one client inside a transaction (the self-check plants rows it rolls back). */
type Queryable = Pick<pg.Pool, 'query'>;

/** Statuses in which an order paid from the bank has all its payment with the service. */
const HOLDS_PAYMENT = new Set(['PAID', 'IN_PRODUCTION', 'COMPLETED', 'UNDERWRITING', 'EFFECTIVE']);
/**
 * Statuses in which the service keeps none of the order's money. EXPIRED is either: a shop order
 * expires unpaid (nothing), an insurance order after its effective year (all of it).
 */
const HOLDS_NOTHING = new Set(['PENDING_PAYMENT', 'CANCELLED', 'REJECTED']);

/**
 * Money: every balance equals its ledger's sum and its last `balance_after`; no balance is
 * negative; deposits (ledger rows without an order) are never negative; and the sum of all
 * balances plus what orders collected minus what they refunded equals all deposits.
 */
export async function checkLedger(db: Queryable): Promise<string[]> {
  const problems: string[] = [];
  const { rows: accounts } = await db.query<{
    consumer_id: string;
    balance: string;
    ledger: string | null;
    last_after: string | null;
  }>(`
    select a.consumer_id::text, a.balance::text,
           (select sum(t.amount)::text from bank_transactions t where t.consumer_id = a.consumer_id) as ledger,
           (select t.balance_after::text from bank_transactions t where t.consumer_id = a.consumer_id
             order by t.id desc limit 1) as last_after
      from bank_accounts a`);
  for (const a of accounts) {
    const balance = new Decimal(a.balance);
    if (balance.lt(0))
      problems.push(`consumer ${a.consumer_id} has a negative balance ${a.balance}`);
    if (!balance.eq(a.ledger ?? 0)) {
      problems.push(
        `consumer ${a.consumer_id}: balance ${a.balance} but ledger sums to ${a.ledger}`,
      );
    }
    if (a.last_after !== null && !balance.eq(a.last_after)) {
      problems.push(
        `consumer ${a.consumer_id}: balance ${a.balance} but the last ledger row says ${a.last_after}`,
      );
    }
  }
  const { rows: orphans } = await db.query(
    `select distinct consumer_id from bank_transactions t
      where not exists (select 1 from bank_accounts a where a.consumer_id = t.consumer_id)`,
  );
  if (orphans.length > 0)
    problems.push(`ledger rows without an account: ${JSON.stringify(orphans)}`);

  const [totals] = (
    await db.query<{
      balances: string;
      deposits: string;
      withdrawals: string;
      collected: string;
      refunded: string;
    }>(`
      select (select coalesce(sum(balance), 0)::text from bank_accounts) as balances,
             coalesce(sum(amount) filter (where order_id is null and amount > 0), 0)::text as deposits,
             coalesce(sum(amount) filter (where order_id is null and amount < 0), 0)::text as withdrawals,
             coalesce(-sum(amount) filter (where order_id is not null and amount < 0), 0)::text as collected,
             coalesce(sum(amount) filter (where order_id is not null and amount > 0), 0)::text as refunded
        from bank_transactions`)
  ).rows;
  if (!new Decimal(totals.withdrawals).eq(0)) {
    problems.push(`money left accounts without an order: ${totals.withdrawals}`);
  }
  const books = new Decimal(totals.balances).plus(totals.collected).minus(totals.refunded);
  if (!books.eq(totals.deposits)) {
    problems.push(
      `balances ${totals.balances} + collected ${totals.collected} - refunded ${totals.refunded} = ${books.toFixed(2)}, but deposits are ${totals.deposits}`,
    );
  }
  return problems;
}

/**
 * Money per order: what the service holds for it (debits minus refunds) is never negative
 * nor more than its payment; all of it while the order stands paid, and once an insurance
 * order expired after its effective year (unless staff recorded an offline payment by hand);
 * none of it before payment, once cancelled or rejected, or once a shop order expired unpaid.
 * Ledger rows of an order belong to its owner.
 */
export async function checkOrderMoney(db: Queryable): Promise<string[]> {
  const problems: string[] = [];
  const { rows } = await db.query<{
    id: string;
    kind: string;
    status: string;
    payment: string;
    held: string;
    strangers: number;
    offline: boolean;
    was_effective: boolean;
  }>(`
    select o.id, o.kind, o.status, o.payment::text,
           coalesce(-sum(t.amount), 0)::text as held,
           count(t.id) filter (where t.consumer_id <> o.consumer_id)::int as strangers,
           exists (select 1 from order_events e where e.order_id = o.id and e.to_status = 'PAID'
                    and (e.data ->> 'manual')::boolean) as offline,
           exists (select 1 from order_events e where e.order_id = o.id
                    and e.to_status = 'EFFECTIVE') as was_effective
      from orders o left join bank_transactions t on t.order_id = o.id
     group by o.id`);
  for (const o of rows) {
    const held = new Decimal(o.held);
    const name = `${o.kind} order ${o.id} (${o.status})`;
    if (o.strangers > 0) problems.push(`${name} has ledger rows of another consumer`);
    if (held.lt(0) || held.gt(o.payment)) {
      problems.push(`${name}: the service holds ${o.held} of a payment of ${o.payment}`);
      continue;
    }
    const expired = o.status === 'EXPIRED';
    if ((HOLDS_NOTHING.has(o.status) || (expired && !o.was_effective)) && !held.eq(0)) {
      problems.push(`${name} should hold nothing, holds ${o.held}`);
    } else if (
      (HOLDS_PAYMENT.has(o.status) || (expired && o.was_effective)) &&
      !o.offline &&
      !held.eq(o.payment)
    ) {
      problems.push(`${name} should hold its payment ${o.payment}, holds ${o.held}`);
    }
  }
  return problems;
}

/**
 * Stock: never negative, and for each product given, the stock it started with equals what
 * is left plus what live (not cancelled, not expired) shop orders hold.
 */
export async function checkStock(
  db: Queryable,
  initial: Map<string, number> = new Map(),
): Promise<string[]> {
  const problems: string[] = [];
  const { rows } = await db.query<{ id: string; stock: number; held: number }>(`
    select p.id::text, p.stock,
           coalesce((select sum(l.count) from shop_order_lines l join orders o on o.id = l.order_id
                      where l.product_id = p.id and o.status not in ('CANCELLED', 'EXPIRED')), 0)::int as held
      from products p`);
  for (const p of rows) {
    if (p.stock < 0) problems.push(`product ${p.id} has stock ${p.stock}`);
    const start = initial.get(p.id);
    if (start !== undefined && start !== p.stock + p.held) {
      problems.push(
        `product ${p.id} started with ${start}, has ${p.stock} and ${p.held} in orders`,
      );
    }
  }
  return problems;
}

/**
 * Plants: no two bookings of one plant overlap; a cancelled chip order has no bookings and
 * every other one has one booking per scheduled operation.
 */
export async function checkBookings(db: Queryable): Promise<string[]> {
  const problems: string[] = [];
  const { rows: overlaps } = await db.query(`
    select a.plant_id, a.order_id as a, b.order_id as b, a.start_tick, a.end_tick, b.start_tick as b_start, b.end_tick as b_end
      from chip_bookings a join chip_bookings b
        on a.plant_id = b.plant_id and a.id < b.id
       and int8range(a.start_tick, a.end_tick) && int8range(b.start_tick, b.end_tick)`);
  for (const o of overlaps) problems.push(`overlapping bookings: ${JSON.stringify(o)}`);
  const { rows: orders } = await db.query<{
    id: string;
    status: string;
    bookings: number;
    operations: number;
  }>(`
    select o.id, o.status,
           (select count(*) from chip_bookings b where b.order_id = o.id)::int as bookings,
           (select count(*) from chip_lot_operations x where x.order_id = o.id)::int as operations
      from orders o where o.kind = 'CHIP'`);
  for (const o of orders) {
    const want = o.status === 'CANCELLED' ? 0 : o.operations;
    if (o.bookings !== want) {
      problems.push(`chip order ${o.id} (${o.status}) has ${o.bookings} bookings, not ${want}`);
    }
  }
  return problems;
}

interface EventRow {
  order_id: string;
  kind: string;
  type: string;
  from_status: string | null;
  to_status: string | null;
}

/**
 * Events: each order's history, oldest first, is one ORDER_CREATED into its kind's initial
 * status, then STATUS_CHANGED events each an allowed move of the kind's state table from where
 * the previous one left it, ending at the order's status (code and label agreeing).
 */
export async function checkEventPaths(db: Queryable): Promise<string[]> {
  const problems: string[] = [];
  const kinds = modules.flatMap((m) => m.orderKinds ?? []);
  const tables = new Map(kinds.map((d) => [d.kind as string, d.table]));
  const { rows: orders } = await db.query<{
    id: string;
    kind: string;
    status: string;
    status_code: number;
    status_label: string;
  }>(`select id, kind, status, status_code, status_label from orders`);
  const { rows: events } = await db.query<EventRow>(
    `select order_id, kind, type, from_status, to_status from order_events order by order_id, id`,
  );
  const byOrder = new Map<string, EventRow[]>();
  for (const e of events) byOrder.set(e.order_id, [...(byOrder.get(e.order_id) ?? []), e]);
  for (const order of orders) {
    const name = `${order.kind} order ${order.id}`;
    const table = tables.get(order.kind);
    if (!table) {
      problems.push(`${name}: no state table for kind ${order.kind}`);
      continue;
    }
    const info = STATUS_INFO[order.status as OrderStatus];
    if (info?.code !== order.status_code || info?.label !== order.status_label) {
      problems.push(
        `${name}: status ${order.status} with code ${order.status_code} "${order.status_label}"`,
      );
    }
    const history = byOrder.get(order.id) ?? [];
    const [first, ...rest] = history;
    if (!first || first.type !== 'ORDER_CREATED' || first.to_status !== table.initial) {
      problems.push(`${name}: history starts with ${JSON.stringify(first ?? null)}`);
      continue;
    }
    let current = table.initial as string;
    for (const e of [first, ...rest]) {
      if (e.kind !== order.kind) problems.push(`${name}: an event of kind ${e.kind}`);
    }
    for (const e of rest) {
      if (e.type === 'ORDER_CREATED') problems.push(`${name}: created twice`);
      if (e.type !== 'STATUS_CHANGED') continue;
      const step = findTransition(table, e.from_status as OrderStatus, e.to_status as OrderStatus);
      if (e.from_status !== current || !step) {
        problems.push(`${name}: ${e.from_status} → ${e.to_status} while ${current}`);
      }
      current = e.to_status ?? current;
    }
    if (current !== order.status) {
      problems.push(`${name}: history ends at ${current}, the order says ${order.status}`);
    }
  }
  return problems;
}

/** Every invariant at once. */
export async function checkInvariants(
  db: Queryable,
  options: { initialStock?: Map<string, number> } = {},
): Promise<string[]> {
  return [
    ...(await checkLedger(db)),
    ...(await checkOrderMoney(db)),
    ...(await checkStock(db, options.initialStock)),
    ...(await checkBookings(db)),
    ...(await checkEventPaths(db)),
  ];
}
