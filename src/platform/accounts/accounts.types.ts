import { Field, ObjectType } from 'type-graphql';
import { BankTransaction } from '../bank/bank.entity.ts';
import { UserError } from '../errors.ts';
import { PageInfo } from '../pagination.ts';
import { Consumer } from './consumer.entity.ts';

@ObjectType()
export class LoginPayload {
  @Field(() => String, {
    nullable: true,
    description:
      'Bearer token for the Authorization header (HTTP) or the connection_init payload\'s "authorization" (WebSocket).',
  })
  token?: string | null;

  @Field(() => Consumer, { nullable: true })
  consumer?: Consumer | null;

  @Field(() => [UserError], {
    description: 'CONSUMER_NOT_FOUND or WRONG_PASSWORD, as seed 000 asks.',
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
