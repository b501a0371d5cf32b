import { Field, ID, InputType, Int, ObjectType } from 'type-graphql';
import { BankTransaction } from '../bank/bank.entity.ts';
import { UserError } from '../errors.ts';
import { PageInfo } from '../pagination.ts';
import { DateTimeScalar } from '../scalars.ts';
import { Consumer, Role } from './consumer.entity.ts';

@ObjectType({
  description:
    'A session opened by login, refreshToken or changePassword. Inside it, `consumer` answers every field as it would with the new token.',
})
export class LoginPayload {
  @Field(() => String, {
    nullable: true,
    description:
      'Bearer access token for the Authorization header (HTTP) or the connection_init payload\'s "authorization" (WebSocket); valid until tokenExpiresAt.',
  })
  token?: string | null;

  @Field(() => String, {
    nullable: true,
    description:
      'Good for one refreshToken call, which answers a new pair; a used one presented again ends the session. Keep it secret and send refreshes one at a time.',
  })
  refreshToken?: string | null;

  @Field(() => DateTimeScalar, { nullable: true, description: 'When `token` expires.' })
  tokenExpiresAt?: Date | null;

  @Field(() => Consumer, { nullable: true })
  consumer?: Consumer | null;

  @Field(() => [UserError], {
    description:
      'login: CONSUMER_NOT_FOUND (no account with that id) or WRONG_PASSWORD. changePassword: WRONG_PASSWORD (oldPassword), INVALID_INPUT (newPassword), STALE_UPDATE (changed meanwhile).',
  })
  errors!: UserError[];
}

@ObjectType()
export class LogoutPayload {
  @Field(() => Int, { description: 'Sessions this call ended (0 when already ended).' })
  endedSessions!: number;

  @Field(() => [UserError])
  errors!: UserError[];
}

@InputType()
export class CreateConsumerInput {
  @Field(() => ID, {
    nullable: true,
    description: 'A numeric id of your choosing (like 89638599); unset: the next free one.',
  })
  id?: string | null;

  @Field(() => String, { description: '1 to 100 characters.' })
  name!: string;

  @Field(() => String, { description: '8 to 200 characters.' })
  password!: string;

  @Field(() => Role, { nullable: true, defaultValue: Role.CONSUMER })
  role?: Role;
}

@ObjectType()
export class CreateConsumerPayload {
  @Field(() => Consumer, { nullable: true })
  consumer?: Consumer | null;

  @Field(() => [UserError], {
    description: 'INVALID_INPUT naming the field (id taken or malformed, name, password).',
  })
  errors!: UserError[];
}

@ObjectType()
export class BankTransactionConnection {
  @Field(() => [BankTransaction])
  nodes!: BankTransaction[];

  @Field(() => PageInfo)
  pageInfo!: PageInfo;
}
