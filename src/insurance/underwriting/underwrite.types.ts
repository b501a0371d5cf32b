import { Field, ObjectType } from 'type-graphql';
import { UserError } from '../../platform/errors.ts';
import { Underwrite } from './underwrite.entity.ts';

@ObjectType()
export class UnderwritePayload {
  @Field(() => Underwrite, { nullable: true })
  underwrite?: Underwrite | null;

  @Field(() => [UserError], {
    description:
      'NOT_FOUND, INVALID_TRANSITION, STALE_UPDATE (the given update time is older than the stored one), INVALID_INPUT.',
  })
  errors!: UserError[];
}
