import type { EntityManager } from '@mikro-orm/postgresql';
import type { RequestContext } from '../context.ts';
import { requireViewer } from '../platform/auth/roles.ts';
import { catalogHistory } from '../platform/catalog/catalog-history.service.ts';
import { catalogPayload, created, type UniqueField } from '../platform/catalog/catalog-write.ts';
import { badInput, BusinessError, ErrorCode } from '../platform/errors.ts';
import { isIntId } from '../platform/ids.ts';
import { InputChecks } from '../platform/input.rules.ts';
import { returningRows } from '../platform/db/read-rows.ts';
import { ChipType, type PlantType } from './chip.types.ts';
import { liveBookingOrders, livePlant, lockPlant } from './factory-catalog.rules.ts';
import type { CreateChipInput, CreatePlantInput } from './factory-catalog.input.ts';
import type { ChipPayload, PlantPayload } from './factory-catalog.types.ts';
import { Plant, type PlantStatus } from './plant.entity.ts';

/** Sizes the tables' CHECKs also hold. */
export const FACTORY_LIMITS = { chipName: 100, plantName: 200, stepName: 200, steps: 50 };

const CHIP_NAMES: UniqueField[] = [
  {
    constraint: 'chips_name_key',
    field: ['input', 'name'],
    message: 'Another chip has this name.',
  },
];
const PLANT_NAMES: UniqueField[] = [
  {
    constraint: 'chip_plants_name_key',
    field: ['input', 'name'],
    message: 'Another plant has this name.',
  },
];

/**
 * ADMIN's changes to the factory's chips and plants (capabilities: plant-capability.service.ts).
 * A change to a plant locks its row FOR UPDATE first, the row a confirmation holds FOR SHARE
 * while it books: the two take turns. A plant is removed only with no unfinished booking (one
 * ending after the clock's now; IN_USE otherwise), and its row stays for the schedules and
 * bookings that name it. The `add*` and `retirePlant` methods are the rules on the caller's
 * transaction (the demo data loads through them).
 */
export class FactoryCatalogEditor {
  createChip(ctx: RequestContext, input: CreateChipInput): Promise<ChipPayload> {
    return catalogPayload(ctx, 'chip', (em, a) => this.addChip(em, a, input), CHIP_NAMES);
  }

  createPlant(ctx: RequestContext, input: CreatePlantInput): Promise<PlantPayload> {
    return catalogPayload(ctx, 'plant', (em, a) => this.addPlant(em, a, input), PLANT_NAMES);
  }

  removePlant(ctx: RequestContext, plantId: string): Promise<PlantPayload> {
    return catalogPayload(ctx, 'plant', (em, a) => this.retirePlant(em, a, plantId));
  }

  /**
   * setPlantStatus (ADMIN): RUNNING, IDLE or MAINTENANCE, with its history. A plant in
   * maintenance takes no new plan; bookings it has stay. BAD_USER_INPUT for an unknown or
   * removed plant (the mutation's contract answers the plant, not a payload).
   */
  async setPlantStatus(ctx: RequestContext, id: string, status: PlantStatus): Promise<PlantType> {
    const viewer = requireViewer(ctx);
    return ctx.em.transactional(async (em) => {
      const plant = isIntId(id) ? await lockPlant(em, Number(id)) : undefined;
      if (!plant || plant.removedAt) {
        throw badInput(`There is no plant with id "${id}".`, { field: 'plantId' });
      }
      if (plant.status === status) return plant;
      const [row] = await returningRows(
        em,
        Plant,
        `update chip_plants set status = ?, version = version + 1 where id = ?`,
        [status, plant.id],
      );
      catalogHistory.record(em, {
        entityType: 'PLANT',
        entityId: plant.id,
        actorId: viewer.id,
        action: 'STATUS_CHANGED',
        changes: { status: { from: plant.status, to: status } },
      });
      return row;
    });
  }

  /** A chip with its steps in order, 1-based. */
  async addChip(em: EntityManager, actorId: string | null, input: CreateChipInput) {
    const checks = new InputChecks();
    const name = checks.text(input.name, FACTORY_LIMITS.chipName, 'The name', ['input', 'name']);
    const steps: string[] = [];
    const field = ['input', 'operations'];
    if (checks.list(input.operations, FACTORY_LIMITS.steps, 'Operations', field)) {
      input.operations.forEach((op, i) =>
        steps.push(
          checks.text(op.name, FACTORY_LIMITS.stepName, 'The step name', [...field, i, 'name']),
        ),
      );
    }
    checks.throwIfAny();
    // Explicit statements: the chip, then its steps from one jsonb array.
    const [chip] = await em.execute<{ id: number }[]>(
      `insert into chips (name) values (?) returning id`,
      [name],
    );
    await em.execute(
      `insert into chip_operations (chip_id, step, name)
       select ?, ordinality, value from jsonb_array_elements_text(?::jsonb) with ordinality`,
      [chip.id, JSON.stringify(steps)],
    );
    catalogHistory.record(em, {
      entityType: 'CHIP',
      entityId: chip.id,
      actorId,
      action: 'CREATED',
      changes: created({ name, operations: steps }),
    });
    return ChipType.of({ id: chip.id, name }, steps.length);
  }

  /** A plant, listed after the others, with no capability yet. */
  async addPlant(em: EntityManager, actorId: string | null, input: CreatePlantInput) {
    const checks = new InputChecks();
    const name = checks.text(input.name, FACTORY_LIMITS.plantName, 'The name', ['input', 'name']);
    checks.throwIfAny();
    const [row] = await returningRows(
      em,
      Plant,
      `insert into chip_plants (name, status, position)
       select ?, ?, coalesce(max(position), -1) + 1 from chip_plants`,
      [name, input.status],
    );
    catalogHistory.record(em, {
      entityType: 'PLANT',
      entityId: row.id,
      actorId,
      action: 'CREATED',
      changes: created({ name, status: input.status }),
    });
    return row;
  }

  /**
   * Takes a plant off the factory: its capabilities go and it leaves the factory page, but its
   * row stays for the schedules and bookings that name it. IN_USE while it has unfinished
   * bookings.
   */
  async retirePlant(em: EntityManager, actorId: string | null, plantId: string) {
    const plant = await livePlant(em, plantId, ['plantId']);
    const live = await liveBookingOrders(em, plant.id);
    if (live.length > 0) {
      throw BusinessError.of(
        ErrorCode.IN_USE,
        `${plant.name} has unfinished bookings (orders ${live.join(', ')}): cancel them or let them finish first.`,
        ['plantId'],
      );
    }
    const removed = await em.execute<{ id: number }[]>(
      `delete from chip_capabilities where plant_id = ? returning id`,
      [plant.id],
    );
    const [row] = await returningRows(
      em,
      Plant,
      `update chip_plants set removed_at = now(), version = version + 1 where id = ?`,
      [plant.id],
    );
    catalogHistory.record(em, {
      entityType: 'PLANT',
      entityId: plant.id,
      actorId,
      action: 'REMOVED',
      changes: {
        removedAt: { from: null, to: row.removedAt!.toISOString() },
        capabilities: { from: removed.length, to: 0 },
      },
    });
    return row;
  }
}

export const factoryCatalog = new FactoryCatalogEditor();
