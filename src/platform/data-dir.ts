import { randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Config } from './config.ts';

/**
 * The data directory of this service (ORDERLY_DATA_DIR, default `.data`), as an absolute path:
 * where it keeps what must survive a restart and stay with the data. Layout (docs/operations.md):
 * `postgres/` the embedded cluster, `postgres-credentials.json` its passwords; other files of
 * the service go beside them, each readable only by the service's user (`keptSecret`).
 */
export function serviceDataDir(config: Pick<Config, 'dataDir'>): string {
  return resolve(config.dataDir);
}

/** Creates the data directory if missing: the service's user only (root: others may pass through). */
export function ensureServiceDataDir(dir: string): void {
  // As root, PostgreSQL runs as `postgres`, which must pass through to its cluster inside.
  mkdirSync(dir, { recursive: true, mode: process.getuid?.() === 0 ? 0o711 : 0o700 });
}

/** A random secret fit for a password or a signing key (32 bytes, URL-safe text). */
export function randomSecret(): string {
  return randomBytes(32).toString('base64url');
}

/**
 * Reads `name` in the data directory, or first writes `make()` there, readable only by this
 * user (0600), whole or not at all (written beside, then renamed).
 */
export function keptSecret(dir: string, name: string, make: () => string = randomSecret): string {
  const file = join(dir, name);
  try {
    return readFileSync(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
  }
  const value = make();
  writeSecretFile(file, value);
  return value;
}

/** Writes `value` to `file` with mode 0600, atomically (a crash leaves the old file or the new). */
function writeSecretFile(file: string, value: string): void {
  const partial = `${file}.${process.pid}.tmp`;
  writeFileSync(partial, value, { mode: 0o600, flush: true });
  renameSync(partial, file);
}
