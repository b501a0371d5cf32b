import type { RequestHandler } from 'express';

// What browsers may send and read across origins: the bearer token, JSON, Apollo's CSRF headers.
const ALLOWED_HEADERS =
  'authorization, content-type, apollo-require-preflight, x-apollo-operation-name, x-request-id';
const EXPOSED_HEADERS = 'x-request-id, retry-after';

/**
 * CORS for the API (CORS_ORIGINS). An allowed origin gets its own origin echoed back (`*` in
 * the list allows any); any other origin gets no CORS headers, so its browser refuses to send
 * JSON or to let the page read the answer. No credentials: the API authenticates with a
 * bearer token, never a cookie. Preflights are answered here, 204.
 */
export function cors(origins: string[]): RequestHandler {
  const anyOrigin = origins.includes('*');
  const allowed = new Set(origins);
  return (req, res, next) => {
    const origin = req.header('origin');
    const ok = origin !== undefined && (anyOrigin || allowed.has(origin));
    if (ok) {
      res.vary('Origin');
      res.setHeader('access-control-allow-origin', origin);
      res.setHeader('access-control-expose-headers', EXPOSED_HEADERS);
    }
    if (req.method !== 'OPTIONS') return next();
    if (ok) {
      res.setHeader('access-control-allow-methods', 'GET, POST, OPTIONS');
      res.setHeader('access-control-allow-headers', ALLOWED_HEADERS);
      res.setHeader('access-control-max-age', '600');
    }
    res.status(204).end();
  };
}
