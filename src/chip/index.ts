import type { DomainModule } from '../platform/module.ts';
import type { OrderKindDefinition } from '../platform/orders/order-kinds.ts';
import { Capability, Chip, ChipOperationStep } from './chip.entity.ts';
import { ChipOperationResolver, ChipResolver } from './chip.resolver.ts';
import { seedChips } from './chip.seed.ts';
import { chipOrderStates } from './chip-order.state.ts';
import {
  ChipBookingRow,
  ChipLotOperationRow,
  ChipLotRow,
  ChipOrderRow,
} from './chip-order.entity.ts';
import { ChipOrderResolver } from './chip-order.resolver.ts';
import { chipOrders } from './chip-order.service.ts';
import { ChipOrderType } from './chip-order.types.ts';
import {
  ChipPlanResolver,
  PlantLoadResolver,
  ScheduledOperationResolver,
} from './chip-plan.resolver.ts';
import { ChipSuggestResolver } from './suggest/suggest.resolver.ts';
import { Migration20261122010000_chip } from './migrations/Migration20261122010000_chip.ts';
import { Migration20261130010000_chip_bookings_by_start } from './migrations/Migration20261130010000_chip_bookings_by_start.ts';
import { Plant } from './plant.entity.ts';
import { FactoryCatalogResolver } from './factory-catalog.resolver.ts';
import { Migration20261201010000_chip_catalog } from './migrations/Migration20261201010000_chip_catalog.ts';
import { PlantBookingResolver, PlantResolver } from './plant.resolver.ts';
import { ProductionClockRow } from './production-clock.entity.ts';
import { ProductionClockResolver } from './production-clock.resolver.ts';
import { productionClock } from './production-clock.service.ts';

const chipOrderKind: OrderKindDefinition = {
  kind: chipOrderStates.kind,
  typeName: 'ChipOrder',
  orderNoPrefix: 'CH',
  table: chipOrderStates,
  afterCancelled: (ctx, order, from) => chipOrders.afterCancelled(ctx, order, from),
  prefetch: (ctx, ids) => chipOrders.prefetch(ctx, ids),
};

/** Chip manufacturing orders. */
export const chipModule: DomainModule = {
  name: 'chip',
  entities: [
    Plant,
    Chip,
    ChipOperationStep,
    Capability,
    ProductionClockRow,
    ChipOrderRow,
    ChipLotRow,
    ChipLotOperationRow,
    ChipBookingRow,
  ],
  resolvers: [
    PlantResolver,
    PlantBookingResolver,
    ChipResolver,
    ChipOperationResolver,
    ProductionClockResolver,
    ChipPlanResolver,
    ScheduledOperationResolver,
    PlantLoadResolver,
    ChipSuggestResolver,
    ChipOrderResolver,
    FactoryCatalogResolver,
  ],
  orphanedTypes: [ChipOrderType],
  orderKinds: [chipOrderKind],
  migrations: [
    { name: 'Migration20261122010000_chip', class: Migration20261122010000_chip },
    {
      name: 'Migration20261130010000_chip_bookings_by_start',
      class: Migration20261130010000_chip_bookings_by_start,
    },
    { name: 'Migration20261201010000_chip_catalog', class: Migration20261201010000_chip_catalog },
  ],
  seed: seedChips,
  start: (runtime) => productionClock.startTicking(runtime),
};
