/*
 * What bench/read.ts asks PostGraphile 5 (bench/read-postgraphile-server.ts): the closest query
 * over its generated schema of our tables to the service's `orders(first: 20)` (PerfOrderList in
 * test/graphql/perf.graphql), and how the two differ. The answers cannot be compared field by
 * field; `checkPostGraphilePage` checks that every order came with what was asked.
 */

export const POSTGRAPHILE_PAGE = `query PostGraphileOrderPage($first: Int!) {
  allOrders(first: $first, orderBy: [UPDATED_AT_DESC, ROW_ID_DESC]) {
    totalCount
    pageInfo { hasNextPage endCursor }
    edges {
      cursor
      node {
        rowId kind orderNo status statusCode statusLabel payment createdAt updatedAt
        consumerByConsumerId { rowId name role }
        orderEventsByOrderId(orderBy: ROW_ID_ASC) {
          nodes { rowId type fromStatus toStatus data occurredAt actor { rowId name } }
        }
        chipOrderByOrderId {
          budget expectedTime
          chipLotsByOrderId(orderBy: LOT_ASC) {
            nodes {
              lot packageId quantity cost
              chipByChipId { name }
              chipLotOperationsByOrderIdAndLot(orderBy: STEP_ASC) {
                nodes { step startTick endTick cost chipPlantByPlantId { rowId name status } }
              }
            }
          }
        }
        planOrderExtByOrderId {
          quotationId serviceRatio summary vehicleValue expectAt startAt stopAt promotionPrice
          promotionByPromotionId { rowId name }
          vehicleByVehicleId { rowId plateNumber value ownerId }
          underwriteByOrderId {
            rowId result validatePlace realPlace
            consumerByOperatorId { rowId name }
            underwriteProblemsByUnderwriteId(
              condition: { deleted: false }, orderBy: [CREATED_AT_ASC, POSITION_ASC]
            ) { nodes { rowId type } }
            underwritePhotosByUnderwriteId(
              condition: { deleted: false }, orderBy: [CREATED_AT_ASC, POSITION_ASC]
            ) { nodes { rowId url } }
          }
        }
        driverOrderExtByOrderId {
          summary startAt stopAt
          vehicleByVehicleId { rowId plateNumber }
          driverOrderDriversByOrderId(orderBy: POSITION_ASC) {
            nodes { driverByDriverId { rowId name licenseNo } }
          }
        }
        saleOrderExtByOrderId {
          quotationId summary startAt stopAt
          vehicleByVehicleId { rowId plateNumber }
        }
        insuranceOrderItemsByOrderId(orderBy: POSITION_ASC) {
          nodes {
            rowId price
            insurancePlanItemByPlanItemId { rowId name }
            insurancePlanByPlanId {
              rowId name
              insurancePlanItemsByPlanId(orderBy: [POSITION_ASC, ROW_ID_ASC]) {
                nodes { rowId name price }
              }
            }
          }
        }
        shopOrderByOrderId {
          recipient address telNum totalAmount isCanceled payType expiresAt
          shopByShopId { rowId cnName enName }
          shopOrderLinesByOrderId(orderBy: LINE_NO_ASC) {
            nodes { productId name price count totalPrice }
          }
        }
      }
    }
  }
}`;

/** How the query above differs from the service's, for BENCHMARKS.md (one bullet each). */
export const POSTGRAPHILE_DIFFERENCES = [
  "Same page (20 orders, most recently updated first, `totalCount`, `pageInfo`, edge cursors) and, per order, the same columns, owner, events with their actor, and each kind's rows: a chip order's terms, lots (chip name) and operations (plant); a plan order's terms, promotion, vehicle, inspection with its operator, problems and photos (not deleted); a driver order's vehicle and drivers in order; a sale order's vehicle; insurance items with their plan item; a shop order's shop, address and lines in order. Relations come from our foreign keys; one smart tag adds the link `order_events.actor_id` → `consumers` (a plain column in our schema).",
  "Not selectable, so not selected: the chip KPIs (each lot's cost, start, finish and wait, each plant's load, budget usage, slack; the service computes them) — PostGraphile answers their inputs instead (lot cost column, every operation's ticks and cost); an event's `cursor` (`tx_id` is `xid8`, a type PostGraphile 5 cannot represent: it leaves the column out with a warning at start) — the event's row id instead; a plan vehicle's `drivers` (those of its effective, unexpired driver orders: a filtered join that the generated schema cannot express without a SQL function).",
  "Shaped otherwise: every order answers all five kinds' one-to-one relations (null but one) and its insurance items, instead of an interface with a fragment per kind; a plan order's `plans` are reached through each item (a plan with two items comes twice, each time with all its items); a shop order's copies (`shopCnName`, `shopEnName`, `productIds`) and its computed `expiresAt` (null once paid) are left to the client, the raw columns answered instead; ids are `rowId`s, timestamps have microseconds and `+00:00`; money and bigints are strings as ours.",
  "Served with the Amber preset, `PgIndexBehaviorsPlugin` disabled (so that relations whose foreign key has only a partial index, the inspection's photos and problems, exist), a pool of 20 as ours, `NODE_ENV=production`, and the bench token checked in the context callback as the hand-written baseline checks it; no row-level security and no `pgSettings` (so no transaction per request).",
];

type Json = Record<string, any>;

/** Throws unless the answer is a page of `first` orders, each with its kind's rows. */
export function checkPostGraphilePage(answer: Json, first: number): void {
  const page = answer.data?.allOrders;
  if (answer.errors || !page) throw new Error(`PostGraphile: ${JSON.stringify(answer.errors)}`);
  const nodes: Json[] = page.edges.map((e: Json) => e.node);
  const kindRow: Record<string, string> = {
    CHIP: 'chipOrderByOrderId',
    PLAN: 'planOrderExtByOrderId',
    DRIVER: 'driverOrderExtByOrderId',
    SALE: 'saleOrderExtByOrderId',
    SHOP: 'shopOrderByOrderId',
  };
  const missing = nodes.filter(
    (n) => !n.consumerByConsumerId || !n.orderEventsByOrderId.nodes.length || !n[kindRow[n.kind]],
  );
  if (nodes.length !== first || missing.length) {
    throw new Error(
      `PostGraphile answered ${nodes.length} orders, ${missing.length} without their rows`,
    );
  }
}
