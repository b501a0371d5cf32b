import { Field, Float, ID, Int, ObjectType, registerEnumType } from 'type-graphql';
import type { Decimal } from '../platform/money.ts';
import { DecimalScalar } from '../platform/scalars.ts';
import type { PlantStatus } from './plant.entity.ts';

/** Every reason a plan can be unreasonable; chip-plan.rules.ts says when each is raised. */
export enum PlanViolationCode {
  NO_LOTS = 'NO_LOTS',
  UNKNOWN_CHIP = 'UNKNOWN_CHIP',
  UNKNOWN_PLANT = 'UNKNOWN_PLANT',
  INVALID_QUANTITY = 'INVALID_QUANTITY',
  WRONG_PLANT_COUNT = 'WRONG_PLANT_COUNT',
  WRONG_START_COUNT = 'WRONG_START_COUNT',
  PLANT_NOT_CAPABLE = 'PLANT_NOT_CAPABLE',
  PLANT_IN_MAINTENANCE = 'PLANT_IN_MAINTENANCE',
  START_IN_PAST = 'START_IN_PAST',
  STEP_OVERLAP = 'STEP_OVERLAP',
  PLANT_BUSY = 'PLANT_BUSY',
  OVER_BUDGET = 'OVER_BUDGET',
  LATE = 'LATE',
}
registerEnumType(PlanViolationCode, { name: 'PlanViolationCode' });

@ObjectType('PlanViolation', {
  description:
    'A reason the plan cannot be carried out as given: a rule one lot, step or the whole plan breaks.',
})
export class PlanViolation {
  @Field(() => PlanViolationCode)
  code!: PlanViolationCode;

  @Field(() => String)
  message!: string;

  @Field(() => Int, { nullable: true, description: '0-based lot index.' })
  lot?: number | null;

  @Field(() => Int, { nullable: true })
  step?: number | null;

  @Field(() => String, { nullable: true })
  plantName?: string | null;
}

@ObjectType('ScheduledOperation')
export class ScheduledOperation {
  @Field(() => Int)
  step!: number;

  /** Not a field: the `plant` field resolver loads it. */
  plantId!: number;

  @Field(() => Int)
  start!: number;

  @Field(() => Int)
  end!: number;

  @Field(() => DecimalScalar)
  cost!: Decimal;
}

@ObjectType('LotSchedule')
export class LotSchedule {
  @Field(() => Int)
  lot!: number;

  @Field(() => ID, { nullable: true })
  packageId?: string | null;

  @Field(() => String)
  chipName!: string;

  @Field(() => Int)
  quantity!: number;

  @Field(() => DecimalScalar)
  cost!: Decimal;

  @Field(() => Int)
  start!: number;

  @Field(() => Int)
  finish!: number;

  @Field(() => Int, { description: 'Ticks the lot waits between its operations.' })
  waitTime!: number;

  @Field(() => [ScheduledOperation])
  operations!: ScheduledOperation[];
}

@ObjectType('PlantLoad')
export class PlantLoad {
  /** Not a field: the `plant` field resolver loads it. */
  plantId!: number;

  @Field(() => Int)
  busyTime!: number;

  @Field(() => Float, {
    description: "busyTime over the plan's span (first start to finish), 0..1.",
  })
  share!: number;
}

@ObjectType('ChipPlanKpi')
export class ChipPlanKpi {
  @Field(() => DecimalScalar)
  totalCost!: Decimal;

  @Field(() => DecimalScalar)
  budget!: Decimal;

  @Field(() => Float, { description: 'totalCost / budget.' })
  budgetUsage!: number;

  @Field(() => Int)
  finishTime!: number;

  @Field(() => Int)
  expectedTime!: number;

  @Field(() => Int, { description: 'expectedTime - finishTime; negative when late.' })
  slack!: number;

  @Field(() => Int)
  totalWaitTime!: number;

  @Field(() => [LotSchedule])
  lots!: LotSchedule[];

  @Field(() => [PlantLoad])
  plantLoads!: PlantLoad[];
}

@ObjectType('ChipPlanAnalysis')
export class ChipPlanAnalysis {
  @Field(() => Boolean)
  feasible!: boolean;

  @Field(() => [PlanViolation], {
    description:
      'Why the plan is unreasonable, lot by lot: the first 1000, then those about the whole plan (OVER_BUDGET, NO_LOTS).',
  })
  violations!: PlanViolation[];

  @Field(() => Int, { description: 'How many violations the plan has in all.' })
  violationCount!: number;

  @Field(() => ChipPlanKpi, {
    nullable: true,
    description:
      'Present whenever every lot names a known chip, known capable plants and the right number of start times, even when the plan is over budget, late or clashes.',
  })
  kpi?: ChipPlanKpi | null;
}

// The plain shapes the rules, the KPIs and the suggestion pass around (not in the schema).

/** A plan as the client sent it, already checked for shape (sizes, lengths). */
export interface Plan {
  lots: PlanLot[];
  budget: Decimal;
  expectedTime: number;
}

export interface PlanLot {
  packageId: string | null;
  chipName: string;
  quantity: number;
  plantNames: string[];
  startTimes: number[];
}

/** The part of the catalog a plan names: its chips, plants and their capabilities. */
export interface PlanCatalog {
  chips: Map<string, CatalogChip>;
  plants: Map<string, CatalogPlant>;
  /** Keyed by `capabilityKey(chipId, step, plantId)`. */
  capabilities: Map<string, CatalogCapability>;
}

export interface CatalogChip {
  id: number;
  name: string;
  stepCount: number;
}

export interface CatalogPlant {
  id: number;
  name: string;
  status: PlantStatus;
}

export interface CatalogCapability {
  unitCost: Decimal;
  /** Ticks per chip, exact. */
  unitTime: Decimal;
}

export function capabilityKey(chipId: number, step: number, plantId: number): string {
  return `${chipId}:${step}:${plantId}`;
}

/** One operation of a lot whose interval and cost could be worked out. */
export interface TimedOperation {
  lot: number;
  step: number;
  plantId: number;
  plantName: string;
  start: number;
  end: number;
  cost: Decimal;
}

/** A lot with every operation timed: what the KPIs are computed from (plans and stored orders). */
export interface ScheduledLot {
  lot: number;
  packageId: string | null;
  chipName: string;
  quantity: number;
  operations: TimedOperation[];
}

/** A booking already in a plant's calendar. */
export interface ExistingBooking {
  plantId: number;
  orderId: string;
  lot: number;
  step: number;
  start: number;
  end: number;
}
