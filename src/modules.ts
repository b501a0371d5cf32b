import { chipModule } from './chip/index.ts';
import { insuranceModule } from './insurance/index.ts';
import { platformModule } from './platform/index.ts';
import type { DomainModule } from './platform/module.ts';
import { shopModule } from './shop/index.ts';

/** Every module of the service, platform first. A new domain is one line here. */
export const modules: DomainModule[] = [platformModule, chipModule, insuranceModule, shopModule];
