import { AccountsResolver } from './accounts/accounts.resolver.ts';
import { Consumer } from './accounts/consumer.entity.ts';
import { CredentialsResolver } from './accounts/credentials.resolver.ts';
import { BankAccount, BankTransaction } from './bank/bank.entity.ts';
import { CatalogChangeRow } from './catalog/catalog-change.entity.ts';
import {
  CatalogChangeConnectionResolver,
  CatalogHistoryResolver,
} from './catalog/catalog-history.resolver.ts';
import { Migration20261201000000_catalog_history } from './catalog/migrations/Migration20261201000000_catalog_history.ts';
import { Migration20261122000000_platform } from './db/migrations/Migration20261122000000_platform.ts';
import { Migration20261122050000_perf } from './db/migrations/Migration20261122050000_perf.ts';
import { Migration20261130000000_demo_data } from './db/migrations/Migration20261130000000_demo_data.ts';
import { Migration20261201000000_auth } from './db/migrations/Migration20261201000000_auth.ts';
import { Migration20261122040000_live } from './events/migrations/Migration20261122040000_live.ts';
import { OrderStatusResolver } from './events/order-status.resolver.ts';
import { IdempotencyKey } from './idempotency/idempotency.entity.ts';
import { sweepRateLimits } from './auth/rate-limit.ts';
import type { DomainModule } from './module.ts';
import { Order } from './orders/order.entity.ts';
import { OrderEventRow } from './orders/order-event.entity.ts';
import { OrderEventResolver } from './orders/order-event.resolver.ts';
import { OrderConnectionResolver, OrderResolver } from './orders/order.resolver.ts';
import { OrderQueueResolver } from './orders/order-queue.resolver.ts';
import { seedPlatform } from './seed.ts';

export const platformModule: DomainModule = {
  name: 'platform',
  entities: [
    Consumer,
    BankAccount,
    BankTransaction,
    IdempotencyKey,
    Order,
    OrderEventRow,
    CatalogChangeRow,
  ],
  resolvers: [
    AccountsResolver,
    CredentialsResolver,
    OrderResolver,
    OrderConnectionResolver,
    OrderEventResolver,
    OrderStatusResolver,
    OrderQueueResolver,
    CatalogHistoryResolver,
    CatalogChangeConnectionResolver,
  ],
  migrations: [
    { name: 'Migration20261122000000_platform', class: Migration20261122000000_platform },
    { name: 'Migration20261122040000_live', class: Migration20261122040000_live },
    { name: 'Migration20261122050000_perf', class: Migration20261122050000_perf },
    { name: 'Migration20261130000000_demo_data', class: Migration20261130000000_demo_data },
    { name: 'Migration20261201000000_auth', class: Migration20261201000000_auth },
    {
      name: 'Migration20261201000000_catalog_history',
      class: Migration20261201000000_catalog_history,
    },
  ],
  seed: seedPlatform,
  // Rate-limit rows that limit nobody any more (past windows, refilled buckets) go every minute.
  start({ orm, config, log }) {
    const timer = setInterval(() => {
      sweepRateLimits(orm.em.fork(), config.mutationRateWindowSeconds).catch((err) =>
        log.warn({ err }, 'rate limit sweep failed'),
      );
    }, 60_000);
    timer.unref();
    return () => clearInterval(timer);
  },
};
