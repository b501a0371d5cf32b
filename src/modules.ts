import { chipModule } from './chip';
import { insuranceModule } from './insurance';
import { platformModule } from './platform';
import type { DomainModule } from './platform/module';
import { shopModule } from './shop';

/** Every module of the service, platform first. A new domain is one line here. */
export const modules: DomainModule[] = [platformModule, chipModule, insuranceModule, shopModule];
