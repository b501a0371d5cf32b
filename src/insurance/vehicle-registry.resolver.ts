import { Arg, Ctx, ID, Mutation, Resolver } from 'type-graphql';
import type { RequestContext } from '../context.ts';
import { Staff } from '../platform/auth/roles.ts';
import { DriverPayload, QuotationPayload, VehiclePayload } from './insurance-catalog.types.ts';
import { quotationEditor } from './quotation.service.ts';
import {
  CreateQuotationInput,
  RegisterDriverInput,
  RegisterVehicleInput,
  UpdateDriverInput,
  UpdateVehicleInput,
} from './vehicle-registry.input.ts';
import { vehicleRegistry } from './vehicle-registry.service.ts';

/** Staff's front desk: customers' vehicles and drivers, and their quotations (docs/catalog.md). */
@Resolver()
export class VehicleRegistryResolver {
  @Staff()
  @Mutation(() => VehiclePayload, { description: "OPERATOR or ADMIN: a consumer's vehicle." })
  registerVehicle(
    @Arg('input', () => RegisterVehicleInput) input: RegisterVehicleInput,
    @Ctx() ctx: RequestContext,
  ): Promise<VehiclePayload> {
    return vehicleRegistry.registerVehicle(ctx, input);
  }

  @Staff()
  @Mutation(() => VehiclePayload, {
    description:
      'OPERATOR or ADMIN: change plate, value or owner (IN_USE while its orders depend on the owner).',
  })
  updateVehicle(
    @Arg('input', () => UpdateVehicleInput) input: UpdateVehicleInput,
    @Ctx() ctx: RequestContext,
  ): Promise<VehiclePayload> {
    return vehicleRegistry.updateVehicle(ctx, input);
  }

  @Staff()
  @Mutation(() => DriverPayload, {
    description: 'OPERATOR or ADMIN: a person a consumer may add to their vehicles.',
  })
  registerDriver(
    @Arg('input', () => RegisterDriverInput) input: RegisterDriverInput,
    @Ctx() ctx: RequestContext,
  ): Promise<DriverPayload> {
    return vehicleRegistry.registerDriver(ctx, input);
  }

  @Staff()
  @Mutation(() => DriverPayload, { description: "OPERATOR or ADMIN: correct a driver's details." })
  updateDriver(
    @Arg('input', () => UpdateDriverInput) input: UpdateDriverInput,
    @Ctx() ctx: RequestContext,
  ): Promise<DriverPayload> {
    return vehicleRegistry.updateDriver(ctx, input);
  }

  @Staff()
  @Mutation(() => QuotationPayload, {
    description:
      "OPERATOR or ADMIN: quote a vehicle's prices of plan items for a validity window; an expired quotation cannot be ordered or paid for.",
  })
  createQuotation(
    @Arg('input', () => CreateQuotationInput) input: CreateQuotationInput,
    @Ctx() ctx: RequestContext,
  ): Promise<QuotationPayload> {
    return quotationEditor.createQuotation(ctx, input);
  }

  @Staff()
  @Mutation(() => QuotationPayload, {
    description:
      'OPERATOR or ADMIN: end a quotation now; its unpaid orders get a QUOTATION_WITHDRAWN event and can no longer be paid.',
  })
  withdrawQuotation(
    @Arg('quotationId', () => ID) quotationId: string,
    @Ctx() ctx: RequestContext,
  ): Promise<QuotationPayload> {
    return quotationEditor.withdrawQuotation(ctx, quotationId);
  }
}
