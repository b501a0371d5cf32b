import { AccountsResolver } from './accounts/accounts.resolver.ts';
import { Consumer } from './accounts/consumer.entity.ts';
import { BankAccount, BankTransaction } from './bank/bank.entity.ts';
import { Migration20261122000000_platform } from './db/migrations/Migration20261122000000_platform.ts';
import { Migration20261122050000_perf } from './db/migrations/Migration20261122050000_perf.ts';
import { Migration20261130000000_demo_data } from './db/migrations/Migration20261130000000_demo_data.ts';
import { Migration20261122040000_live } from './events/migrations/Migration20261122040000_live.ts';
import { OrderStatusResolver } from './events/order-status.resolver.ts';
import { IdempotencyKey } from './idempotency/idempotency.entity.ts';
import type { DomainModule } from './module.ts';
import { Order } from './orders/order.entity.ts';
import { OrderEventRow } from './orders/order-event.entity.ts';
import { OrderEventResolver } from './orders/order-event.resolver.ts';
import { OrderConnectionResolver, OrderResolver } from './orders/order.resolver.ts';
import { seedPlatform } from './seed.ts';

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
