import { Field, ID, InputType } from 'type-graphql';
import { DateTimeScalar } from '../../platform/scalars.ts';
import { CertificateState } from './underwrite.entity.ts';

@InputType()
export class CreateUnderwriteInput {
  @Field(() => ID)
  orderId!: string;

  @Field(() => DateTimeScalar)
  planTime!: Date;

  @Field(() => String)
  validatePlace!: string;

  @Field(() => DateTimeScalar)
  validateUpdateTime!: Date;
}

@InputType()
export class ProblemInput {
  @Field(() => String)
  type!: string;

  @Field(() => String)
  description!: string;
}

@InputType()
export class FillUnderwriteInput {
  @Field(() => ID)
  underwriteId!: string;

  @Field(() => String)
  realPlace!: string;

  @Field(() => CertificateState)
  certificateState!: CertificateState;

  @Field(() => [ProblemInput])
  problems!: ProblemInput[];

  @Field(() => [String], { description: 'http(s) addresses of photos.' })
  photos!: string[];
}
