import { randomBytes } from 'node:crypto';

/** Every setting the service reads from the environment, with its default. The README lists them. */
export interface Config {
  /** Unset: an embedded PostgreSQL is started with its data under `dataDir`. */
  databaseUrl: string | undefined;
  dataDir: string;
  port: number;
  host: string;
  jwtSecret: string;
  tokenTtlSeconds: number;
  production: boolean;
  /** Milliseconds per production-clock tick; undefined when only ADMIN advances the clock. */
  productionTickMs: number | undefined;
  /** Minutes before an unpaid shop order expires. */
  shopOrderTtlMinutes: number;
  loginMaxFailures: number;
  loginWindowSeconds: number;
  statementTimeoutMs: number;
  logLevel: string;
  enableGraphiql: boolean;
  /** Events one subscription may hold unsent before its socket is closed with 1013. */
  subscriptionQueueLimit: number;
  /** Milliseconds between the live hub's safety reads when no notification arrives. */
  liveSafetyPollMs: number;
}

function intEnv(name: string, fallback: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 0) {
    throw new ConfigError(`${name} must be a non-negative integer, got "${raw}"`);
  }
  return value;
}

export class ConfigError extends Error {}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const production = env.NODE_ENV === 'production';
  if (production && !env.JWT_SECRET) {
    throw new ConfigError('JWT_SECRET must be set when NODE_ENV=production');
  }
  const tick = intEnv('PRODUCTION_TICK_MS', 0);
  return {
    databaseUrl: env.DATABASE_URL || undefined,
    dataDir: env.ORDERLY_DATA_DIR || '.data/postgres',
    port: intEnv('PORT', 4000),
    host: env.HOST || '0.0.0.0',
    // A random secret outside production: tokens then die with the process, which is what a dev wants.
    jwtSecret: env.JWT_SECRET || randomBytes(32).toString('hex'),
    tokenTtlSeconds: intEnv('TOKEN_TTL_SECONDS', 3600),
    production,
    productionTickMs: tick > 0 ? tick : undefined,
    shopOrderTtlMinutes: intEnv('SHOP_ORDER_TTL_MINUTES', 30),
    loginMaxFailures: intEnv('LOGIN_MAX_FAILURES', 5),
    loginWindowSeconds: intEnv('LOGIN_WINDOW_SECONDS', 300),
    statementTimeoutMs: intEnv('STATEMENT_TIMEOUT_MS', 5000),
    logLevel: env.LOG_LEVEL || (env.NODE_ENV === 'test' ? 'silent' : 'info'),
    enableGraphiql: production ? env.ENABLE_GRAPHIQL === 'true' : env.ENABLE_GRAPHIQL !== 'false',
    subscriptionQueueLimit: Math.max(1, intEnv('SUBSCRIPTION_QUEUE_LIMIT', 1000)),
    liveSafetyPollMs: Math.max(50, intEnv('LIVE_SAFETY_POLL_MS', 1000)),
  };
}
