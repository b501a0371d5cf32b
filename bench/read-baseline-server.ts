// The read benchmark's baseline: what `orders(first: 20)` and `order(id)` answer (the selection
// of test/graphql/perf.graphql's PerfOrderFields), fetched by the same SQL statements, as many
// and in the same dependency waves as the service sends, through `pg` with no GraphQL, no ORM
// and no DataLoader. Same body parsing, same bearer-token check, same JSON out. bench/read.ts
// checks that both answer the same data, then times both. At /one-statement it answers the
// list from one statement (bench/read-one-statement.ts). Prints {"url"} when listening.
import 'reflect-metadata';
import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import pg from 'pg';
import { computeKpi } from '../src/chip/chip-plan-kpi.rules.ts';
import type { ScheduledLot } from '../src/chip/chip-plan.types.ts';
import { readAuthorization } from '../src/platform/auth/token.ts';
import { eventCursor } from '../src/platform/events/order-event.mapping.ts';
import { Decimal } from '../src/platform/money.ts';
import { encodeCursor } from '../src/platform/pagination.ts';
import { JWT_SECRET, POOL_SIZE } from './harness.ts';
import { ONE_STATEMENT_PAGE } from './read-one-statement.ts';

type Row = Record<string, any>;
type Query = (sql: string, params: unknown[]) => Promise<Row[]>;

const pool = new pg.Pool({ connectionString: process.env.BENCH_DATABASE_URL, max: POOL_SIZE });
pool.on('error', () => undefined);
/** Statements sent since the last reset: bench/read.ts reads it to show both sides send as many. */
let statements = 0;
const query: Query = async (sql, params) => {
  statements++;
  return (await pool.query(sql, params)).rows;
};

const money = (v: string | null) => (v === null ? null : new Decimal(v).toFixed(2));
const iso = (v: Date | null) => (v === null ? null : new Date(v).toISOString());
const by = <T extends Row>(rows: T[], key: string) => new Map(rows.map((r) => [String(r[key]), r]));
function group<T extends Row>(rows: T[], key: string): Map<string, T[]> {
  const map = new Map<string, T[]>();
  for (const r of rows) {
    const k = String(r[key]);
    const list = map.get(k);
    if (list) list.push(r);
    else map.set(k, [r]);
  }
  return map;
}
const none = Promise.resolve([] as Row[]);
const ids = (rows: Row[], kind: string) => rows.filter((r) => r.kind === kind).map((r) => r.id);
const uniq = <T>(values: T[]) => [...new Set(values)];

