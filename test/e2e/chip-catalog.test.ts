import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  ChipByNameDocument,
  ChipsDocument,
  ConfirmChipOrderDocument,
  PlantByIdDocument,
  PlantsDocument,
  ProductionClockDocument,
  SetPlantStatusDocument,
} from '../generated/graphql.ts';
import { CK101_PLANTS, ck101Lot, REED } from '../utils/chip-plans.ts';
import { demo, startTestApp, type TestApp, isCallerCheck } from '../utils/test-app.ts';

// Seed 000's order page for DM878, verbatim.
const DM878 = [
  ['Brown Inc', 'Davis PLC', 'Hendricks, Price and Lewis', 'Miller PLC', 'Woods Inc'],
  [
    'Lowery Ltd',
    'Lowe-Mcintyre',
    'Duncan Ltd',
    'Bridges-Hernandez',
    'Solis-Spencer',
    'Jones Ltd',
    'Watts PLC',
    'Powell Group',
  ],
  [
    'Blankenship, Howell and Howell',
    'Fisher, Warren and Moore',
    'Young, Taylor and Jones',
    'Fox Ltd',
    'Ruiz-Jones',
    'Bates, Nelson and Sanchez',
  ],
  [
    'Mooney-Taylor',
    'Alvarado PLC',
    'Mckee-Esparza',
    'Robinson LLC',
    'Davis, Murphy and Osborne',
    'George LLC',
  ],
  [
    'Reed, Spence and Harris',
    'King-Oneal',
    'Arnold-Carlson',
    'Reed, Johnson and Mitchell',
    'Hall, Woods and Sanchez',
    'Douglas-Franklin',
    'Stone Group',
    'Lewis Inc',
    'Pace, Powell and Stone',
    'Clark-Ford',
  ],
];

let t: TestApp;
let statements: string[] = [];
let consumer: string;
let admin: string;

beforeAll(async () => {
  t = await startTestApp({ onQuery: (sql) => statements.push(sql) });
  consumer = await t.login(demo.consumer);
  admin = await t.login(demo.admin);
});
afterAll(() => t?.close());

async function countStatements<T>(work: () => Promise<T>): Promise<{ result: T; count: number }> {
  statements = [];
  const result = await work();
  // Not counting the caller's token check, one statement before any resolver.
  const resolverSql = statements.filter((s) => !isCallerCheck(s));
  return { result, count: resolverSql.filter((s) => /\b(select|with)\b/i.test(s)).length };
}

describe('the order page (chip)', () => {
  it('lists DM878 with exactly the seed five operations and plant names, in the seed order', async () => {
    const res = await t.gql(ChipByNameDocument, { name: 'DM878' });
    expect(res.errors).toBeUndefined();
    const chip = res.data!.chip!;
    expect(chip.name).toBe('DM878');
    expect(chip.operationCount).toBe(5);
    expect(chip.operations.map((o) => o.step)).toEqual([1, 2, 3, 4, 5]);
    expect(chip.operations.map((o) => o.plants.map((p) => p.name))).toEqual(DM878);
  });

  it('lists CK101 with the seed example plants first at each of its three steps', async () => {
    const res = await t.gql(ChipByNameDocument, { name: 'CK101' });
    const ops = res.data!.chip!.operations;
    expect(ops.map((o) => o.plants[0].name)).toEqual([
      'Reed, Spence and Harris',
      'Diaz, Andersen and Cooper',
      'Fernandez, Boyd and Palmer',
    ]);
  });

  it('answers null for a chip that does not exist', async () => {
    const res = await t.gql(ChipByNameDocument, { name: 'XX000' });
    expect(res.errors).toBeUndefined();
    expect(res.data!.chip).toBeNull();
  });

  it('lists tens of chips and their steps in a fixed number of queries', async () => {
    const { result: res, count } = await countStatements(() => t.gql(ChipsDocument));
    const chips = res.data!.chips;
    expect(chips.length).toBeGreaterThanOrEqual(20);
    expect(chips.map((c) => c.name)).toEqual(expect.arrayContaining(['DM878', 'CK101', 'NB666']));
    expect(chips.find((c) => c.name === 'NB666')!.operationCount).toBe(4);
    // Every step of every chip can be made somewhere.
    for (const chip of chips) {
      expect(chip.operations).toHaveLength(chip.operationCount);
      for (const op of chip.operations) expect(op.plants.length).toBeGreaterThanOrEqual(2);
    }
    // chips, their operations, the plants of every step: no query per chip or per step.
    expect(count).toBeLessThanOrEqual(3);
  });
});

