import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  AddPlantCapabilityDocument,
  AdvanceProductionClockDocument,
  AnalyzeChipOrderDocument,
  CancelOrderDocument,
  CatalogHistoryDocument,
  ChipByNameDocument,
  ConfirmChipOrderDocument,
  CreateChipDocument,
  PlantDetailDocument,
  PlantNamesDocument,
  ProductionClockDocument,
  RemovePlantCapabilityDocument,
  RemovePlantDocument,
  SetPlantStatusDocument,
  UpdatePlantCapabilityDocument,
  type ChipPlanInput,
} from '../generated/graphql.ts';
import { demo, startTestApp, type TestApp } from '../utils/test-app.ts';
import { apiFactory, factoryPlan } from './catalog-fixtures.ts';

let t: TestApp;
let admin: string;
let consumer: string;
let keys = 0;

beforeAll(async () => {
  t = await startTestApp();
  [admin, consumer] = await Promise.all([t.login(demo.admin), t.login(demo.consumer)]);
});
afterAll(() => t?.close());

const now = async () => (await t.gql(ProductionClockDocument, {})).data!.productionClock.now;
const confirm = (input: ChipPlanInput) =>
  t.gql(ConfirmChipOrderDocument, { input, key: `fab-${++keys}` }, { token: consumer });
const removeCapability = (plantId: string, chipName: string, expectedVersion = 1) =>
  t.gql(
    RemovePlantCapabilityDocument,
    { input: { plantId, chipName, step: 1, expectedVersion } },
    { token: admin },
  );
const plant = async (id: string) =>
  (await t.gql(PlantDetailDocument, { id }, { token: admin })).data!.plant!;

describe('chips, plants and capabilities', () => {
  it('sets up a chip whose steps list the plants able to do them, and plans are judged on them', async () => {
    const factory = await apiFactory(t, admin, 2);
    const chip = await t.gql(ChipByNameDocument, { name: factory.chipName });
    expect(chip.data!.chip).toMatchObject({
      operationCount: 2,
      operations: [
        { step: 1, name: 'Step 1', plants: [{ name: factory.plants[0].name }] },
        { step: 2, name: 'Step 2', plants: [{ name: factory.plants[1].name }] },
      ],
    });
    const at = (await now()) + 10;
    const analysis = await t.gql(
      AnalyzeChipOrderDocument,
      { input: factoryPlan(factory, at) },
      { token: consumer },
    );
    expect(analysis.data!.analyzeChipOrder).toMatchObject({
      feasible: true,
      kpi: { totalCost: '200.00' },
    });
  });

  it('refuses a taken chip name, an unknown chip, a step the chip lacks and an inexact unit time', async () => {
    const factory = await apiFactory(t, admin, 1);
    const again = await t.gql(
      CreateChipDocument,
      { input: { name: factory.chipName, operations: [{ name: 'x' }] } },
      { token: admin },
    );
    expect(again.data!.createChip.errors).toEqual([
      { code: 'INVALID_INPUT', message: 'Another chip has this name.', field: ['input', 'name'] },
    ]);
    const add = (input: Record<string, unknown>) =>
      t.gql(
        AddPlantCapabilityDocument,
        {
          input: {
            plantId: factory.plants[0].id,
            chipName: factory.chipName,
            step: 1,
            unitCost: '1.00',
            unitTime: 1,
            ...input,
          } as never,
        },
        { token: admin },
      );
    expect(
      (await add({ chipName: 'NO-SUCH-CHIP' })).data!.addPlantCapability.errors[0],
    ).toMatchObject({ code: 'NOT_FOUND', field: ['input', 'chipName'] });
    expect((await add({ step: 2 })).data!.addPlantCapability.errors[0]).toMatchObject({
      code: 'INVALID_INPUT',
      field: ['input', 'step'],
    });
    expect(
      (await add({ unitTime: 0.00001, unitCost: '0.00' })).data!.addPlantCapability.errors.map(
        (e) => e.field,
      ),
    ).toEqual([
      ['input', 'unitCost'],
      ['input', 'unitTime'],
    ]);
    expect((await add({})).data!.addPlantCapability.errors[0]).toMatchObject({
      code: 'INVALID_INPUT',
      message: 'The plant can do this step already; change it with updatePlantCapability.',
    });
  });

  it("changes a capability's figures at the version read; orders already booked keep theirs", async () => {
    const factory = await apiFactory(t, admin, 1);
    const [p] = factory.plants;
    const booked = await confirm(factoryPlan(factory, (await now()) + 10));
    expect(booked.data!.confirmChipOrder.order!.payment).toBe('100.00');
    const change = (expectedVersion: number) =>
      t.gql(
        UpdatePlantCapabilityDocument,
        {
          input: {
            plantId: p.id,
            chipName: factory.chipName,
            step: 1,
            expectedVersion,
            unitCost: '30.00',
            unitTime: 0.25,
          },
        },
        { token: admin },
      );
    expect((await change(1)).data!.updatePlantCapability.capability).toEqual({
      chipName: factory.chipName,
      step: 1,
      unitCost: '30.00',
      unitTime: 0.25,
      version: 2,
    });
    expect((await change(1)).data!.updatePlantCapability.errors.map((e) => e.code)).toEqual([
      'STALE_UPDATE',
    ]);
    const { rows } = await t.db.query(`select cost from chip_lots where order_id = $1`, [
      booked.data!.confirmChipOrder.order!.id,
    ]);
    expect(rows).toEqual([{ cost: '100.00' }]);
    const next = await confirm(factoryPlan(factory, (await now()) + 1000));
    expect(next.data!.confirmChipOrder.order!.payment).toBe('300.00');
  });
});

