import { AccountsResolver } from './accounts/accounts.resolver';
import { Consumer } from './accounts/consumer.entity';
import { BankAccount, BankTransaction } from './bank/bank.entity';
import { Migration20261122000000_platform } from './db/migrations/Migration20261122000000_platform';
import { IdempotencyKey } from './idempotency/idempotency.entity';
import type { DomainModule } from './module';
import { Order } from './orders/order.entity';
import { OrderEventRow } from './orders/order-event.entity';
import { OrderEventResolver, OrderResolver } from './orders/order.resolver';
import { seedPlatform } from './seed';

export const platformModule: DomainModule = {
  name: 'platform',
  entities: [Consumer, BankAccount, BankTransaction, IdempotencyKey, Order, OrderEventRow],
  resolvers: [AccountsResolver, OrderResolver, OrderEventResolver],
  migrations: [
    { name: 'Migration20261122000000_platform', class: Migration20261122000000_platform },
  ],
  seed: seedPlatform,
};
