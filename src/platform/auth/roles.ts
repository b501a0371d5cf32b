import { Authorized } from 'type-graphql';
import type { RequestContext } from '../../context.ts';
import { Role } from '../accounts/consumer.entity.ts';
import { forbidden, unauthenticated } from '../errors.ts';
import { tokenRefused } from './authenticate.ts';
import type { Viewer } from './token.ts';

/**
 * Who may call a root field. Every Query, Mutation and Subscription field carries exactly one
 * of these; the schema build fails when one does not (see `assertEveryRootFieldAuthorized`).
 */
export const ANYONE = 'ANYONE';
export const Anyone = () => Authorized(ANYONE);
export const LoggedIn = () => Authorized();
export const Staff = () => Authorized(Role.OPERATOR, Role.ADMIN);
export const AdminOnly = () => Authorized(Role.ADMIN);

/**
 * type-graphql's authChecker: UNAUTHENTICATED without a viewer (saying why when a token was
 * sent: expired, invalid, session ended), FORBIDDEN with the wrong role.
 */
// An arrow function: type-graphql would instantiate a `function` declaration as a class.
export const authChecker = ({ context }: { context: RequestContext }, roles: string[]): boolean => {
  if (roles.includes(ANYONE)) return true;
  const viewer = requireViewer(context);
  if (roles.length === 0 || roles.includes(viewer.role)) return true;
  throw forbidden(`This needs the role ${roles.join(' or ')}.`);
};

export function isStaff(viewer: Viewer): boolean {
  return viewer.role === Role.OPERATOR || viewer.role === Role.ADMIN;
}

/** The caller, for services behind a LoggedIn resolver (defence in depth). */
export function requireViewer(ctx: RequestContext): Viewer {
  if (ctx.viewer) return ctx.viewer;
  throw ctx.auth.failure ? tokenRefused(ctx.auth.failure) : unauthenticated();
}

/**
 * FORBIDDEN ("This <what> belongs to another consumer.") unless `viewer` is `ownerId` or staff:
 * the one ownership check of every consumer-owned thing.
 */
export function requireOwnerOrStaff(viewer: Viewer, ownerId: string, what?: string): void {
  if (viewer.id === ownerId || isStaff(viewer)) return;
  throw forbidden(`This ${what ? `${what} ` : ''}belongs to another consumer.`);
}

/** The caller may act for `consumerId`: it is them, or staff. */
export function requireSelfOrStaff(ctx: RequestContext, consumerId: string): Viewer {
  const viewer = requireViewer(ctx);
  requireOwnerOrStaff(viewer, consumerId);
  return viewer;
}
