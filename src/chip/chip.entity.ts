import { Entity, PrimaryKey, Property } from '@mikro-orm/decorators/legacy';
import { Decimal, MoneyType } from '../platform/money.ts';

/** A chip that can be ordered, e.g. DM878. */
@Entity({ tableName: 'chips' })
export class Chip {
  @PrimaryKey({ type: 'integer', autoincrement: true })
  id!: number;

  @Property({ type: 'string', unique: true })
  name!: string;
}

/** One operation step of a chip; steps are 1-based and processed in order. */
@Entity({ tableName: 'chip_operations' })
export class ChipOperationStep {
  @PrimaryKey({ type: 'integer', autoincrement: true })
  id!: number;

  @Property({ type: 'integer' })
  chipId!: number;

  @Property({ type: 'integer' })
  step!: number;

  @Property({ type: 'string' })
  name!: string;
}

/**
 * A plant able to perform one step of one chip: processing n chips there lasts
 * ceil(n * unitTime) ticks and costs n * unitCost. `position` keeps the order plants are listed in.
 */
@Entity({ tableName: 'chip_capabilities' })
export class Capability {
  @PrimaryKey({ type: 'integer', autoincrement: true })
  id!: number;

  @Property({ type: 'integer' })
  chipId!: number;

  @Property({ type: 'integer' })
  step!: number;

  @Property({ type: 'integer' })
  plantId!: number;

  @Property({ type: 'integer' })
  position!: number;

  @Property({ type: MoneyType })
  unitCost!: Decimal;

  /** Ticks per chip, kept as the exact decimal string the database holds. */
  @Property({ type: 'string', columnType: 'numeric(10,4)' })
  unitTime!: string;

  @Property({ type: 'integer' })
  version: number = 1;
}
