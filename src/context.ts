import type { EntityManager } from '@mikro-orm/postgresql';
import type { Logger } from 'pino';
import type { Config } from './platform/config.ts';
import type { Viewer } from './platform/auth/token.ts';
import type { Loaders } from './platform/loaders.ts';

/**
 * What every resolver and service receives first: one EntityManager fork per GraphQL
 * operation (never the global one), the caller, and the request's id for the logs.
 */
export interface RequestContext {
  em: EntityManager;
  viewer: Viewer | undefined;
  requestId: string;
  clientAddress: string;
  config: Config;
  log: Logger;
  loaders: Loaders;
}
