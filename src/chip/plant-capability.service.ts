import type { EntityManager } from '@mikro-orm/postgresql';
import type { RequestContext } from '../context.ts';
import { catalogHistory, type FieldChanges } from '../platform/catalog/catalog-history.service.ts';
import {
  catalogPayload,
  checkVersion,
  created,
  type UniqueField,
} from '../platform/catalog/catalog-write.ts';
import { BusinessError, ErrorCode } from '../platform/errors.ts';
import { InputChecks } from '../platform/input.rules.ts';
import { Decimal, toMoneyString } from '../platform/money.ts';
import { readRows, returningRows } from '../platform/db/read-rows.ts';
import { Capability } from './chip.entity.ts';
import type { Plant } from './plant.entity.ts';
import { PlantCapabilityType } from './chip.types.ts';
import { chipWithStep, liveBookingOrders, livePlant, unitTimeOf } from './factory-catalog.rules.ts';
import type {
  PlantCapabilityInput,
  RemovePlantCapabilityInput,
  UpdatePlantCapabilityInput,
} from './factory-catalog.input.ts';
import type { PlantCapabilityPayload, PlantPayload } from './factory-catalog.types.ts';

const CAPABILITIES: UniqueField[] = [
  {
    constraint: 'chip_capabilities_chip_id_step_plant_id_key',
    field: ['input', 'step'],
    message: 'The plant can do this step already; change it with updatePlantCapability.',
  },
];

/** Where a capability's history is kept: there is no id a client knows it by. */
const historyOf = (plantId: number, input: { chipName: string; step: number }) => ({
  entityType: 'PLANT_CAPABILITY',
  entityId: `${plantId}:${input.chipName}:${input.step}`,
});

/**
 * ADMIN: which plant does which step of which chip, at what cost and time per chip. Each change
 * locks the plant's row first (livePlant), as a confirmation booking on it does FOR SHARE, so
 * a plan is judged and booked against one state of the capability. Booked operations keep the
 * figures they were bought at; a capability with unfinished bookings cannot be removed (IN_USE).
 */
export class PlantCapabilityEditor {
  addPlantCapability(
    ctx: RequestContext,
    input: PlantCapabilityInput,
  ): Promise<PlantCapabilityPayload> {
    return catalogPayload(ctx, 'capability', (em, a) => this.add(em, a, input), CAPABILITIES);
  }

  updatePlantCapability(
    ctx: RequestContext,
    input: UpdatePlantCapabilityInput,
  ): Promise<PlantCapabilityPayload> {
    return catalogPayload(ctx, 'capability', (em, a) => this.change(em, a, input));
  }

  removePlantCapability(
    ctx: RequestContext,
    input: RemovePlantCapabilityInput,
  ): Promise<PlantPayload> {
    return catalogPayload(ctx, 'plant', (em, a) => this.remove(em, a, input));
  }

  /** The plant can do one more step of a chip, listed after the step's other plants. */
  async add(em: EntityManager, actorId: string | null, input: PlantCapabilityInput) {
    const plant = await livePlant(em, input.plantId);
    const chip = await chipWithStep(em, input.chipName, input.step);
    const checks = new InputChecks();
    const unitCost = checks.money(input.unitCost, 'The unit cost', ['input', 'unitCost'], true);
    const unitTime = unitTimeOf(input.unitTime, checks, ['input', 'unitTime']);
    checks.throwIfAny();
    const [row] = await returningRows(
      em,
      Capability,
      `insert into chip_capabilities (chip_id, step, plant_id, position, unit_cost, unit_time)
       select ?, ?, ?, coalesce(max(position), -1) + 1, ?, ?
         from chip_capabilities where chip_id = ? and step = ?`,
      [
        chip.id,
        input.step,
        plant.id,
        toMoneyString(unitCost),
        unitTime.toString(),
        chip.id,
        input.step,
      ],
    );
    catalogHistory.record(em, {
      ...historyOf(plant.id, input),
      actorId,
      action: 'CREATED',
      changes: created({ unitCost, unitTime: unitTime.toNumber() }),
    });
    return PlantCapabilityType.of(row, input.chipName);
  }

  /** New cost or time at the version read (STALE_UPDATE otherwise). */
  async change(em: EntityManager, actorId: string | null, input: UpdatePlantCapabilityInput) {
    const { plant, capability } = await this.lock(em, input);
    checkVersion('The capability', capability.version, input.expectedVersion);
    const checks = new InputChecks();
    const cost = capability.unitCost;
    const time = new Decimal(capability.unitTime);
    const unitCost =
      input.unitCost == null
        ? cost
        : checks.money(input.unitCost, 'The unit cost', ['input', 'unitCost'], true);
    const unitTime =
      input.unitTime == null ? time : unitTimeOf(input.unitTime, checks, ['input', 'unitTime']);
    checks.throwIfAny();
    const changes: FieldChanges = {};
    if (!unitCost.eq(cost)) {
      changes.unitCost = { from: toMoneyString(cost), to: toMoneyString(unitCost) };
    }
    if (!unitTime.eq(time)) changes.unitTime = { from: time.toNumber(), to: unitTime.toNumber() };
    if (Object.keys(changes).length === 0)
      return PlantCapabilityType.of(capability, input.chipName);
    const [row] = await returningRows(
      em,
      Capability,
      `update chip_capabilities set unit_cost = ?, unit_time = ?, version = version + 1
        where id = ?`,
      [toMoneyString(unitCost), unitTime.toString(), capability.id],
    );
    catalogHistory.record(em, {
      ...historyOf(plant.id, input),
      actorId,
      action: 'UPDATED',
      changes,
    });
    return PlantCapabilityType.of(row, input.chipName);
  }

  /** The plant can no longer do the step: IN_USE while an unfinished booking of it remains. */
  async remove(em: EntityManager, actorId: string | null, input: RemovePlantCapabilityInput) {
    const { plant, capability } = await this.lock(em, input);
    checkVersion('The capability', capability.version, input.expectedVersion);
    const step = { chipId: capability.chipId, step: input.step };
    const live = await liveBookingOrders(em, plant.id, step);
    if (live.length > 0) {
      throw BusinessError.of(
        ErrorCode.IN_USE,
        `${plant.name} has unfinished bookings of ${input.chipName} step ${input.step} (orders ${live.join(', ')}): cancel them or let them finish first.`,
        ['input', 'step'],
      );
    }
    await em.execute(`delete from chip_capabilities where id = ?`, [capability.id]);
    catalogHistory.record(em, {
      ...historyOf(plant.id, input),
      actorId,
      action: 'REMOVED',
      changes: {
        unitCost: { from: toMoneyString(capability.unitCost), to: null },
        unitTime: { from: Number(capability.unitTime), to: null },
      },
    });
    return plant;
  }

  private async lock(
    em: EntityManager,
    input: { plantId: string; chipName: string; step: number },
  ): Promise<{ plant: Plant; capability: Capability }> {
    const plant = await livePlant(em, input.plantId);
    const chip = await chipWithStep(em, input.chipName, input.step);
    const [capability] = await readRows(
      em,
      Capability,
      { chipId: chip.id, step: input.step, plantId: plant.id },
      {},
      { lock: 'update' },
    );
    if (!capability) {
      throw BusinessError.of(
        ErrorCode.NOT_FOUND,
        `${plant.name} cannot do ${input.chipName} step ${input.step}.`,
        ['input', 'step'],
      );
    }
    return { plant, capability };
  }
}

export const plantCapabilities = new PlantCapabilityEditor();
