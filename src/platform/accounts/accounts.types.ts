import { Field, ObjectType } from 'type-graphql';
import { BankTransaction } from '../bank/bank.entity';
import { UserError } from '../errors';
import { PageInfo } from '../pagination';
import { Consumer } from './consumer.entity';

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
