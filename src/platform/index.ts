import { AccountsResolver } from './accounts/accounts.resolver';
import { Consumer } from './accounts/consumer.entity';
import { BankAccount, BankTransaction } from './bank/bank.entity';
import { Migration20261122000000_platform } from './db/migrations/Migration20261122000000_platform';
import { Migration20261122050000_perf } from './db/migrations/Migration20261122050000_perf';
import { Migration20261130000000_demo_data } from './db/migrations/Migration20261130000000_demo_data';
import { Migration20261122040000_live } from './events/migrations/Migration20261122040000_live';
import { OrderStatusResolver } from './events/order-status.resolver';
import { IdempotencyKey } from './idempotency/idempotency.entity';
import type { DomainModule } from './module';
import { Order } from './orders/order.entity';
import { OrderEventRow } from './orders/order-event.entity';
import {
  OrderConnectionResolver,
  OrderEventResolver,
  OrderResolver,
} from './orders/order.resolver';
import { seedPlatform } from './seed';

export const platformModule: DomainModule = {
  name: 'platform',
  entities: [Consumer, BankAccount, BankTransaction, IdempotencyKey, Order, OrderEventRow],
  resolvers: [
    AccountsResolver,
    OrderResolver,
    OrderConnectionResolver,
    OrderEventResolver,
    OrderStatusResolver,
  ],
  migrations: [
    { name: 'Migration20261122000000_platform', class: Migration20261122000000_platform },
    { name: 'Migration20261122040000_live', class: Migration20261122040000_live },
    { name: 'Migration20261122050000_perf', class: Migration20261122050000_perf },
    { name: 'Migration20261130000000_demo_data', class: Migration20261130000000_demo_data },
  ],
  seed: seedPlatform,
};
