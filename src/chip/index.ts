import type { DomainModule } from '../platform/module';
import { OrderStatus } from '../platform/orders/order.entity';
import { defineOrderKind } from '../platform/orders/order-kinds';
import { Capability, Chip, ChipOperationStep } from './chip.entity';
import { ChipOperationResolver, ChipResolver } from './chip.resolver';
import { seedChips } from './chip.demo-data';
import { chipOrderStates } from './chip-order.state';
import { ChipBookingRow, ChipLotOperationRow, ChipLotRow, ChipOrderRow } from './chip-order.entity';
import { ChipOrderResolver } from './chip-order.resolver';
import { chipOrders } from './chip-order.service';
import { ChipOrderType } from './chip-order.types';
import {
  ChipPlanResolver,
  PlantLoadResolver,
  ScheduledOperationResolver,
} from './chip-plan.resolver';
import { Migration20261122010000_chip } from './migrations/Migration20261122010000_chip';
import { Migration20261130010000_chip_bookings_by_start } from './migrations/Migration20261130010000_chip_bookings_by_start';
import { Plant } from './plant.entity';
import { PlantBookingResolver, PlantResolver } from './plant.resolver';
import { ProductionClockRow } from './production-clock.entity';
import { ProductionClockResolver } from './production-clock.resolver';
import { productionClock } from './production-clock.service';

defineOrderKind({
  kind: chipOrderStates.kind,
  typeName: 'ChipOrder',
  orderNoPrefix: 'CH',
  table: chipOrderStates,
  payable: false,
  // PAID means production has not started: the clock moves an order on at its first start.
  cancellableFrom: [OrderStatus.PAID],
  afterCancelled: (ctx, order, from) => chipOrders.afterCancelled(ctx, order, from),
});

/** Chip manufacturing orders (seed 000). */
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
    ChipOrderResolver,
  ],
  orphanedTypes: [ChipOrderType],
  migrations: [
    { name: 'Migration20261122010000_chip', class: Migration20261122010000_chip },
    {
      name: 'Migration20261130010000_chip_bookings_by_start',
      class: Migration20261130010000_chip_bookings_by_start,
    },
  ],
  seed: seedChips,
  start: (runtime) => productionClock.startTicking(runtime),
};
