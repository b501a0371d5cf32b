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
  /** How often insurance orders past their stopAt are looked for and expired. */
  insuranceExpirySweepMs: number;
  loginMaxFailures: number;
  loginWindowSeconds: number;
  statementTimeoutMs: number;
  /** Longest wait for a new database connection or a free one from the pool. */
  databaseConnectTimeoutMs: number;
  /** An HTTP request still unanswered after this long gets a TIMEOUT error. */
  requestTimeoutMs: number;
  /** Largest accepted request body (JSON), in bytes. */
  maxBodyBytes: number;
  /** Query limits: see src/platform/http/query-limits.ts and the README (Security). */
  maxQueryDepth: number;
  maxQueryAliases: number;
  maxQueryDirectives: number;
  maxQueryTokens: number;
  maxQueryCost: number;
  /** Mutations one consumer may send in a burst; refilled at this many per window. 0: no limit. */
  mutationRateLimit: number;
  mutationRateWindowSeconds: number;
  /** Longest, and default, search time of one chip plan suggestion (docs/chip-suggest.md). */
  suggestTimeBudgetMs: number;
  /** Origins allowed to call the API from a browser on another origin; `*` for any. */
  corsOrigins: string[];
  logLevel: string;
  enableGraphiql: boolean;
  /** `npm start` seeds the demo data (accounts with published passwords) until it is complete. */
  seedDemoData: boolean;
  /** Events one subscription may hold unsent before its socket is closed with 1013. */
  subscriptionQueueLimit: number;
  /** Milliseconds between the live hub's safety reads when no notification arrives. */
  liveSafetyPollMs: number;
  /**
   * graphql-ws keep-alive: milliseconds between the server's pings on each socket, and how long
   * a pong may be late before the socket is dropped. 0: no pings.
   */
  subscriptionKeepAliveMs: number;
}

function intEnv(env: NodeJS.ProcessEnv, name: string, fallback: number, min = 0): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < min) {
    throw new ConfigError(
      min === 0
        ? `${name} must be a non-negative integer, got "${raw}"`
        : `${name} must be an integer of at least ${min}, got "${raw}"`,
    );
  }
  return value;
}

function listEnv(env: NodeJS.ProcessEnv, name: string): string[] {
  return (env[name] ?? '')
    .split(',')
    .map((item) => item.trim())
    .filter(Boolean);
}

export class ConfigError extends Error {}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const production = env.NODE_ENV === 'production';
  if (production && !env.JWT_SECRET) {
    throw new ConfigError('JWT_SECRET must be set when NODE_ENV=production');
  }
  const tick = intEnv(env, 'PRODUCTION_TICK_MS', 0);
  return {
    databaseUrl: env.DATABASE_URL || undefined,
    dataDir: env.ORDERLY_DATA_DIR || '.data/postgres',
    port: intEnv(env, 'PORT', 4000),
    host: env.HOST || '0.0.0.0',
    // A random secret outside production: tokens then die with the process, which is what a dev wants.
    jwtSecret: env.JWT_SECRET || randomBytes(32).toString('hex'),
    tokenTtlSeconds: intEnv(env, 'TOKEN_TTL_SECONDS', 3600),
    production,
    productionTickMs: tick > 0 ? tick : undefined,
    shopOrderTtlMinutes: intEnv(env, 'SHOP_ORDER_TTL_MINUTES', 30),
    insuranceExpirySweepMs: intEnv(env, 'INSURANCE_EXPIRY_SWEEP_MS', 60_000, 1000),
    loginMaxFailures: intEnv(env, 'LOGIN_MAX_FAILURES', 5),
    loginWindowSeconds: intEnv(env, 'LOGIN_WINDOW_SECONDS', 300),
    statementTimeoutMs: intEnv(env, 'STATEMENT_TIMEOUT_MS', 5000),
    databaseConnectTimeoutMs: intEnv(env, 'DATABASE_CONNECT_TIMEOUT_MS', 3000, 1),
    requestTimeoutMs: intEnv(env, 'REQUEST_TIMEOUT_MS', 10_000, 1),
    // 1 MiB: a plan of the documented maximum of 1000 lots, with long plant names, fits.
    maxBodyBytes: intEnv(env, 'MAX_BODY_BYTES', 1024 * 1024, 1),
    maxQueryDepth: intEnv(env, 'MAX_QUERY_DEPTH', 12, 1),
    maxQueryAliases: intEnv(env, 'MAX_QUERY_ALIASES', 30),
    maxQueryDirectives: intEnv(env, 'MAX_QUERY_DIRECTIVES', 20),
    maxQueryTokens: intEnv(env, 'MAX_QUERY_TOKENS', 2000, 1),
    // A page of 100 orders of every kind with every nested field (about 107000) fits: README, Security.
    maxQueryCost: intEnv(env, 'MAX_QUERY_COST', 120_000, 1),
    mutationRateLimit: intEnv(env, 'MUTATION_RATE_LIMIT', 60),
    mutationRateWindowSeconds: intEnv(env, 'MUTATION_RATE_WINDOW_SECONDS', 10, 1),
    suggestTimeBudgetMs: intEnv(env, 'SUGGEST_TIME_BUDGET_MS', 1000, 1),
    corsOrigins: listEnv(env, 'CORS_ORIGINS'),
    logLevel: env.LOG_LEVEL || (env.NODE_ENV === 'test' ? 'silent' : 'info'),
    enableGraphiql: production ? env.ENABLE_GRAPHIQL === 'true' : env.ENABLE_GRAPHIQL !== 'false',
    seedDemoData: env.SEED_DEMO_DATA !== 'false',
    subscriptionQueueLimit: intEnv(env, 'SUBSCRIPTION_QUEUE_LIMIT', 1000, 1),
    liveSafetyPollMs: intEnv(env, 'LIVE_SAFETY_POLL_MS', 1000, 50),
    subscriptionKeepAliveMs: intEnv(env, 'SUBSCRIPTION_KEEPALIVE_MS', 12_000),
  };
}
