import { BigIntType } from '@mikro-orm/core';
import { Entity, PrimaryKey, Property } from '@mikro-orm/decorators/legacy';

/** The single production clock row: plan times are its integer ticks. */
@Entity({ tableName: 'production_clock' })
export class ProductionClockRow {
  @PrimaryKey({ type: 'boolean' })
  id: boolean = true;

  @Property({ type: new BigIntType('number') })
  now!: number;

  @Property({ type: 'Date', columnType: 'timestamptz' })
  updatedAt: Date = new Date();
}
