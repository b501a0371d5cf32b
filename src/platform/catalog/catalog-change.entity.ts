import { BigIntType } from '@mikro-orm/core';
import { Entity, PrimaryKey, Property } from '@mikro-orm/decorators/legacy';

/**
 * One change to the catalogue (a shop, a product's price, a quotation, a plant's capability...):
 * who made it (null: the demo data or the service itself), when, and each field's value before
 * and after. Written in the transaction of the change it describes, never updated.
 */
@Entity({ tableName: 'catalog_changes' })
export class CatalogChangeRow {
  @PrimaryKey({ type: new BigIntType('string'), autoincrement: true })
  id!: string;

  @Property({ type: 'string' })
  entityType!: string;

  @Property({ type: 'string' })
  entityId!: string;

  @Property({ type: 'string' })
  action!: string;

  @Property({ type: new BigIntType('string'), nullable: true })
  actorId?: string | null;

  /** `{ field: { from, to } }`, values as the API shows them (money as "12.80"). */
  @Property({ type: 'json' })
  changes!: Record<string, { from: unknown; to: unknown }>;

  @Property({ type: 'text', nullable: true })
  reason?: string | null;

  @Property({ type: 'Date', columnType: 'timestamptz(3)' })
  occurredAt: Date = new Date();
}
