import express, { Router, type Response } from 'express';
import { existsSync } from 'node:fs';
import { extname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** Where `npm run build` puts the web console (web/, built by Vite): dist/web at the root. */
export const CONSOLE_DIR = fileURLToPath(new URL('../../../dist/web/', import.meta.url));

// Paths the API owns: an unknown one there stays the API's 404, never the console's page.
const API_PATHS = /^\/(graphql|healthz|livez|readyz|metrics|api)(\/|$)/;

// The page loads only its own files and talks only to this origin (HTTP and WebSocket).
const CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  "connect-src 'self'",
  "img-src 'self' data:",
  "style-src 'self'",
  "script-src 'self'",
  "object-src 'none'",
  "base-uri 'self'",
  "frame-ancestors 'none'",
].join('; ');

function sendPage(res: Response, page: string): void {
  res.setHeader('cache-control', 'no-cache');
  res.setHeader('content-security-policy', CONTENT_SECURITY_POLICY);
  res.setHeader('x-content-type-options', 'nosniff');
  res.sendFile(page);
}

/**
 * The web console at `/`: hashed files under /assets cached for a year (their names change with
 * their content), everything else revalidated; any other GET that a browser makes for a page
 * (Accept: text/html, no file extension, not an API path) gets index.html, so client routes
 * such as /orders/123 load on a reload. Anything else falls through to the API's handlers.
 */
export function webConsole(dir: string = CONSOLE_DIR): Router {
  const router = Router();
  const page = join(dir, 'index.html');
  router.use(
    '/assets',
    express.static(join(dir, 'assets'), { index: false, immutable: true, maxAge: '365d' }),
  );
  router.use(
    express.static(dir, {
      index: false,
      setHeaders: (res) => res.setHeader('cache-control', 'no-cache'),
    }),
  );
  router.get(/.*/, (req, res, next) => {
    if (API_PATHS.test(req.path) || extname(req.path) || req.accepts(['json', 'html']) !== 'html')
      return next();
    if (!existsSync(page)) {
      res
        .status(503)
        .type('text/plain')
        .send('The web console is not built: run `npm run build` (npm install does it).\n');
      return;
    }
    sendPage(res, page);
  });
  return router;
}
