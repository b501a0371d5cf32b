import { platformModule } from './platform';
import type { DomainModule } from './platform/module';

/** Every module of the service, platform first. A new domain is one line here. */
export const modules: DomainModule[] = [platformModule];
