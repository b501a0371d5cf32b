import { createSecretKey, type KeyObject } from 'node:crypto';
import jwt from 'jsonwebtoken';
import { Role } from '../accounts/consumer.entity.ts';
import { graphQLError } from '../errors.ts';

/** Who is calling, as the signed token says. */
export interface Viewer {
  id: string;
  role: Role;
}

const ISSUER = 'orderly';

const keys = new Map<string, KeyObject>();
/**
 * The secret as a KeyObject, made once: given a string, jsonwebtoken first tries to parse it
 * as a PEM public key and builds the secret key only after that throws, on every request.
 */
function keyOf(secret: string): KeyObject {
  let key = keys.get(secret);
  if (!key) {
    key = createSecretKey(Buffer.from(secret, 'utf8'));
    keys.set(secret, key);
  }
  return key;
}

export function signToken(viewer: Viewer, secret: string, ttlSeconds: number): string {
  return jwt.sign({ role: viewer.role }, keyOf(secret), {
    algorithm: 'HS256',
    subject: viewer.id,
    issuer: ISSUER,
    expiresIn: ttlSeconds,
  });
}

/**
 * Reads an `Authorization` value ("Bearer <jwt>"). No header: undefined (anonymous).
 * A header that is malformed, tampered with or expired: UNAUTHENTICATED, so a client
 * whose session ended learns it instead of silently becoming anonymous.
 */
export function viewerFromAuthorization(header: unknown, secret: string): Viewer | undefined {
  if (header === undefined || header === null || header === '') return undefined;
  if (typeof header !== 'string' || !header.startsWith('Bearer ')) {
    throw graphQLError('UNAUTHENTICATED', 'Authorization must be "Bearer <token>".');
  }
  try {
    const claims = jwt.verify(header.slice(7).trim(), keyOf(secret), {
      algorithms: ['HS256'],
      issuer: ISSUER,
    }) as jwt.JwtPayload;
    const role = claims.role as Role;
    if (typeof claims.sub !== 'string' || !Object.values(Role).includes(role)) {
      throw new Error('bad claims');
    }
    return { id: claims.sub, role };
  } catch (err) {
    const expired = err instanceof jwt.TokenExpiredError;
    throw graphQLError(
      'UNAUTHENTICATED',
      expired ? 'The token has expired; log in again.' : 'The token is not valid.',
    );
  }
}
