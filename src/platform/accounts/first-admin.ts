import type { EntityManager } from '@mikro-orm/postgresql';
import type { Config } from '../config.ts';
import { accounts } from './accounts.service.ts';
import { Consumer, Role } from './consumer.entity.ts';

/** Whether any account holds the ADMIN role. */
export async function anyAdmin(em: EntityManager): Promise<boolean> {
  return (await em.count(Consumer, { role: Role.ADMIN })) > 0;
}

/**
 * At start (under the start-up lock): when INITIAL_ADMIN_PASSWORD is set and no account is an
 * ADMIN yet, creates one with that password, its id from the consumer sequence. Returns the new
 * id, or undefined when nothing was done; an ADMIN that exists is never changed.
 */
export async function ensureFirstAdmin(
  em: EntityManager,
  config: Pick<Config, 'initialAdmin'>,
): Promise<string | undefined> {
  if (!config.initialAdmin || (await anyAdmin(em))) return undefined;
  const { name, password } = config.initialAdmin;
  const admin = await em.transactional((tx) =>
    accounts.register({ em: tx }, { name, password, role: Role.ADMIN }),
  );
  return admin.id;
}