/** Everything PerfOrderFields selects, for these `orders` rows. */
async function renderOrders(orders: Row[]): Promise<Row[]> {
  const all = orders.map((o) => o.id);
  const chip = ids(orders, 'CHIP');
  const plan = ids(orders, 'PLAN');
  const driver = ids(orders, 'DRIVER');
  const sale = ids(orders, 'SALE');
  const shop = ids(orders, 'SHOP');

  // Wave 2: what the order ids alone tell.
  const [
    events,
    chipTerms,
    chipLots,
    chipOps,
    planExt,
    underwrites,
    items,
    driverExt,
    driverRows,
    saleExt,
    shopOrders,
    shopLines,
  ] = await Promise.all([
    query(
      `select id, tx_id::text as tx_id, order_id, actor_id, type, from_status, to_status, data, occurred_at
         from order_events where order_id = any($1::uuid[]) order by order_id, id`,
      [all],
    ),
    chip.length
      ? query(
          `select order_id, budget, expected_time from chip_orders where order_id = any($1::uuid[])`,
          [chip],
        )
      : none,
    chip.length
      ? query(
          `select l.order_id, l.lot, l.package_id, c.name as chip_name, l.quantity
             from chip_lots l join chips c on c.id = l.chip_id
            where l.order_id = any($1::uuid[]) order by l.order_id, l.lot`,
          [chip],
        )
      : none,
    chip.length
      ? query(
          `select order_id, lot, step, plant_id, start_tick, end_tick, cost from chip_lot_operations
            where order_id = any($1::uuid[]) order by order_id, lot, step`,
          [chip],
        )
      : none,
    plan.length
      ? query(`select * from plan_order_ext where order_id = any($1::uuid[])`, [plan])
      : none,
    plan.length
      ? query(`select * from underwrites where order_id = any($1::uuid[]) and not deleted`, [plan])
      : none,
    plan.length || sale.length
      ? query(
          `select id, order_id, plan_id, plan_item_id, price from insurance_order_items
            where order_id = any($1::uuid[]) order by position`,
          [[...plan, ...sale]],
        )
      : none,
    driver.length
      ? query(`select * from driver_order_ext where order_id = any($1::uuid[])`, [driver])
      : none,
    driver.length
      ? query(
          `select dd.order_id, d.id, d.name, d.license_no
             from driver_order_drivers dd join drivers d on d.id = dd.driver_id
            where dd.order_id = any($1::uuid[]) order by dd.order_id, dd.position`,
          [driver],
        )
      : none,
    sale.length
      ? query(`select * from sale_order_ext where order_id = any($1::uuid[])`, [sale])
      : none,
    shop.length
      ? query(`select * from shop_orders where order_id = any($1::uuid[])`, [shop])
      : none,
    shop.length
      ? query(
          `select order_id, product_id, name, price, count, total_price from shop_order_lines
            where order_id = any($1::uuid[]) order by order_id, line_no`,
          [shop],
        )
      : none,
  ]);

  // Wave 3: what those rows point at. People (owners, event actors, operators) in one
  // statement and vehicles of every kind in one, as the service loads them.
  const consumerIds = uniq(
    [
      ...orders.map((o) => o.consumer_id),
      ...events.map((e) => e.actor_id),
      ...underwrites.map((u) => u.operator_id),
    ]
      .filter((id) => id !== null)
      .map(String),
  );
  const planVehicles = uniq(planExt.map((x) => x.vehicle_id));
  const vehicleIds = uniq([...planExt, ...driverExt, ...saleExt].map((x) => x.vehicle_id));
  const planItems = items.filter((i) => i.plan_id !== null);
  const planIds = uniq(planItems.map((i) => i.plan_id));
  const underwriteIds = underwrites.map((u) => u.id);
  const [
    consumers,
    plants,
    vehicles,
    promotions,
    problems,
    photos,
    shops,
    plans,
    itemsById,
    effective,
    itemsOfPlans,
  ] = await Promise.all([
    consumerIds.length
      ? query(`select id, name, role from consumers where id = any($1::bigint[])`, [consumerIds])
      : none,
    chipOps.length
      ? query(`select id, name, status from chip_plants where id = any($1::int[])`, [
          uniq(chipOps.map((o) => o.plant_id)),
        ])
      : none,
    vehicleIds.length
      ? query(`select id, plate_number, value, owner_id from vehicles where id = any($1::uuid[])`, [
          vehicleIds,
        ])
      : none,
    planExt.some((x) => x.promotion_id)
      ? query(`select id, name from promotions where id = any($1::uuid[])`, [
          uniq(planExt.filter((x) => x.promotion_id).map((x) => x.promotion_id)),
        ])
      : none,
    underwriteIds.length
      ? query(
          `select id, underwrite_id, type from underwrite_problems
            where underwrite_id = any($1::uuid[]) and not deleted order by created_at, position`,
          [underwriteIds],
        )
      : none,
    underwriteIds.length
      ? query(
          `select id, underwrite_id, url from underwrite_photos
            where underwrite_id = any($1::uuid[]) and not deleted order by created_at, position`,
          [underwriteIds],
        )
      : none,
    shopOrders.length
      ? query(`select id, cn_name, en_name from shops where id = any($1::bigint[])`, [
          uniq(shopOrders.map((s) => s.shop_id)),
        ])
      : none,
    planIds.length
      ? query(`select id, name from insurance_plans where id = any($1::uuid[])`, [planIds])
      : none,
    // A plan's items (the last statement) bring those its orders' items name; only a sale
    // order's items, which name no plan, are read by id, as the service does.
    items.some((i) => i.plan_id === null)
      ? query(`select id, name from insurance_plan_items where id = any($1::uuid[])`, [
          uniq(items.filter((i) => i.plan_id === null).map((i) => i.plan_item_id)),
        ])
      : none,
    planVehicles.length
      ? query(
          `select distinct on (x.vehicle_id, d.id) x.vehicle_id, d.id, d.name,
                  o.created_at as added_at, dd.position
             from driver_order_ext x
             join orders o on o.id = x.order_id and o.status = 'EFFECTIVE'
             join driver_order_drivers dd on dd.order_id = x.order_id
             join drivers d on d.id = dd.driver_id
            where x.vehicle_id = any($1::uuid[]) and (x.stop_at is null or x.stop_at > now())
            order by x.vehicle_id, d.id, o.created_at, dd.position`,
          [planVehicles],
        )
      : none,
    planIds.length
      ? query(
          `select id, plan_id, name, price from insurance_plan_items
            where plan_id = any($1::uuid[]) order by position, id`,
          [planIds],
        )
      : none,
  ]);

  const consumerById = by(consumers, 'id');
  const person = (id: string | null) => {
    const c = id === null ? undefined : consumerById.get(String(id));
    return c ? { id: String(c.id), name: c.name } : null;
  };
  const eventsOf = group(events, 'order_id');
  const vehicleById = by(vehicles, 'id');
  const itemById = by([...itemsById, ...itemsOfPlans], 'id');
  const itemsOf = group(items, 'order_id');
  effective.sort(
    (a, b) =>
      new Date(a.added_at).getTime() - new Date(b.added_at).getTime() || a.position - b.position,
  );
  const effectiveOf = group(effective, 'vehicle_id');
  const orderItem = (i: Row) => ({
    id: i.id,
    price: money(i.price),
    planItem: { id: i.plan_item_id, name: itemById.get(i.plan_item_id)!.name },
  });

  const chipTermsOf = by(chipTerms, 'order_id');
  const lotsOf = group(chipLots, 'order_id');
  const opsOf = group(chipOps, 'order_id');
  const plantById = by(plants, 'id');
  const plant = (id: number) => {
    const p = plantById.get(String(id))!;
    return { id: String(p.id), name: p.name, status: p.status };
  };
  const planExtOf = by(planExt, 'order_id');
  const underwriteOf = by(underwrites, 'order_id');
  const problemsOf = group(problems, 'underwrite_id');
  const photosOf = group(photos, 'underwrite_id');
  const promotionById = by(promotions, 'id');
  const planById = by(plans, 'id');
  const itemsOfPlan = group(itemsOfPlans, 'plan_id');
  const driverExtOf = by(driverExt, 'order_id');
  const driversOf = group(driverRows, 'order_id');
  const saleExtOf = by(saleExt, 'order_id');
  const shopOrderOf = by(shopOrders, 'order_id');
  const shopById = by(shops, 'id');
  const linesOf = group(shopLines, 'order_id');

  return orders.map((o) => {
    const node: Row = {
      id: o.id,
      kind: o.kind,
      orderNo: o.order_no,
      status: o.status,
      statusCode: o.status_code,
      statusLabel: o.status_label,
      payment: money(o.payment),
      createdAt: iso(o.created_at),
      updatedAt: iso(o.updated_at),
      consumer: (({ id, name, role }) => ({ id: String(id), name, role }))(
        consumerById.get(String(o.consumer_id))!,
      ),
      events: (eventsOf.get(o.id) ?? []).map((e) => ({
        id: String(e.id),
        cursor: eventCursor(e.tx_id, String(e.id)),
        type: e.type,
        fromStatus: e.from_status,
        toStatus: e.to_status,
        data: e.data,
        occurredAt: iso(e.occurred_at),
        actor: person(e.actor_id),
      })),
    };
    if (o.kind === 'CHIP') {
      const terms = chipTermsOf.get(o.id)!;
      const ops = group(opsOf.get(o.id) ?? [], 'lot');
      const lots: ScheduledLot[] = (lotsOf.get(o.id) ?? []).map((l) => ({
        lot: l.lot,
        packageId: l.package_id,
        chipName: l.chip_name,
        quantity: l.quantity,
        operations: (ops.get(String(l.lot)) ?? []).map((op) => ({
          lot: op.lot,
          step: op.step,
          plantId: op.plant_id,
          plantName: '',
          start: Number(op.start_tick),
          end: Number(op.end_tick),
          cost: new Decimal(op.cost),
        })),
      }));
      const kpi = computeKpi(lots, new Decimal(terms.budget), Number(terms.expected_time));
      Object.assign(node, {
        budget: money(terms.budget),
        expectedTime: Number(terms.expected_time),
        kpi: {
          totalCost: kpi.totalCost.toFixed(2),
          budgetUsage: kpi.budgetUsage,
          finishTime: kpi.finishTime,
          slack: kpi.slack,
          totalWaitTime: kpi.totalWaitTime,
          plantLoads: kpi.plantLoads.map((l) => ({
            busyTime: l.busyTime,
            share: l.share,
            plant: (({ id, name }) => ({ id, name }))(plant(l.plantId)),
          })),
        },
        lots: kpi.lots.map((l) => ({
          lot: l.lot,
          packageId: l.packageId,
          chipName: l.chipName,
          quantity: l.quantity,
          cost: l.cost.toFixed(2),
          start: l.start,
          finish: l.finish,
          waitTime: l.waitTime,
          operations: l.operations.map((op) => ({
            step: op.step,
            start: op.start,
            end: op.end,
            cost: op.cost.toFixed(2),
            plant: plant(op.plantId),
          })),
        })),
      });
    } else if (o.kind === 'PLAN') {
      const x = planExtOf.get(o.id)!;
      const v = vehicleById.get(x.vehicle_id)!;
      const its = itemsOf.get(o.id) ?? [];
      const uw = underwriteOf.get(o.id);
      const promotion = x.promotion_id ? promotionById.get(x.promotion_id) : undefined;
      Object.assign(node, {
        vehicle: {
          id: v.id,
          plateNumber: v.plate_number,
          value: money(v.value),
          owner: { id: String(v.owner_id) },
          drivers: (effectiveOf.get(v.id) ?? []).map((d) => ({ id: d.id, name: d.name })),
        },
        plans: uniq(its.map((i) => i.plan_id as string)).map((id) => ({
          id,
          name: planById.get(id)!.name,
          items: (itemsOfPlan.get(id) ?? []).map((i) => ({
            id: i.id,
            name: i.name,
            price: money(i.price),
          })),
        })),
        items: its.map(orderItem),
        quotationId: x.quotation_id,
        promotion: promotion
          ? { id: promotion.id, name: promotion.name, price: money(x.promotion_price) }
          : null,
        serviceRatio: Number(x.service_ratio),
        summary: money(x.summary),
        vehicleValue: money(x.vehicle_value),
        expectAt: iso(x.expect_at),
        startAt: iso(x.start_at),
        stopAt: iso(x.stop_at),
        underwrite: uw
          ? {
              id: uw.id,
              result: uw.result,
              validatePlace: uw.validate_place,
              realPlace: uw.real_place,
              operator: person(uw.operator_id),
              problems: (problemsOf.get(uw.id) ?? []).map((p) => ({ id: p.id, type: p.type })),
              photos: (photosOf.get(uw.id) ?? []).map((p) => ({ id: p.id, url: p.url })),
            }
          : null,
      });
    } else if (o.kind === 'DRIVER') {
      const x = driverExtOf.get(o.id)!;
      const v = vehicleById.get(x.vehicle_id)!;
      Object.assign(node, {
        vehicle: { id: v.id, plateNumber: v.plate_number },
        drivers: (driversOf.get(o.id) ?? []).map((d) => ({
          id: d.id,
          name: d.name,
          licenseNo: d.license_no,
        })),
        summary: money(x.summary),
        startAt: iso(x.start_at),
        stopAt: iso(x.stop_at),
      });
    } else if (o.kind === 'SALE') {
      const x = saleExtOf.get(o.id)!;
      const v = vehicleById.get(x.vehicle_id)!;
      Object.assign(node, {
        vehicle: { id: v.id, plateNumber: v.plate_number },
        quotationId: x.quotation_id,
        items: (itemsOf.get(o.id) ?? []).map(orderItem),
        summary: money(x.summary),
        startAt: iso(x.start_at),
        stopAt: iso(x.stop_at),
      });
    } else if (o.kind === 'SHOP') {
      const s = shopOrderOf.get(o.id)!;
      const shopRow = shopById.get(String(s.shop_id))!;
      const lines = linesOf.get(o.id) ?? [];
      Object.assign(node, {
        shop: { id: String(shopRow.id), cnName: shopRow.cn_name, enName: shopRow.en_name },
        shopCnName: shopRow.cn_name,
        shopEnName: shopRow.en_name,
        address: { recipient: s.recipient, address: s.address, telNum: s.tel_num },
        lines: lines.map((l) => ({
          productId: String(l.product_id),
          name: l.name,
          price: money(l.price),
          count: l.count,
          totalPrice: money(l.total_price),
        })),
        totalAmount: s.total_amount,
        isCanceled: s.is_canceled,
        payType: s.pay_type,
        productIds: lines.map((l) => String(l.product_id)),
        expiresAt: s.pay_type || s.is_canceled ? null : iso(s.expires_at),
      });
    }
    return node;
  });
}

