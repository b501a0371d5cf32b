import type { EntityManager } from '@mikro-orm/postgresql';
import type { RequestContext } from '../context.ts';
import { Role } from '../platform/accounts/consumer.entity.ts';
import {
  catalogPayload,
  editAtVersion,
  recordCreated,
  type UniqueField,
} from '../platform/catalog/catalog-write.ts';
import { BusinessError, ErrorCode } from '../platform/errors.ts';
import { isBigintId, isUuid } from '../platform/ids.ts';
import { InputChecks } from '../platform/input.rules.ts';
import type { DriverPayload, VehiclePayload } from './insurance-catalog.types.ts';
import { Driver, Vehicle } from './vehicle.entity.ts';
import type {
  RegisterDriverInput,
  RegisterVehicleInput,
  UpdateDriverInput,
  UpdateVehicleInput,
} from './vehicle-registry.input.ts';

/** Sizes the tables' CHECKs also hold. */
export const REGISTRY_LIMITS = { plateNumber: 20, driverName: 100, licenseNo: 32 };

const PLATES: UniqueField[] = [
  {
    constraint: 'vehicles_plate_number_key',
    field: ['input', 'plateNumber'],
    message: 'Another vehicle has this plate number.',
  },
];
const LICENSES: UniqueField[] = [
  {
    constraint: 'drivers_owner_id_license_no_key',
    field: ['input', 'licenseNo'],
    message: 'The owner already has a driver with this licence number.',
  },
];

/** Statuses in which an insurance order still depends on who owns its vehicle. */
const LIVE = `('PENDING_PAYMENT', 'PAID', 'UNDERWRITING', 'EFFECTIVE')`;

/** NOT_FOUND unless `ownerId` names a consumer (staff own no vehicles). */
async function requireConsumer(em: EntityManager, ownerId: string, field: string[]) {
  const [row] = isBigintId(ownerId)
    ? await em.execute<{ role: Role }[]>(`select role from consumers where id = ?`, [ownerId])
    : [];
  if (!row || row.role !== Role.CONSUMER) {
    throw BusinessError.of(ErrorCode.NOT_FOUND, 'No consumer has this id.', field);
  }
}

/**
 * Staff register their customers' vehicles and drivers (OPERATOR and ADMIN: it is front-desk
 * work). Edits lock the row and apply only at the version read. A vehicle changes owner only
 * when none of its orders still depends on the owner (unpaid, paid, underwriting, effective):
 * IN_USE otherwise; placing an order reads the vehicle FOR SHARE, so the two take turns.
 */
export class VehicleRegistry {
  registerVehicle(ctx: RequestContext, input: RegisterVehicleInput): Promise<VehiclePayload> {
    return catalogPayload(ctx, 'vehicle', (em, a) => this.addVehicle(em, a, input), PLATES);
  }

  updateVehicle(ctx: RequestContext, input: UpdateVehicleInput): Promise<VehiclePayload> {
    return catalogPayload(ctx, 'vehicle', (em, a) => this.changeVehicle(em, a, input), PLATES);
  }

  registerDriver(ctx: RequestContext, input: RegisterDriverInput): Promise<DriverPayload> {
    return catalogPayload(ctx, 'driver', (em, a) => this.addDriver(em, a, input), LICENSES);
  }

  updateDriver(ctx: RequestContext, input: UpdateDriverInput): Promise<DriverPayload> {
    return catalogPayload(ctx, 'driver', (em, a) => this.changeDriver(em, a, input), LICENSES);
  }

  async addVehicle(
    em: EntityManager,
    actorId: string | null,
    input: RegisterVehicleInput,
    id: string = crypto.randomUUID(),
  ): Promise<Vehicle> {
    await requireConsumer(em, input.ownerId, ['input', 'ownerId']);
    const checks = new InputChecks();
    const plateNumber = checks.text(input.plateNumber, REGISTRY_LIMITS.plateNumber, 'The plate', [
      'input',
      'plateNumber',
    ]);
    const value = checks.money(input.value, 'The value', ['input', 'value'], true);
    checks.throwIfAny();
    const vehicle = em.create(Vehicle, {
      id,
      ownerId: input.ownerId,
      plateNumber,
      value,
      createdAt: new Date(),
      version: 1,
    });
    recordCreated(
      em,
      { entityType: 'VEHICLE', entityId: id, actorId },
      { ownerId: input.ownerId, plateNumber, value },
    );
    return vehicle;
  }