describe('the factory page (plants)', () => {
  it('shows every plant with status, capabilities, bookings and utilization in a fixed number of queries', async () => {
    const order = await t.gql(
      ConfirmChipOrderDocument,
      { input: ck101Lot(10, 100), key: 'cat-1' },
      { token: consumer },
    );
    expect(order.errors).toBeUndefined();
    expect(order.data!.confirmChipOrder.errors).toEqual([]);

    const { result: res, count } = await countStatements(() =>
      t.gql(PlantsDocument, {}, { token: consumer }),
    );
    expect(res.errors).toBeUndefined();
    const plants = res.data!.plants;
    expect(plants.length).toBeGreaterThanOrEqual(40);
    // plants, utilization, capabilities, bookings, the bookings' plants: not one per plant.
    expect(count).toBeLessThanOrEqual(5);

    const reed = plants.find((p) => p.name === REED)!;
    expect(reed.status).toBe('RUNNING');
    expect(reed.capabilities).toEqual(
      expect.arrayContaining([
        { chipName: 'CK101', step: 1, unitCost: '250.00', unitTime: 0.4 },
        expect.objectContaining({ chipName: 'DM878', step: 5 }),
      ]),
    );
    // 100 chips at 0.4 ticks each: [10, 50) on Reed, 40 of the next 100 ticks.
    expect(reed.bookings).toEqual([
      {
        orderId: order.data!.confirmChipOrder.order!.id,
        lot: 0,
        step: 1,
        start: 10,
        end: 50,
        plant: { name: REED },
      },
    ]);
    expect(reed.utilization).toBeCloseTo(0.4, 10);
    expect(plants.filter((p) => p.capabilities.length >= 2).length).toBeGreaterThan(5);
    expect(plants.map((p) => p.status)).toEqual(expect.arrayContaining(['MAINTENANCE', 'IDLE']));
  });

  it('shows one plant with only the bookings overlapping [from, to)', async () => {
    const plants = (await t.gql(PlantsDocument, {}, { token: consumer })).data!.plants;
    const reed = plants.find((p) => p.name === REED)!;
    const inWindow = await t.gql(
      PlantByIdDocument,
      { id: reed.id, from: 49, to: 60 },
      { token: consumer },
    );
    expect(inWindow.data!.plant!.bookings.map((b) => [b.start, b.end])).toEqual([[10, 50]]);
    const after = await t.gql(
      PlantByIdDocument,
      { id: reed.id, from: 50, to: 60 },
      { token: consumer },
    );
    expect(after.data!.plant!.bookings).toEqual([]);
    const missing = await t.gql(PlantByIdDocument, { id: '999999' }, { token: consumer });
    expect(missing.data!.plant).toBeNull();
    const malformed = await t.gql(PlantByIdDocument, { id: 'not-an-id' }, { token: consumer });
    expect(malformed.data!.plant).toBeNull();
  });

  it("pages a plant's bookings: 100 at most by default, `first` on request, the next page from the last end", async () => {
    // 120 one-chip lots back to back: 120 one-tick bookings on Reed, at ticks 1000..1119.
    const lots = Array.from({ length: 120 }, (_, i) => ({
      chipName: 'CK101',
      quantity: 1,
      plantNames: CK101_PLANTS,
      startTimes: [1000 + i, 2000 + i, 3000 + i],
    }));
    const order = await t.gql(
      ConfirmChipOrderDocument,
      { input: { budget: '1000000', expectedTime: 2_000_000_000, lots }, key: 'cat-many' },
      { token: consumer },
    );
    expect(order.data!.confirmChipOrder.errors).toEqual([]);
    const plants = (await t.gql(PlantsDocument, {}, { token: consumer })).data!.plants;
    const reed = plants.find((p) => p.name === REED)!;
    const page = async (from: number, first?: number) => {
      const res = await t.gql(PlantByIdDocument, { id: reed.id, from, first }, { token: consumer });
      expect(res.errors).toBeUndefined();
      return res.data!.plant!.bookings.map((b) => b.start);
    };
    const range = (from: number, n: number) => Array.from({ length: n }, (_, i) => from + i);
    expect(await page(1000)).toEqual(range(1000, 100));
    expect(await page(1000, 30)).toEqual(range(1000, 30));
    expect(await page(1030, 30)).toEqual(range(1030, 30));
    expect(await page(1100, 100)).toEqual(range(1100, 20));
    for (const first of [0, 101]) {
      const res = await t.gql(
        PlantByIdDocument,
        { id: reed.id, from: 1000, first },
        { token: consumer },
      );
      expect(res.errors![0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'first' });
    }
  });

  it('weighs bookings by `first` in the query cost: a factory page asking for every booking of every plant is too complex', async () => {
    const pages = (first: number) =>
      `{ ${Array.from(
        // Enough aliases to pass the default cost limit at 100 bookings a plant, not at 10.
        { length: 20 },
        (_, i) =>
          `p${i}: plants { bookings(first: ${first}) { orderId lot step start end plant { name } } }`,
      ).join(' ')} }`;
    const tooMuch = await t.gql(pages(100), {}, { token: consumer });
    expect(tooMuch.errors![0].extensions).toMatchObject({
      code: 'QUERY_TOO_COMPLEX',
      limit: 'cost',
    });
    const fewer = await t.gql(pages(10), {}, { token: consumer });
    expect(fewer.errors).toBeUndefined();
    expect(fewer.data.p0.length).toBeGreaterThanOrEqual(40);
  });

  it('refuses a bookings window whose from is after its to as bad input', async () => {
    const reed = (await t.gql(PlantsDocument, {}, { token: consumer })).data!.plants.find(
      (p) => p.name === REED,
    )!;
    const res = await t.gql(
      PlantByIdDocument,
      { id: reed.id, from: 60, to: 50 },
      { token: consumer },
    );
    expect(res.errors![0].extensions!.code).toBe('BAD_USER_INPUT');
  });

  it('asks who is calling before showing the factory page', async () => {
    const res = await t.gql(PlantsDocument, {});
    expect(res.errors![0].extensions!.code).toBe('UNAUTHENTICATED');
  });

  it('lets ADMIN, and only ADMIN, put a plant into maintenance', async () => {
    const plants = (await t.gql(PlantsDocument, {}, { token: consumer })).data!.plants;
    const plant = plants.find((p) => p.name === 'Ruiz-Jones')!;
    const operator = await t.login(demo.operator);
    for (const token of [consumer, operator]) {
      const refused = await t.gql(
        SetPlantStatusDocument,
        { plantId: plant.id, status: 'MAINTENANCE' },
        { token },
      );
      expect(refused.errors![0].extensions!.code).toBe('FORBIDDEN');
    }
    const res = await t.gql(
      SetPlantStatusDocument,
      { plantId: plant.id, status: 'MAINTENANCE' },
      { token: admin },
    );
    expect(res.data!.setPlantStatus).toEqual({
      id: plant.id,
      name: 'Ruiz-Jones',
      status: 'MAINTENANCE',
    });
    const { rows } = await t.db.query(`select status from chip_plants where id = $1`, [plant.id]);
    expect(rows[0].status).toBe('MAINTENANCE');
    const unknown = await t.gql(
      SetPlantStatusDocument,
      { plantId: '424242', status: 'IDLE' },
      { token: admin },
    );
    expect(unknown.errors![0].extensions!.code).toBe('BAD_USER_INPUT');
  });

  it('shows the production clock to anyone, without a tick period when only ADMIN moves it', async () => {
    const res = await t.gql(ProductionClockDocument);
    expect(res.data!.productionClock).toEqual({ now: 0, tickMs: null });
  });
});
