/*
 * The read benchmark's floor (issue 17): OPERATOR's `orders(first: $1)` page, exactly as the
 * service answers it (test/graphql/perf.graphql's PerfOrderList: cursors, every kind's nested
 * fields, the chip KPIs), built by ONE SQL statement with JSON aggregation and handed out as
 * PostgreSQL prints it: one round trip, nothing parsed or assembled in JavaScript. Served by
 * bench/read-baseline-server.ts at /one-statement; bench/read.ts checks that it answers the
 * same data as the service before timing it.
 */

/** An instant as the service prints it (Date.toISOString: UTC, milliseconds, `Z`). */
const iso = (column: string) =>
  `to_char(${column} at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`;
/** `{ id, name }` of a consumer, or null (person() in the baseline). */
const person = (id: string) =>
  `(select jsonb_build_object('id', c.id::text, 'name', c.name) from consumers c where c.id = ${id})`;
/** A JSON array of the rows' `value` in `order`, [] when there are none. */
const list = (value: string, order: string, from: string) =>
  `coalesce((select jsonb_agg(${value} order by ${order}) from ${from}), '[]'::jsonb)`;
/** An order item of PLAN and SALE orders. */
const items = list(
  `jsonb_build_object('id', i.id, 'price', i.price::text,
     'planItem', jsonb_build_object('id', pi.id, 'name', pi.name))`,
  'i.position',
  `insurance_order_items i join insurance_plan_items pi on pi.id = i.plan_item_id
    where i.order_id = o.id`,
);
const vehicle = (x: string) =>
  `(select jsonb_build_object('id', v.id, 'plateNumber', v.plate_number) from vehicles v
     where v.id = ${x}.vehicle_id)`;
/** The columns every kind of insurance order has. */
const insuranceTerms = (x: string) =>
  `'summary', ${x}.summary::text, 'startAt', ${iso(`${x}.start_at`)}, 'stopAt', ${iso(`${x}.stop_at`)}`;

/**
 * A chip order's terms, KPIs and lots (src/chip/chip-plan-kpi.rules.ts computeKpi): each lot's cost,
 * start, finish and waits between its steps; each plant's busy time (the union of its
 * operations) and share of the plan's span, in the order the plan first uses the plants.
 */
const chip = `(
  select jsonb_build_object(
    'budget', t.budget::text,
    'expectedTime', t.expected_time,
    'kpi', jsonb_build_object(
      'totalCost', k.total_cost::text,
      'budgetUsage', (k.total_cost / t.budget)::float8,
      'finishTime', k.finish,
      'slack', t.expected_time - k.finish,
      'totalWaitTime', k.wait,
      'plantLoads', ${list(
        `jsonb_build_object('busyTime', pl.busy,
           'share', case when k.finish > k.first_start then pl.busy::float8 / (k.finish - k.first_start) else 0 end,
           'plant', jsonb_build_object('id', p.id::text, 'name', p.name))`,
        'pl.first_use',
        `(select b.plant_id, min(b.first_use) as first_use,
                 sum(greatest(0, b.end_tick - greatest(b.start_tick, coalesce(b.covered_to, b.start_tick)))) as busy
            from (select plant_id, start_tick, end_tick, array[lot, step] as first_use,
                         max(end_tick) over (partition by plant_id order by start_tick, end_tick
                                             rows between unbounded preceding and 1 preceding) as covered_to
                    from chip_lot_operations where order_id = o.id) b
           group by b.plant_id) pl join chip_plants p on p.id = pl.plant_id`,
      )}),
    'lots', k.lots)
  from chip_orders t
  cross join lateral (
    select sum(l.cost) as total_cost, min(l.start) as first_start, max(l.finish) as finish,
           sum(l.wait) as wait,
           jsonb_agg(jsonb_build_object('lot', l.lot, 'packageId', l.package_id,
             'chipName', l.chip_name, 'quantity', l.quantity, 'cost', l.cost::text,
             'start', l.start, 'finish', l.finish, 'waitTime', l.wait, 'operations', l.operations)
             order by l.lot) as lots
      from (
        select l.lot, l.package_id, c.name as chip_name, l.quantity, sum(op.cost) as cost,
               min(op.start_tick) as start, max(op.end_tick) as finish,
               coalesce(sum(greatest(0, op.start_tick - op.previous_end)), 0) as wait,
               jsonb_agg(jsonb_build_object('step', op.step, 'start', op.start_tick,
                 'end', op.end_tick, 'cost', op.cost::text,
                 'plant', jsonb_build_object('id', p.id::text, 'name', p.name, 'status', p.status))
                 order by op.step) as operations
          from chip_lots l
          join chips c on c.id = l.chip_id
          join (select *, lag(end_tick) over (partition by lot order by step) as previous_end
                  from chip_lot_operations where order_id = o.id) op on op.lot = l.lot
          join chip_plants p on p.id = op.plant_id
         where l.order_id = o.id
         group by l.lot, l.package_id, c.name, l.quantity
      ) l
  ) k
  where t.order_id = o.id)`;

