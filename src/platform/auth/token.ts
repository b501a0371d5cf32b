import jwt from 'jsonwebtoken';
import { Role } from '../accounts/consumer.entity';
import { graphQLError } from '../errors';

/** Who is calling, as the signed token says. */
export interface Viewer {
  id: string;
  role: Role;
}

const ISSUER = 'orderly';

export function signToken(viewer: Viewer, secret: string, ttlSeconds: number): string {
  return jwt.sign({ role: viewer.role }, secret, {
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
    const claims = jwt.verify(header.slice(7).trim(), secret, {
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
