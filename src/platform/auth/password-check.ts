import type { RequestContext } from '../../context.ts';
import type { Config } from '../config.ts';
import { graphQLError } from '../errors.ts';
import { HashingGate, hashPassword, verifyPassword } from './password.ts';
import { LoginAttempts } from './rate-limit.ts';

interface PasswordGuards {
  attempts: LoginAttempts;
  gate: HashingGate;
}

// Per running app (keyed by its config), so two apps in one process count apart.
const guards = new WeakMap<Config, PasswordGuards>();

function guardsOf(config: Config): PasswordGuards {
  let found = guards.get(config);
  if (!found) {
    found = {
      attempts: new LoginAttempts(config.loginWindowSeconds),
      gate: new HashingGate(config.passwordHashConcurrency, config.passwordHashQueue),
    };
    guards.set(config, found);
  }
  return found;
}

const busy = () =>
  graphQLError('RATE_LIMITED', 'Too many password checks in progress; try again in 1 s.', {
    retryAfterSeconds: 1,
  });

/** How a checked password compared: no account, a wrong password, or right. */
export type PasswordOutcome = 'missing' | 'wrong' | 'right';

/**
 * Checks `password` against the account's stored hash (`storedHash` reads it; null: no such
 * account), counted as a login attempt: per consumer id (LOGIN_MAX_FAILURES) and per client
 * address (four times as many: an office behind NAT), in PostgreSQL for every process. A
 * missing account or a wrong password is a failure; a right one clears the id's failures.
 * Throws RATE_LIMITED past a limit, or when this process already has as many password checks
 * in progress as PASSWORD_HASH_CONCURRENCY + PASSWORD_HASH_QUEUE (then nothing is counted).
 */
export async function checkPassword(
  ctx: RequestContext,
  consumerId: string,
  password: string,
  storedHash: () => Promise<string | null>,
): Promise<PasswordOutcome> {
  const { attempts, gate } = guardsOf(ctx.config);
  const ticket = gate.enter();
  if (!ticket) throw busy();
  try {
    const idKey = `id:${consumerId}`;
    const attempt = await attempts.begin(ctx.em, [
      { key: idKey, limit: ctx.config.loginMaxFailures },
      { key: `address:${ctx.clientAddress}`, limit: ctx.config.loginMaxFailures * 4 },
    ]);
    // Undefined when the check itself failed (the database, say): then nothing is counted.
    let outcome: PasswordOutcome | undefined;
    try {
      const stored = await storedHash();
      outcome = !stored
        ? 'missing'
        : (await ticket.hash(() => verifyPassword(password, stored)))
          ? 'right'
          : 'wrong';
      return outcome;
    } finally {
      const failed = outcome === 'missing' || outcome === 'wrong';
      await attempt.end(ctx.em, failed, outcome === 'right' ? [idKey] : []);
    }
  } finally {
    ticket.leave();
  }
}

/** Hashes a new password within the same bound as checks (RATE_LIMITED past it). */
export async function hashNewPassword(ctx: RequestContext, password: string): Promise<string> {
  const ticket = guardsOf(ctx.config).gate.enter();
  if (!ticket) throw busy();
  try {
    return await ticket.hash(() => hashPassword(password));
  } finally {
    ticket.leave();
  }
}
