import type { ErrorRequestHandler, RequestHandler, Response } from 'express';
import { createHash, randomUUID } from 'node:crypto';
import type { Logger } from 'pino';
import type { GraphQLErrorCode } from '../errors.ts';

/** Answers in GraphQL's response shape, for failures outside Apollo (body, deadline). */
export function sendGraphQLError(
  res: Response,
  status: number,
  code: GraphQLErrorCode,
  message: string,
  extensions: Record<string, unknown> = {},
): void {
  res
    .status(status)
    .type('application/json')
    .send(JSON.stringify({ errors: [{ message, extensions: { code, ...extensions } }] }));
}

/** The one log line per GraphQL request over HTTP (docs/security.md, What is logged). */
export function logOperation(
  log: Logger,
  operation: string | null,
  ms: number,
  errors: string[] | undefined,
): void {
  log.info({ operation, ms, errors }, 'graphql operation');
}

/** Takes the caller's `x-request-id` when it is sane, else makes one; echoes it back. */
export function requestId(): RequestHandler {
  return (req, res, next) => {
    const given = req.header('x-request-id');
    const id = given && /^[\w-]{1,64}$/.test(given) ? given : randomUUID();
    res.locals.requestId = id;
    res.setHeader('x-request-id', id);
    next();
  };
}

/** Why `extensions.persistedQuery` is malformed, or undefined when Apollo may take it. */
function persistedQueryProblem(extensions: unknown, query: unknown): string | undefined {
  if (extensions === null || typeof extensions !== 'object') return undefined;
  const persisted = (extensions as { persistedQuery?: unknown }).persistedQuery;
  if (persisted === undefined) return undefined;
  if (persisted === null || typeof persisted !== 'object' || Array.isArray(persisted)) {
    return 'extensions.persistedQuery must be an object: { "version": 1, "sha256Hash": "<64 hex digits>" }.';
  }
  const { version, sha256Hash } = persisted as { version?: unknown; sha256Hash?: unknown };
  if (version !== 1) return 'extensions.persistedQuery.version must be 1, the only version served.';
  if (typeof sha256Hash !== 'string' || !/^[0-9a-f]{64}$/.test(sha256Hash)) {
    return 'extensions.persistedQuery.sha256Hash must be 64 lowercase hex digits.';
  }
  if (
    typeof query === 'string' &&
    createHash('sha256').update(query).digest('hex') !== sha256Hash
  ) {
    return 'extensions.persistedQuery.sha256Hash is not the SHA-256 of the query.';
  }
  return undefined;
}

/**
 * Automatic persisted queries (Apollo's, on by default): a malformed `extensions.persistedQuery`
 * (not an object, another version, a hash that is no SHA-256 or not the query's) is HTTP 400
 * BAD_REQUEST saying what is wrong; Apollo itself would answer it with an uncoded error that
 * reads as an internal one. Over GET, extensions that are not JSON are left to Apollo.
 */
export function persistedQueryShape(): RequestHandler {
  return (req, res, next) => {
    let extensions: unknown = req.body?.extensions;
    let query: unknown = req.body?.query;
    if (req.method === 'GET') {
      query = req.query.query;
      try {
        extensions = typeof req.query.extensions === 'string' && JSON.parse(req.query.extensions);
      } catch {
        return next();
      }
    }
    const problem = persistedQueryProblem(extensions, query);
    if (problem) return sendGraphQLError(res, 400, 'BAD_REQUEST', problem);
    next();
  };
}

/**
 * Body parser failures as GraphQL errors instead of Express's HTML page: a body over
 * MAX_BODY_BYTES is 413 QUERY_TOO_COMPLEX, malformed JSON (or a charset we cannot read) is
 * BAD_USER_INPUT with the parser's 4xx.
 */
export function bodyErrors(maxBodyBytes: number, log: Logger): ErrorRequestHandler {
  return (err, _req, res, next) => {
    if (res.headersSent) return next(err);
    const { type, status, expose, message } = err as {
      type?: string;
      status?: number;
      expose?: boolean;
      message?: string;
    };
    if (type === 'entity.too.large') {
      return sendGraphQLError(
        res,
        413,
        'QUERY_TOO_COMPLEX',
        `The request body is larger than ${maxBodyBytes} bytes.`,
        { limit: 'bodyBytes', maximum: maxBodyBytes },
      );
    }
    if (typeof status === 'number' && status >= 400 && status < 500) {
      const reason =
        type === 'entity.parse.failed'
          ? 'The request body is not valid JSON.'
          : expose && message
            ? message
            : 'The request is malformed.';
      return sendGraphQLError(res, status, 'BAD_USER_INPUT', reason);
    }
    log.error({ err, requestId: res.locals.requestId }, 'request failed outside GraphQL');
    sendGraphQLError(res, 500, 'INTERNAL_SERVER_ERROR', 'Internal server error.');
  };
}

/**
 * REQUEST_TIMEOUT_MS: a request still unanswered at the deadline gets 503 TIMEOUT. Its work is
 * not cancelled (each SQL statement has its own STATEMENT_TIMEOUT_MS), so a mutation may still
 * take effect: money-moving ones take idempotency keys for a safe retry.
 */
export function withDeadline(ms: number, log: Logger, handler: RequestHandler): RequestHandler {
  return async (req, res, next) => {
    const timer = setTimeout(() => {
      if (res.headersSent) return;
      log.warn({ requestId: res.locals.requestId, deadlineMs: ms }, 'request deadline passed');
      sendGraphQLError(
        res,
        503,
        'TIMEOUT',
        `The request did not finish within ${ms} ms. A mutation may still take effect: retry it with the same idempotency key.`,
      );
    }, ms);
    try {
      await handler(req, res, next);
    } catch (err) {
      // Writing the late answer fails once the deadline has answered; anything else is real.
      if (!res.headersSent) throw err;
    } finally {
      clearTimeout(timer);
    }
  };
}