  async changeVehicle(
    em: EntityManager,
    actorId: string | null,
    input: UpdateVehicleInput,
  ): Promise<Vehicle> {
    const { row } = await editAtVersion(em, actorId, {
      entity: Vehicle,
      entityType: 'VEHICLE',
      id: input.vehicleId,
      validId: isUuid,
      notFound: { message: 'No vehicle has this id.', field: ['input', 'vehicleId'] },
      expectedVersion: input.expectedVersion,
      named: (vehicle) => `Vehicle ${vehicle.plateNumber}`,
      patch: (checks) => ({
        plateNumber: checks.optionalText(
          input.plateNumber,
          REGISTRY_LIMITS.plateNumber,
          'The plate',
          ['input', 'plateNumber'],
        ),
        value: checks.optionalMoney(input.value, 'The value', ['input', 'value'], true),
        ownerId: input.ownerId ?? undefined,
      }),
      guard: async (vehicle, patch) => {
        if (!patch.ownerId || patch.ownerId === vehicle.ownerId) return;
        await requireConsumer(em, patch.ownerId, ['input', 'ownerId']);
        await this.refuseLiveOrders(em, vehicle);
      },
    });
    return row;
  }

  async addDriver(
    em: EntityManager,
    actorId: string | null,
    input: RegisterDriverInput,
    id: string = crypto.randomUUID(),
  ): Promise<Driver> {
    await requireConsumer(em, input.ownerId, ['input', 'ownerId']);
    const checks = new InputChecks();
    const name = checks.text(input.name, REGISTRY_LIMITS.driverName, 'The name', ['input', 'name']);
    const licenseNo = checks.text(
      input.licenseNo,
      REGISTRY_LIMITS.licenseNo,
      'The licence number',
      ['input', 'licenseNo'],
    );
    checks.throwIfAny();
    const driver = em.create(Driver, {
      id,
      ownerId: input.ownerId,
      name,
      licenseNo,
      createdAt: new Date(),
      version: 1,
    });
    recordCreated(
      em,
      { entityType: 'DRIVER', entityId: id, actorId },
      { ownerId: input.ownerId, name, licenseNo },
    );
    return driver;
  }

  async changeDriver(
    em: EntityManager,
    actorId: string | null,
    input: UpdateDriverInput,
  ): Promise<Driver> {
    const { row } = await editAtVersion(em, actorId, {
      entity: Driver,
      entityType: 'DRIVER',
      id: input.driverId,
      validId: isUuid,
      notFound: { message: 'No driver has this id.', field: ['input', 'driverId'] },
      expectedVersion: input.expectedVersion,
      named: (driver) => `Driver ${driver.name}`,
      patch: (checks) => ({
        name: checks.optionalText(input.name, REGISTRY_LIMITS.driverName, 'The name', [
          'input',
          'name',
        ]),
        licenseNo: checks.optionalText(
          input.licenseNo,
          REGISTRY_LIMITS.licenseNo,
          'The licence number',
          ['input', 'licenseNo'],
        ),
      }),
    });
    return row;
  }

  /** IN_USE while an order of the vehicle still depends on its owner. */
  private async refuseLiveOrders(em: EntityManager, vehicle: Vehicle): Promise<void> {
    const live = await em.execute<{ order_no: string }[]>(
      `select o.order_no from (
          select order_id from plan_order_ext where vehicle_id = ?
          union all select order_id from driver_order_ext where vehicle_id = ?
          union all select order_id from sale_order_ext where vehicle_id = ?
        ) x join orders o on o.id = x.order_id
        where o.status in ${LIVE} order by o.order_no limit 5`,
      [vehicle.id, vehicle.id, vehicle.id],
    );
    if (live.length === 0) return;
    throw BusinessError.of(
      ErrorCode.IN_USE,
      `${vehicle.plateNumber} still has live orders (${live.map((o) => o.order_no).join(', ')}${live.length === 5 ? ', ...' : ''}): it can change owner once they are finished.`,
      ['input', 'ownerId'],
    );
  }
}

export const vehicleRegistry = new VehicleRegistry();
