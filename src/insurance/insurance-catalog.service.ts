import type { EntityManager } from '@mikro-orm/postgresql';
import type { RequestContext } from '../context.ts';
import { requireOwnerOrStaff, requireViewer } from '../platform/auth/roles.ts';
import { isUuid } from '../platform/ids.ts';
import { Decimal } from '../platform/money.ts';
import { effectiveDriversOfVehicles } from './insurance.loaders.ts';
import { InsurancePlan, Promotion } from './plan.entity.ts';
import { Driver, Vehicle } from './vehicle.entity.ts';

/**
 * Reading the insurance catalog: vehicles (their owner and staff only), plans, promotions,
 * the driver fee, and the drivers a vehicle has under effective driver orders.
 */
export class CatalogService {
  /** The vehicle if the caller may see it; null when there is none; FORBIDDEN when it is another's. */
  async visibleVehicle(ctx: RequestContext, vehicleId: string): Promise<Vehicle | null> {
    const viewer = requireViewer(ctx);
    if (!isUuid(vehicleId)) return null;
    const vehicle = await ctx.em.findOne(Vehicle, vehicleId);
    if (!vehicle) return null;
    requireOwnerOrStaff(viewer, vehicle.ownerId, 'vehicle');
    return vehicle;
  }

  /** The effective drivers of a vehicle; [] for an unknown vehicle. */
  async driversOfVehicle(ctx: RequestContext, vehicleId: string): Promise<Driver[]> {
    const vehicle = await this.visibleVehicle(ctx, vehicleId);
    if (!vehicle) return [];
    return (await this.effectiveDrivers(ctx.em, [vehicle.id]))[0];
  }

  effectiveDrivers(em: EntityManager, vehicleIds: string[]): Promise<Driver[][]> {
    return effectiveDriversOfVehicles(vehicleIds, em);
  }

  plans(ctx: RequestContext): Promise<InsurancePlan[]> {
    return ctx.em.find(InsurancePlan, {}, { orderBy: { position: 'asc', id: 'asc' } });
  }

  /** Promotions that can be used now (and the ended ones too, when asked). */
  promotions(ctx: RequestContext, includeInactive = false): Promise<Promotion[]> {
    return ctx.em.find(Promotion, includeInactive ? {} : { active: true }, {
      orderBy: { createdAt: 'asc', id: 'asc' },
    });
  }

  /** Fee per driver a driver order adds (one settings row, 50.00 as migrated). */
  async driverFee(em: EntityManager): Promise<Decimal> {
    const [row] = await em.execute<{ driver_fee: string }[]>(
      `select driver_fee from insurance_settings`,
    );
    return new Decimal(row.driver_fee);
  }
}

export const insuranceCatalog = new CatalogService();