/** A plan order's vehicle (with the drivers of its effective driver orders), plans, inspection. */
const plan = `(
  select jsonb_build_object(
    'vehicle', (select jsonb_build_object('id', v.id, 'plateNumber', v.plate_number,
       'value', v.value::text, 'owner', jsonb_build_object('id', v.owner_id::text),
       'drivers', ${list(
         `jsonb_build_object('id', e.id, 'name', e.name)`,
         'e.added_at, e.position, e.id',
         `(select distinct on (d.id) d.id, d.name, eo.created_at as added_at, dd.position
             from driver_order_ext dx
             join orders eo on eo.id = dx.order_id and eo.status = 'EFFECTIVE'
             join driver_order_drivers dd on dd.order_id = dx.order_id
             join drivers d on d.id = dd.driver_id
            where dx.vehicle_id = v.id and (dx.stop_at is null or dx.stop_at > now())
            order by d.id, eo.created_at, dd.position) e`,
       )})
      from vehicles v where v.id = x.vehicle_id),
    'plans', ${list(
      `jsonb_build_object('id', ip.id, 'name', ip.name, 'items', ${list(
        `jsonb_build_object('id', pi.id, 'name', pi.name, 'price', pi.price::text)`,
        'pi.position, pi.id',
        'insurance_plan_items pi where pi.plan_id = ip.id',
      )})`,
      'f.first',
      `(select plan_id, min(position) as first from insurance_order_items
         where order_id = o.id group by plan_id) f join insurance_plans ip on ip.id = f.plan_id`,
    )},
    'items', ${items},
    'quotationId', x.quotation_id,
    'promotion', (select jsonb_build_object('id', pr.id, 'name', pr.name,
       'price', x.promotion_price::text) from promotions pr where pr.id = x.promotion_id),
    'serviceRatio', x.service_ratio,
    'vehicleValue', x.vehicle_value::text,
    'expectAt', ${iso('x.expect_at')},
    ${insuranceTerms('x')},
    'underwrite', (select jsonb_build_object('id', u.id, 'result', u.result,
       'validatePlace', u.validate_place, 'realPlace', u.real_place,
       'operator', ${person('u.operator_id')},
       'problems', ${list(
         `jsonb_build_object('id', up.id, 'type', up.type)`,
         'up.created_at, up.position',
         'underwrite_problems up where up.underwrite_id = u.id and not up.deleted',
       )},
       'photos', ${list(
         `jsonb_build_object('id', uf.id, 'url', uf.url)`,
         'uf.created_at, uf.position',
         'underwrite_photos uf where uf.underwrite_id = u.id and not uf.deleted',
       )})
      from underwrites u where u.order_id = o.id and not u.deleted))
  from plan_order_ext x where x.order_id = o.id)`;

const driver = `(
  select jsonb_build_object('vehicle', ${vehicle('x')},
    'drivers', ${list(
      `jsonb_build_object('id', d.id, 'name', d.name, 'licenseNo', d.license_no)`,
      'dd.position',
      'driver_order_drivers dd join drivers d on d.id = dd.driver_id where dd.order_id = o.id',
    )},
    ${insuranceTerms('x')})
  from driver_order_ext x where x.order_id = o.id)`;

