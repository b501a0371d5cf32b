import type { EntityManager } from '@mikro-orm/postgresql';
import type { Logger } from 'pino';
import type { Config } from './platform/config.ts';
import type { TokenReading, Viewer } from './platform/auth/token.ts';
import type { Loaders } from './platform/loaders.ts';

/**
 * What every resolver and service receives first: one EntityManager fork per GraphQL
 * operation (never the global one), the caller (and its token), and the request's id for the logs.
 */
export interface RequestContext {
  em: EntityManager;
  /**
   * The caller: set once the operation passed the query limits, from the token's session and
   * the account as the database has them (src/platform/auth/authenticate.ts).
   */
  viewer: Viewer | undefined;
  /** What the request's token said: claims to check, or why it gives no caller. */
  auth: TokenReading;
  requestId: string;
  clientAddress: string;
  config: Config;
  log: Logger;
  loaders: Loaders;
}
