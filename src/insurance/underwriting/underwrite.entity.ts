import { BigIntType } from '@mikro-orm/core';
import { Entity, PrimaryKey, Property } from '@mikro-orm/decorators/legacy';
import { Field, ID, ObjectType, registerEnumType } from 'type-graphql';
import { DateTimeScalar } from '../../platform/scalars.ts';

/** Certificate state: how much of the consumer's papers were handed in. */
export enum CertificateState {
  NONE = 0,
  PARTIAL = 1,
  COMPLETE = 2,
}
registerEnumType(CertificateState, {
  name: 'CertificateState',
  valuesConfig: {
    NONE: { description: '0: 未上传证件' },
    PARTIAL: { description: '1: 上传部分证件' },
    COMPLETE: { description: '2: 证件全部上传' },
  },
});

/** The underwriting result, stored as the enum's name (通过 / 未通过). */
export enum UnderwriteResult {
  PASSED = 'PASSED',
  FAILED = 'FAILED',
}
registerEnumType(UnderwriteResult, {
  name: 'UnderwriteResult',
  valuesConfig: { PASSED: { description: '通过' }, FAILED: { description: '未通过' } },
});

/**
 * The underwriting of one plan order (underwrites): the booked inspection,
 * what the operator found on site, and the result. Each client-editable field carries the
 * client's time of its last write (*UpdateTime); an older write is refused as STALE_UPDATE.
 */
@Entity({ tableName: 'underwrites' })
@ObjectType('Underwrite')
export class Underwrite {
  @Field(() => ID)
  @PrimaryKey({ type: 'uuid' })
  id!: string;

  @Property({ type: 'uuid' })
  orderId!: string;

  @Property({ type: 'uuid' })
  quotationId!: string;

  @Property({ type: new BigIntType('string'), nullable: true })
  operatorId?: string | null;

  @Field(() => DateTimeScalar)
  @Property({ type: 'Date' })
  planTime!: Date;

  @Field(() => DateTimeScalar, { nullable: true })
  @Property({ type: 'Date', nullable: true })
  realTime?: Date | null;

  @Field(() => String)
  @Property({ type: 'string' })
  validatePlace!: string;

  @Field(() => DateTimeScalar)
  @Property({ type: 'Date' })
  validateUpdateTime!: Date;

  @Field(() => String, { nullable: true })
  @Property({ type: 'string', nullable: true })
  realPlace?: string | null;

  @Field(() => DateTimeScalar, { nullable: true })
  @Property({ type: 'Date', nullable: true })
  realUpdateTime?: Date | null;

  @Field(() => CertificateState, { nullable: true })
  @Property({ type: 'smallint', nullable: true })
  certificateState?: CertificateState | null;

  @Field(() => String, { nullable: true })
  @Property({ type: 'text', nullable: true })
  note?: string | null;

  @Field(() => DateTimeScalar, { nullable: true })
  @Property({ type: 'Date', nullable: true })
  noteUpdateTime?: Date | null;

  @Field(() => UnderwriteResult, { nullable: true })
  @Property({ type: 'string', nullable: true })
  result?: UnderwriteResult | null;

  @Field(() => DateTimeScalar, { nullable: true })
  @Property({ type: 'Date', nullable: true })
  resultUpdateTime?: Date | null;

  @Field(() => DateTimeScalar)
  @Property({ type: 'Date' })
  createdAt: Date = new Date();

  @Field(() => DateTimeScalar)
  @Property({ type: 'Date' })
  updatedAt: Date = new Date();

  @Property({ type: 'boolean' })
  deleted: boolean = false;
}

/** A photo taken at the inspection; removed ones stay with `deleted` set. */
@Entity({ tableName: 'underwrite_photos' })
@ObjectType('Photo')
export class Photo {
  @Field(() => ID)
  @PrimaryKey({ type: 'uuid' })
  id!: string;

  @Property({ type: 'uuid' })
  underwriteId!: string;

  @Field(() => String)
  @Property({ type: 'string' })
  url!: string;

  /** Order within one upload. */
  @Property({ type: 'integer' })
  position: number = 0;

  @Field(() => DateTimeScalar)
  @Property({ type: 'Date' })
  createdAt: Date = new Date();

  @Property({ type: 'Date' })
  updatedAt: Date = new Date();

  @Property({ type: 'boolean' })
  deleted: boolean = false;
}

/** A problem the operator found on the vehicle; replaced ones stay with `deleted` set. */
@Entity({ tableName: 'underwrite_problems' })
@ObjectType('Problem')
export class Problem {
  @Field(() => ID)
  @PrimaryKey({ type: 'uuid' })
  id!: string;

  @Property({ type: 'uuid' })
  underwriteId!: string;

  @Field(() => String)
  @Property({ type: 'string' })
  type!: string;

  @Field(() => String)
  @Property({ type: 'text' })
  description!: string;

  /** Order within one fill. */
  @Property({ type: 'integer' })
  position: number = 0;

  @Property({ type: 'Date' })
  createdAt: Date = new Date();

  @Property({ type: 'Date' })
  updatedAt: Date = new Date();

  @Property({ type: 'boolean' })
  deleted: boolean = false;
}
