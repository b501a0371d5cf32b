import { Field, Float, ID, Int, ObjectType } from 'type-graphql';
import type { Decimal } from '../platform/money.ts';
import type { Capability } from './chip.entity.ts';
import type { ChipBookingRow } from './chip-order.entity.ts';
import { DateTimeScalar, DecimalScalar } from '../platform/scalars.ts';
import { PlantStatus } from './plant.entity.ts';

/** A plant as the factory page shows it; utilization, capabilities and bookings are resolved. */
@ObjectType('Plant')
export class PlantType {
  @Field(() => ID)
  id!: number;

  @Field(() => String)
  name!: string;

  @Field(() => PlantStatus)
  status!: PlantStatus;

  @Field(() => Int, {
    description: 'Moves on with every change: updates want it as expectedVersion.',
  })
  version!: number;

  @Field(() => DateTimeScalar, {
    nullable: true,
    description: 'When ADMIN removed it (removePlant): no longer on the factory page.',
  })
  removedAt!: Date | null;
}

@ObjectType('PlantCapability')
export class PlantCapabilityType {
  @Field(() => String)
  chipName!: string;

  @Field(() => Int, { description: '1-based operation step of that chip.' })
  step!: number;

  @Field(() => DecimalScalar, { description: 'Cost of processing one chip at this step.' })
  unitCost!: Decimal;

  @Field(() => Float, {
    description: 'Ticks needed per chip; an operation on n chips lasts ceil(n * unitTime) ticks.',
  })
  unitTime!: number;

  @Field(() => Int, {
    description: 'Moves on with every change: updates want it as expectedVersion.',
  })
  version!: number;

  static of(capability: Capability, chipName: string): PlantCapabilityType {
    return Object.assign(new PlantCapabilityType(), {
      chipName,
      step: capability.step,
      unitCost: capability.unitCost,
      unitTime: Number(capability.unitTime),
      version: capability.version,
    });
  }
}

@ObjectType('PlantBooking')
export class PlantBookingType {
  /** Not a field: the `plant` field resolver loads it. */
  plantId!: number;

  @Field(() => ID)
  orderId!: string;

  @Field(() => Int)
  lot!: number;

  @Field(() => Int)
  step!: number;

  @Field(() => Int)
  start!: number;

  @Field(() => Int)
  end!: number;

  static of(booking: ChipBookingRow): PlantBookingType {
    return Object.assign(new PlantBookingType(), {
      plantId: booking.plantId,
      orderId: booking.orderId,
      lot: booking.lot,
      step: booking.step,
      start: booking.startTick,
      end: booking.endTick,
    });
  }
}

@ObjectType('ChipOperation')
export class ChipOperationType {
  /** Not a field: the `plants` field resolver loads the capable plants by it. */
  chipId!: number;

  @Field(() => Int)
  step!: number;

  @Field(() => String)
  name!: string;
}

@ObjectType('Chip')
export class ChipType {
  /** Not a field: the `operations` field resolver loads the steps by it. */
  id!: number;

  @Field(() => String)
  name!: string;

  @Field(() => Int)
  operationCount!: number;

  static of(chip: { id: number; name: string }, operationCount: number): ChipType {
    return Object.assign(new ChipType(), { id: chip.id, name: chip.name, operationCount });
  }
}

@ObjectType('ProductionClock', {
  description: 'Plan times are integer ticks of the production clock.',
})
export class ProductionClockType {
  @Field(() => Int)
  now!: number;

  @Field(() => Int, {
    nullable: true,
    description:
      'Milliseconds per tick when the clock runs by itself; null when only ADMIN advances it.',
  })
  tickMs!: number | null;
}
