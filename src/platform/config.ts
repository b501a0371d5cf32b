import { MIN_SECRET_BITS, secretEntropyBits } from './auth/secret.ts';

/** Every setting the service reads from the environment, with its default. The README lists them. */
export interface Config {
  /** Unset: an embedded PostgreSQL is started with its data under `dataDir`. */
  databaseUrl: string | undefined;
  /** The service's data directory (src/platform/data-dir.ts); the embedded cluster is in it. */
  dataDir: string;
  port: number;
  host: string;
  /**
   * Signs access tokens. Empty (JWT_SECRET unset, outside production): generated at the first
   * start and kept in the database, so tokens survive restarts and hold on every process.
   */
  jwtSecret: string;
  /** Lifetime of an access token. */
  tokenTtlSeconds: number;
  /** Lifetime of a refresh token (a session unused this long ends). */
  refreshTokenTtlSeconds: number;
  /** How often each process re-checks the sessions of its open sockets (logout, role, account). */
  socketAuthCheckMs: number;
  /** Password hashes (scrypt) computed at once per process, and how many more may wait. */
  passwordHashConcurrency: number;
  passwordHashQueue: number;
  production: boolean;
  /** Milliseconds per production-clock tick; undefined when only ADMIN advances the clock. */
  productionTickMs: number | undefined;
  /** Minutes before an unpaid shop order expires. */
  shopOrderTtlMinutes: number;
  /**
   * What one consumer may hold in unpaid shop orders at once (orders, items, CNY of payment),
   * so nobody can keep the stock from everyone else; 0: no limit.
   */
  shopMaxUnpaidOrders: number;
  shopMaxUnpaidUnits: number;
  shopMaxUnpaidValue: number;
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
  /** Query limits: see src/platform/graphql/query-limits.ts and docs/security-limits.md. */
  maxQueryDepth: number;
  maxQueryAliases: number;
  maxQueryDirectives: number;
  maxQueryLength: number;
  maxQueryTokens: number;
  maxQueryCost: number;
  /** Before validation: fields counting each fragment spread in full, and same-named field pairs. */
  maxQueryFields: number;
  maxQueryOverlaps: number;
  /** Lists and objects nested in one variable, and values in all variables together. */
  maxVariableDepth: number;
  maxVariableValues: number;
  /**
   * An operation whose variables hold more than this many values is large: one consumer's large
   * operations run one at a time, with at most `largeOperationQueue` more waiting their turn.
   */
  largeOperationValues: number;
  largeOperationQueue: number;
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
  /** INITIAL_ADMIN_*: the ADMIN created at start while no account is one. */
  initialAdmin: { name: string; password: string } | undefined;
  /** Events one subscription may hold unsent before its socket is closed with 1013. */
  subscriptionQueueLimit: number;
  /** Milliseconds between the live hub's safety reads when no notification arrives. */
  liveSafetyPollMs: number;
  /**
   * graphql-ws keep-alive: milliseconds between the server's pings on each socket, and how long
   * a pong may be late before the socket is dropped. 0: no pings.
   */
  subscriptionKeepAliveMs: number;
  /** Subscriptions open at once on one socket, and of one consumer on this process. */
  maxSubscriptionsPerSocket: number;
  maxSubscriptionsPerConsumer: number;
  /** Subscription events being resolved at once on this process (a share of the pool). */
  subscriptionDeliveryConcurrency: number;
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

const MIN_ADMIN_PASSWORD = 12;

function initialAdmin(env: NodeJS.ProcessEnv): Config['initialAdmin'] {
  const password = env.INITIAL_ADMIN_PASSWORD;
  if (!password) return undefined;
  if (password.length < MIN_ADMIN_PASSWORD) {
    throw new ConfigError(
      `INITIAL_ADMIN_PASSWORD must be at least ${MIN_ADMIN_PASSWORD} characters long`,
    );
  }
  const name = env.INITIAL_ADMIN_NAME || 'Administrator';
  if (name.length > 100) throw new ConfigError('INITIAL_ADMIN_NAME must be at most 100 characters');
  return { name, password };
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const production = env.NODE_ENV === 'production';
  if (production && !env.JWT_SECRET) {
    throw new ConfigError(
      'JWT_SECRET must be set when NODE_ENV=production (the same on every process), e.g. to `openssl rand -hex 32`',
    );
  }
  if (production && secretEntropyBits(env.JWT_SECRET!) < MIN_SECRET_BITS) {
    throw new ConfigError(
      `JWT_SECRET is too weak for NODE_ENV=production: it needs ${MIN_SECRET_BITS / 8} bytes of entropy (64 random hex digits, e.g. \`openssl rand -hex 32\`)`,
    );
  }
  const tick = intEnv(env, 'PRODUCTION_TICK_MS', 0);
  return {
    databaseUrl: env.DATABASE_URL || undefined,
    dataDir: env.ORDERLY_DATA_DIR || '.data',
    port: intEnv(env, 'PORT', 4000),
    host: env.HOST || '0.0.0.0',
    jwtSecret: env.JWT_SECRET ?? '',
    tokenTtlSeconds: intEnv(env, 'TOKEN_TTL_SECONDS', 3600, 1),
    refreshTokenTtlSeconds: intEnv(env, 'REFRESH_TOKEN_TTL_SECONDS', 30 * 24 * 3600, 1),
    socketAuthCheckMs: intEnv(env, 'SOCKET_AUTH_CHECK_MS', 5000, 100),
    passwordHashConcurrency: intEnv(env, 'PASSWORD_HASH_CONCURRENCY', 4, 1),
    passwordHashQueue: intEnv(env, 'PASSWORD_HASH_QUEUE', 32),
    production,
    productionTickMs: tick > 0 ? tick : undefined,
    shopOrderTtlMinutes: intEnv(env, 'SHOP_ORDER_TTL_MINUTES', 30),
    shopMaxUnpaidOrders: intEnv(env, 'SHOP_MAX_UNPAID_ORDERS', 5),
    shopMaxUnpaidUnits: intEnv(env, 'SHOP_MAX_UNPAID_UNITS', 100),
    shopMaxUnpaidValue: intEnv(env, 'SHOP_MAX_UNPAID_VALUE', 20_000),
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
    // 2000 tokens of a real client's document are some 20000 characters.
    maxQueryLength: intEnv(env, 'MAX_QUERY_LENGTH', 100_000, 1),
    maxQueryTokens: intEnv(env, 'MAX_QUERY_TOKENS', 2000, 1),
    // A page of 100 orders of every kind with every nested field (about 107000) fits: docs/security-limits.md.
    maxQueryCost: intEnv(env, 'MAX_QUERY_COST', 120_000, 1),
    maxQueryFields: intEnv(env, 'MAX_QUERY_FIELDS', 2000, 1),
    maxQueryOverlaps: intEnv(env, 'MAX_QUERY_OVERLAPS', 1000),
    // The deepest input (a plan order's input.plans[].items[]) nests 5.
    maxVariableDepth: intEnv(env, 'MAX_VARIABLE_DEPTH', 10, 1),
    // A plan of 1000 lots of 20 steps is about 45000 values.
    maxVariableValues: intEnv(env, 'MAX_VARIABLE_VALUES', 50_000, 1),
    largeOperationValues: intEnv(env, 'LARGE_OPERATION_VALUES', 1000, 1),
    largeOperationQueue: intEnv(env, 'LARGE_OPERATION_QUEUE', 4),
    mutationRateLimit: intEnv(env, 'MUTATION_RATE_LIMIT', 60),
    mutationRateWindowSeconds: intEnv(env, 'MUTATION_RATE_WINDOW_SECONDS', 10, 1),
    suggestTimeBudgetMs: intEnv(env, 'SUGGEST_TIME_BUDGET_MS', 1000, 1),
    corsOrigins: listEnv(env, 'CORS_ORIGINS'),
    logLevel: env.LOG_LEVEL || (env.NODE_ENV === 'test' ? 'silent' : 'info'),
    enableGraphiql: production ? env.ENABLE_GRAPHIQL === 'true' : env.ENABLE_GRAPHIQL !== 'false',
    // Production seeds the published demo accounts only when asked to, in so many words.
    seedDemoData: production ? env.SEED_DEMO_DATA === 'true' : env.SEED_DEMO_DATA !== 'false',
    initialAdmin: initialAdmin(env),
    subscriptionQueueLimit: intEnv(env, 'SUBSCRIPTION_QUEUE_LIMIT', 1000, 1),
    liveSafetyPollMs: intEnv(env, 'LIVE_SAFETY_POLL_MS', 1000, 50),
    subscriptionKeepAliveMs: intEnv(env, 'SUBSCRIPTION_KEEPALIVE_MS', 12_000),
    maxSubscriptionsPerSocket: intEnv(env, 'MAX_SUBSCRIPTIONS_PER_SOCKET', 20, 1),
    maxSubscriptionsPerConsumer: intEnv(env, 'MAX_SUBSCRIPTIONS_PER_CONSUMER', 50, 1),
    // Of the 20 connections of the service's pool.
    subscriptionDeliveryConcurrency: intEnv(env, 'SUBSCRIPTION_DELIVERY_CONCURRENCY', 4, 1),
  };
}