/** OPERATOR's `orders(first)`: everyone's orders, most recently updated first. */
async function listOrders(first: number) {
  const [rows, [{ count }]] = await Promise.all([
    query(`select * from orders order by updated_at desc, id desc limit $1`, [first + 1]),
    query(`select count(*) from orders`, []),
  ]);
  const page = rows.slice(0, first);
  const cursors = page.map((o) => encodeCursor([new Date(o.updated_at).toISOString(), o.id]));
  const nodes = await renderOrders(page);
  return {
    orders: {
      totalCount: Number(count),
      pageInfo: { hasNextPage: rows.length > first, endCursor: cursors.at(-1) ?? null },
      edges: nodes.map((node, i) => ({ cursor: cursors[i], node })),
    },
  };
}

async function orderById(id: string) {
  const rows = await query(`select * from orders where id = $1`, [id]);
  return { order: rows.length ? (await renderOrders(rows))[0] : null };
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((done, fail) => {
    let body = '';
    req.setEncoding('utf8');
    req.on('data', (chunk) => (body += chunk));
    req.on('end', () => done(body));
    req.on('error', fail);
  });
}

const server = createServer(async (req, res) => {
  try {
    if (req.url === '/statements') {
      res.end(JSON.stringify({ statements }));
      statements = 0;
      return;
    }
    const { variables } = JSON.parse(await readBody(req)) as { variables: Row };
    if (!readAuthorization(req.headers.authorization, JWT_SECRET).claims) {
      throw new Error('anonymous');
    }
    res.setHeader('content-type', 'application/json');
    if (req.url === '/one-statement') {
      const [{ page }] = await query(ONE_STATEMENT_PAGE, [variables.first]);
      res.end(`{"data":${page}}`);
      return;
    }
    const data = variables.id ? await orderById(variables.id) : await listOrders(variables.first);
    res.end(JSON.stringify({ data }));
  } catch (err) {
    res.statusCode = 500;
    res.end(JSON.stringify({ errors: [{ message: String(err) }] }));
  }
});
server.keepAliveTimeout = 60_000;
server.listen(0, '127.0.0.1', () => {
  const { port } = server.address() as AddressInfo;
  const base = `http://127.0.0.1:${port}`;
  process.stdout.write(
    `${JSON.stringify({ url: `${base}/graphql`, statementsUrl: `${base}/statements` })}\n`,
  );
});
process.on('SIGTERM', () => {
  server.close();
  void pool.end().then(() => process.exit(0));
});