const sale = `(
  select jsonb_build_object('vehicle', ${vehicle('x')}, 'quotationId', x.quotation_id,
    'items', ${items}, ${insuranceTerms('x')})
  from sale_order_ext x where x.order_id = o.id)`;

const shop = `(
  select jsonb_build_object(
    'shop', jsonb_build_object('id', sh.id::text, 'cnName', sh.cn_name, 'enName', sh.en_name),
    'shopCnName', sh.cn_name, 'shopEnName', sh.en_name,
    'address', jsonb_build_object('recipient', s.recipient, 'address', s.address, 'telNum', s.tel_num),
    'lines', ${list(
      `jsonb_build_object('productId', sl.product_id::text, 'name', sl.name,
         'price', sl.price::text, 'count', sl.count, 'totalPrice', sl.total_price::text)`,
      'sl.line_no',
      'shop_order_lines sl where sl.order_id = o.id',
    )},
    'productIds', ${list('sl.product_id::text', 'sl.line_no', 'shop_order_lines sl where sl.order_id = o.id')},
    'totalAmount', s.total_amount, 'isCanceled', s.is_canceled, 'payType', s.pay_type,
    'expiresAt', case when s.pay_type is null and not s.is_canceled then ${iso('s.expires_at')} end)
  from shop_orders s join shops sh on sh.id = s.shop_id where s.order_id = o.id)`;

/** The node of order row `o`: the columns, owner and events every kind has, then its kind's. */
const node = `jsonb_build_object(
    'id', o.id, 'kind', o.kind, 'orderNo', o.order_no, 'status', o.status,
    'statusCode', o.status_code, 'statusLabel', o.status_label, 'payment', o.payment::text,
    'createdAt', ${iso('o.created_at')}, 'updatedAt', ${iso('o.updated_at')},
    'consumer', (select jsonb_build_object('id', c.id::text, 'name', c.name, 'role', c.role)
                   from consumers c where c.id = o.consumer_id),
    'events', ${list(
      `jsonb_build_object('id', e.id::text,
         'cursor', lpad(to_hex(e.tx_id::text::bigint), 16, '0') || lpad(to_hex(e.id), 16, '0'),
         'type', e.type, 'fromStatus', e.from_status, 'toStatus', e.to_status, 'data', e.data,
         'occurredAt', ${iso('e.occurred_at')}, 'actor', ${person('e.actor_id')})`,
      'e.id',
      'order_events e where e.order_id = o.id',
    )})
  || coalesce(case o.kind when 'CHIP' then ${chip} when 'PLAN' then ${plan}
       when 'DRIVER' then ${driver} when 'SALE' then ${sale} when 'SHOP' then ${shop} end,
     '{}'::jsonb)`;

/** encodeCursor([updatedAt, id]) of src/platform/pagination.ts: base64url, no padding. */
const cursor = `rtrim(translate(encode(convert_to(
    '["' || ${iso('o.updated_at')} || '","' || o.id || '"]', 'UTF8'), 'base64'), E'+/\\n', '-_'), '=')`;

/** `{"orders": {...}}` as text, for `first` = $1. */
export const ONE_STATEMENT_PAGE = `
with page as (
  select o.*, ${cursor} as cursor, row_number() over (order by o.updated_at desc, o.id desc) as n
    from orders o order by o.updated_at desc, o.id desc limit $1::int + 1
)
select json_build_object('orders', json_build_object(
  'totalCount', (select count(*) from orders),
  'pageInfo', json_build_object(
    'hasNextPage', (select count(*) from page) > $1::int,
    'endCursor', (select cursor from page where n <= $1::int order by n desc limit 1)),
  'edges', coalesce((select json_agg(json_build_object('cursor', o.cursor, 'node', ${node}) order by o.n)
                       from page o where o.n <= $1::int), '[]'::json)
))::text as page`;
