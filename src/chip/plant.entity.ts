import { Entity, Enum, PrimaryKey, Property } from '@mikro-orm/decorators/legacy';
import { registerEnumType } from 'type-graphql';

export enum PlantStatus {
  RUNNING = 'RUNNING',
  IDLE = 'IDLE',
  MAINTENANCE = 'MAINTENANCE',
}
registerEnumType(PlantStatus, { name: 'PlantStatus' });

/** A plant of the factory. A plant in MAINTENANCE takes no new plan. */
@Entity({ tableName: 'chip_plants' })
export class Plant {
  @PrimaryKey({ type: 'integer', autoincrement: true })
  id!: number;

  @Property({ type: 'string', unique: true })
  name!: string;

  @Enum({ items: () => PlantStatus, type: 'string' })
  status: PlantStatus = PlantStatus.RUNNING;

  /** Listing order of the factory page (the demo data's order). */
  @Property({ type: 'integer' })
  position: number = 0;

  @Property({ type: 'Date', columnType: 'timestamptz' })
  createdAt: Date = new Date();

  @Property({ type: 'integer' })
  version: number = 1;

  /** Set when ADMIN removed the plant: off the factory page, no capabilities, history kept. */
  @Property({ type: 'Date', columnType: 'timestamptz', nullable: true })
  removedAt: Date | null = null;
}
