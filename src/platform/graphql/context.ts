import { randomUUID } from 'node:crypto';
import type { MikroORM } from '@mikro-orm/postgresql';
import type { Logger } from 'pino';
import type { RequestContext } from '../../context.ts';
import type { TokenReading, Viewer } from '../auth/token.ts';
import type { Config } from '../config.ts';
import { Loaders } from '../loaders.ts';

/**
 * Builds the per-operation context: a fresh EntityManager fork, what the token said (the
 * caller is set from it once the operation passed the query limits, or given when known
 * already), the request id.
 */
export function makeContext(
  orm: MikroORM,
  config: Config,
  log: Logger,
  caller: { auth: TokenReading; viewer?: Viewer },
  clientAddress: string,
  requestId: string = randomUUID(),
): RequestContext {
  const em = orm.em.fork();
  return {
    em,
    viewer: caller.viewer,
    auth: caller.auth,
    requestId,
    clientAddress,
    config,
    log: log.child({ requestId }),
    loaders: new Loaders(em),
  };
}
