import type { Decimal } from '../platform/money.ts';
import type { PlantStatus } from './plant.entity.ts';

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