describe('removing what a booking needs', () => {
  it('refuses to remove a capability with an unfinished booking, naming the order; allows it once the order is cancelled', async () => {
    const factory = await apiFactory(t, admin, 1);
    const [p] = factory.plants;
    const order = (await confirm(factoryPlan(factory, (await now()) + 10))).data!.confirmChipOrder
      .order!;
    const refused = await removeCapability(p.id, factory.chipName);
    expect(refused.data!.removePlantCapability.errors).toEqual([
      {
        code: 'IN_USE',
        message: `${p.name} has unfinished bookings of ${factory.chipName} step 1 (orders ${order.orderNo}): cancel them or let them finish first.`,
        field: ['input', 'step'],
      },
    ]);
    expect((await plant(p.id)).capabilities).toHaveLength(1);

    await t.gql(CancelOrderDocument, { orderId: order.id }, { token: consumer });
    const removed = await removeCapability(p.id, factory.chipName);
    expect(removed.data!.removePlantCapability.plant!.capabilities).toEqual([]);
    const chip = await t.gql(ChipByNameDocument, { name: factory.chipName });
    expect(chip.data!.chip!.operations[0].plants).toEqual([]);
    const analysis = await t.gql(
      AnalyzeChipOrderDocument,
      { input: factoryPlan(factory, (await now()) + 10) },
      { token: consumer },
    );
    expect(analysis.data!.analyzeChipOrder.feasible).toBe(false);
    const history = await t.gql(
      CatalogHistoryDocument,
      { entityType: 'PLANT_CAPABILITY', entityId: `${p.id}:${factory.chipName}:1`, first: 1 },
      { token: admin },
    );
    expect(history.data!.catalogHistory.edges[0].node).toMatchObject({
      action: 'REMOVED',
      changes: { unitCost: { from: '10.00', to: null }, unitTime: { from: 0.5, to: null } },
    });
  });

  it('removes a plant only once its bookings are over; its finished bookings and orders still name it', async () => {
    const factory = await apiFactory(t, admin, 1);
    const [p] = factory.plants;
    const start = (await now()) + 5;
    const order = (await confirm(factoryPlan(factory, start))).data!.confirmChipOrder.order!;
    const refused = await t.gql(RemovePlantDocument, { plantId: p.id }, { token: admin });
    expect(refused.data!.removePlant.errors).toEqual([
      {
        code: 'IN_USE',
        message: `${p.name} has unfinished bookings (orders ${order.orderNo}): cancel them or let them finish first.`,
        field: ['plantId'],
      },
    ]);
    // The booking [start, start + 5) ends as the clock passes it.
    await t.gql(
      AdvanceProductionClockDocument,
      { ticks: start + 5 - (await now()) },
      {
        token: admin,
      },
    );
    const removed = await t.gql(RemovePlantDocument, { plantId: p.id }, { token: admin });
    expect(removed.data!.removePlant.plant).toMatchObject({
      capabilities: [],
      removedAt: expect.any(String),
      version: 2,
    });
    const names = (await t.gql(PlantNamesDocument, {}, { token: consumer })).data!.plants;
    expect(names.map((n) => n.id)).not.toContain(p.id);
    const { rows } = await t.db.query(
      `select count(*)::int as n from chip_bookings where plant_id = $1`,
      [p.id],
    );
    expect(rows[0].n).toBe(1);
    const status = await t.gql(
      SetPlantStatusDocument,
      { plantId: p.id, status: 'MAINTENANCE' },
      { token: admin },
    );
    expect(status.errors?.[0].extensions?.code).toBe('BAD_USER_INPUT');
  });

  it('never leaves a booking without its capability when a removal and a confirmation race', async () => {
    for (let round = 0; round < 4; round++) {
      const factory = await apiFactory(t, admin, 1);
      const [p] = factory.plants;
      const [booked, removal] = await Promise.all([
        confirm(factoryPlan(factory, (await now()) + 10)),
        removeCapability(p.id, factory.chipName),
      ]);
      const ordered = booked.data!.confirmChipOrder.errors.length === 0;
      const removed = removal.data!.removePlantCapability.errors.length === 0;
      // Exactly one of the two went through, and the other says why.
      expect(ordered !== removed, JSON.stringify([booked.data, removal.data])).toBe(true);
      if (ordered) {
        expect(removal.data!.removePlantCapability.errors.map((e) => e.code)).toEqual(['IN_USE']);
      } else {
        expect(booked.data!.confirmChipOrder.errors.map((e) => e.code)).toEqual([
          'PLAN_INFEASIBLE',
        ]);
      }
    }
  });
});

describe('plant status', () => {
  it('records each change of status, and none for setting the status the plant already has', async () => {
    const factory = await apiFactory(t, admin, 1);
    const [p] = factory.plants;
    const set = (status: 'RUNNING' | 'MAINTENANCE') =>
      t.gql(SetPlantStatusDocument, { plantId: p.id, status }, { token: admin });
    await set('MAINTENANCE');
    await set('MAINTENANCE');
    expect((await plant(p.id)).version).toBe(2);
    const history = await t.gql(
      CatalogHistoryDocument,
      { entityType: 'PLANT', entityId: p.id },
      { token: admin },
    );
    expect(history.data!.catalogHistory.edges.map((e) => [e.node.action, e.node.changes])).toEqual([
      ['STATUS_CHANGED', { status: { from: 'RUNNING', to: 'MAINTENANCE' } }],
      ['CREATED', { name: { from: null, to: p.name }, status: { from: null, to: 'RUNNING' } }],
    ]);
  });
});
