// Configuration for the MikroORM CLI (`npx mikro-orm migration:up`, ...). The service itself
// builds the same configuration in src/platform/db/orm.ts and migrates on start.
import { modules } from './src/modules.ts';
import { ormConfig } from './src/platform/db/orm.ts';

export default ormConfig(modules, {
  url: process.env.DATABASE_URL ?? 'postgres://localhost/orderly',
});
