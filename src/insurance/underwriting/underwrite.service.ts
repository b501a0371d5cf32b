import type { EntityManager } from '@mikro-orm/postgresql';
import type { RequestContext } from '../../context.ts';
import { isStaff, requireOwnerOrStaff, requireViewer } from '../../platform/auth/roles.ts';
import { ErrorCode, type FieldPath } from '../../platform/errors.ts';
import { isUuid } from '../../platform/ids.ts';
import { Order, OrderKind, OrderStatus } from '../../platform/orders/order.entity.ts';
import { lockOrder, transition } from '../../platform/orders/order-lifecycle.ts';
import type { InputChecks } from '../../platform/input.rules.ts';
import { PlanOrderExt } from '../insurance-order.entity.ts';
import { lockUnderwrite, recordEvent, underwriteWrite } from './underwrite.repository.ts';
import { Photo, Problem, Underwrite } from './underwrite.entity.ts';
import type { CreateUnderwriteInput, FillUnderwriteInput } from './underwrite.input.ts';
import {
  checkClientTime,
  checkNotStale,
  checkPhotoUrls,
  checkPlace,
  UNDERWRITE_LIMITS,
} from './underwrite.rules.ts';
import type { UnderwritePayload } from './underwrite.types.ts';

/**
 * Underwriting of plan orders: booking the inspection, the operator's findings on
 * site, photos, notes and places. Results and their money are in underwrite-result.service.ts.
 * Every write locks the plan order's row first and writes an order event with its change.
 */
export class UnderwriteService {
  /** Seed getUnderwriteByOrder: the order's owner or staff; null when there is none. */
  async byOrder(ctx: RequestContext, orderId: string): Promise<Underwrite | null> {
    const viewer = requireViewer(ctx);
    if (!isUuid(orderId)) return null;
    const order = await ctx.em.findOne(Order, orderId);
    if (!order) return null;
    requireOwnerOrStaff(viewer, order.consumer.id, 'order');
    if (order.deletedAt && !isStaff(viewer)) return null;
    return ctx.em.findOne(Underwrite, { orderId, deleted: false });
  }

  /**
   * Books the inspection of a PAID plan order (its owner or staff) and moves the order to
   * UNDERWRITING, with UNDERWRITE_CREATED and STATUS_CHANGED events.
   */
  create(ctx: RequestContext, input: CreateUnderwriteInput): Promise<UnderwritePayload> {
    return underwriteWrite(ctx, async ({ em, viewer, found }) => {
      const order = isUuid(input.orderId) ? await lockOrder(em, input.orderId) : null;
      if (!order || (!isStaff(viewer) && order.deletedAt)) {
        return found.add(ErrorCode.NOT_FOUND, 'No order has this id.', ['input', 'orderId']);
      }
      requireOwnerOrStaff(viewer, order.consumer.id, 'order');
      if (order.kind !== OrderKind.PLAN) {
        return found.add(ErrorCode.INVALID_INPUT, 'Only plan orders are underwritten.', [
          'input',
          'orderId',
        ]);
      }
      if (order.status !== OrderStatus.PAID) {
        return found.add(
          ErrorCode.INVALID_TRANSITION,
          `An underwrite is created for a PAID plan order; this one is ${order.status}.`,
          ['input', 'orderId'],
        );
      }
      const place = checkPlace(found, input.validatePlace, ['input', 'validatePlace']);
      checkClientTime(found, input.validateUpdateTime, ['input', 'validateUpdateTime']);
      const now = Date.now();
      const plan = input.planTime.getTime();
      if (
        plan < now - UNDERWRITE_LIMITS.clockSkewMs ||
        plan > now + UNDERWRITE_LIMITS.planTimeAheadMs
      ) {
        found.add(ErrorCode.INVALID_INPUT, 'planTime must be from now up to a year ahead.', [
          'input',
          'planTime',
        ]);
      }
      if (found.any) return;
      const ext = await em.findOneOrFail(PlanOrderExt, { orderId: order.id });
      const underwrite = em.create(Underwrite, {
        id: crypto.randomUUID(),
        orderId: order.id,
        quotationId: ext.quotationId,
        planTime: input.planTime,
        validatePlace: place,
        validateUpdateTime: input.validateUpdateTime,
        createdAt: new Date(),
        updatedAt: new Date(),
        deleted: false,
      });
      transition(em, order, OrderStatus.UNDERWRITING, {
        actorId: viewer.id,
        data: { underwriteId: underwrite.id },
      });
      recordEvent({ em, order, underwrite }, 'UNDERWRITE_CREATED', viewer.id, {
        planTime: input.planTime.toISOString(),
        validatePlace: place,
      });
      return underwrite.id;
    });
  }

  /**
   * Staff's inspection on site: the real place, the papers, the problems found (replacing
   * earlier ones, which stay soft-deleted) and photos (added). The caller becomes the
   * operator. Only while the order is UNDERWRITING and has no result.
   */
  fill(ctx: RequestContext, input: FillUnderwriteInput): Promise<UnderwritePayload> {
    return underwriteWrite(ctx, async ({ em, viewer, found }) => {
      const { order, underwrite } = await lockUnderwrite(em, viewer, input.underwriteId);
      if (order.status !== OrderStatus.UNDERWRITING || underwrite.result) {
        return found.add(
          ErrorCode.INVALID_TRANSITION,
          'An underwrite is filled while underwriting, before its result.',
          ['input', 'underwriteId'],
        );
      }
      const place = checkPlace(found, input.realPlace, ['input', 'realPlace']);
      this.checkProblems(found, input);
      checkPhotoUrls(found, input.photos, ['input', 'photos']);
      await this.checkPhotoRoom(em, found, underwrite.id, input.photos.length, ['input', 'photos']);
      if (found.any) return;
      const now = new Date();
      // A fill carries no client time: it is the newest write of its row (it holds the lock),
      // so it is never stale. An alterRealPlace may have stored a client time up to the allowed
      // skew ahead of this clock; keep that, so the stored time never moves back and a delayed
      // older alterRealPlace stays refused.
      const stored = underwrite.realUpdateTime;
      const realUpdateTime = stored && stored > now ? stored : now;

      const replaced = await em.execute(
        `update underwrite_problems set deleted = true, updated_at = now()
          where underwrite_id = ? and not deleted`,
        [underwrite.id],
        'run',
      );
      const problems = input.problems.map((p, position) =>
        em.create(Problem, {
          id: crypto.randomUUID(),
          underwriteId: underwrite.id,
          type: p.type.trim(),
          description: p.description.trim(),
          position,
          createdAt: now,
          updatedAt: now,
          deleted: false,
        }),
      );
      const photos = this.addPhotos(em, underwrite.id, input.photos);
      Object.assign(underwrite, {
        realPlace: place,
        realUpdateTime,
        certificateState: input.certificateState,
        operatorId: viewer.id,
      });
      recordEvent({ em, order, underwrite }, 'UNDERWRITE_FILLED', viewer.id, {
        realPlace: place,
        certificateState: input.certificateState,
        problemIds: problems.map((p) => p.id),
        replacedProblems: (replaced as { affectedRows?: number }).affectedRows ?? 0,
        photoIds: photos.map((p) => p.id),
      });
      return underwrite.id;
    });
  }

  /** The booked inspection place: owner or staff, before the result; stale writes refused. */
  alterValidatePlace(ctx: RequestContext, id: string, place: string, at: Date) {
    return underwriteWrite(ctx, async ({ em, viewer, found }) => {
      const { order, underwrite } = await lockUnderwrite(em, viewer, id);
      if (order.status !== OrderStatus.UNDERWRITING || underwrite.result) {
        return found.add(
          ErrorCode.INVALID_TRANSITION,
          'The booked place can change only while underwriting, before the result.',
          ['underwriteId'],
        );
      }
      const text = checkPlace(found, place, ['validatePlace']);
      checkClientTime(found, at, ['validateUpdateTime']);
      checkNotStale(found, at, underwrite.validateUpdateTime, 'validatePlace', [
        'validateUpdateTime',
      ]);
      if (found.any) return;
      Object.assign(underwrite, { validatePlace: text, validateUpdateTime: at });
      recordEvent({ em, order, underwrite }, 'PLACE_CHANGED', viewer.id, {
        place: 'VALIDATE',
        validatePlace: text,
        validateUpdateTime: at.toISOString(),
      });
      return underwrite.id;
    });
  }

  /** Staff corrects where the inspection really was; stale writes refused. */
  alterRealPlace(ctx: RequestContext, id: string, place: string, at: Date) {
    return underwriteWrite(ctx, async ({ em, viewer, found }) => {
      const { order, underwrite } = await lockUnderwrite(em, viewer, id);
      const text = checkPlace(found, place, ['realPlace']);
      checkClientTime(found, at, ['realUpdateTime']);
      checkNotStale(found, at, underwrite.realUpdateTime, 'realPlace', ['realUpdateTime']);
      if (found.any) return;
      Object.assign(underwrite, { realPlace: text, realUpdateTime: at });
      recordEvent({ em, order, underwrite }, 'PLACE_CHANGED', viewer.id, {
        place: 'REAL',
        realPlace: text,
        realUpdateTime: at.toISOString(),
      });
      return underwrite.id;
    });
  }

  /** Staff's note (at most 2000 characters; empty clears it); stale writes refused. */
  alterNote(ctx: RequestContext, id: string, note: string, at: Date) {
    return underwriteWrite(ctx, async ({ em, viewer, found }) => {
      const { order, underwrite } = await lockUnderwrite(em, viewer, id);
      if (note.length > UNDERWRITE_LIMITS.noteLength) {
        found.add(
          ErrorCode.INVALID_INPUT,
          `A note is at most ${UNDERWRITE_LIMITS.noteLength} characters.`,
          ['note'],
        );
      }
      checkClientTime(found, at, ['noteUpdateTime']);
      checkNotStale(found, at, underwrite.noteUpdateTime, 'note', ['noteUpdateTime']);
      if (found.any) return;
      Object.assign(underwrite, { note: note === '' ? null : note, noteUpdateTime: at });
      recordEvent({ em, order, underwrite }, 'NOTE_CHANGED', viewer.id, {
        noteLength: note.length,
        noteUpdateTime: at.toISOString(),
      });
      return underwrite.id;
    });
  }

  /** Seed uploadPhotos: adds photos (owner or staff), 1 to 20 at a time, 50 in all. */
  uploadPhotos(ctx: RequestContext, id: string, urls: string[]) {
    return underwriteWrite(ctx, async ({ em, viewer, found }) => {
      const { order, underwrite } = await lockUnderwrite(em, viewer, id);
      if (urls.length === 0) found.add(ErrorCode.INVALID_INPUT, 'No photos given.', ['urls']);
      checkPhotoUrls(found, urls, ['urls']);
      await this.checkPhotoRoom(em, found, underwrite.id, urls.length, ['urls']);
      if (found.any) return;
      const photos = this.addPhotos(em, underwrite.id, urls);
      recordEvent({ em, order, underwrite }, 'PHOTO_ADDED', viewer.id, {
        photoIds: photos.map((p) => p.id),
        urls,
      });
      return underwrite.id;
    });
  }

  private checkProblems(found: InputChecks, input: FillUnderwriteInput): void {
    const L = UNDERWRITE_LIMITS;
    if (input.problems.length > L.problemsPerFill) {
      found.add(ErrorCode.INVALID_INPUT, `At most ${L.problemsPerFill} problems.`, [
        'input',
        'problems',
      ]);
      return;
    }
    input.problems.forEach((p, i) => {
      const type = p.type.trim();
      const description = p.description.trim();
      if (type.length < 1 || type.length > L.problemTypeLength) {
        found.add(
          ErrorCode.INVALID_INPUT,
          `A problem type is 1 to ${L.problemTypeLength} characters.`,
          ['input', 'problems', i, 'type'],
        );
      }
      if (description.length < 1 || description.length > L.problemDescriptionLength) {
        found.add(
          ErrorCode.INVALID_INPUT,
          `A problem description is 1 to ${L.problemDescriptionLength} characters.`,
          ['input', 'problems', i, 'description'],
        );
      }
    });
  }

  private async checkPhotoRoom(
    em: EntityManager,
    found: InputChecks,
    underwriteId: string,
    adding: number,
    field: FieldPath,
  ): Promise<void> {
    const kept = await em.count(Photo, { underwriteId, deleted: false });
    if (kept + adding > UNDERWRITE_LIMITS.photosPerUnderwrite) {
      found.add(
        ErrorCode.INVALID_INPUT,
        `An underwrite keeps at most ${UNDERWRITE_LIMITS.photosPerUnderwrite} photos; it has ${kept}.`,
        field,
      );
    }
  }

  private addPhotos(em: EntityManager, underwriteId: string, urls: string[]): Photo[] {
    const now = new Date();
    return urls.map((url, position) =>
      em.create(Photo, {
        id: crypto.randomUUID(),
        underwriteId,
        url,
        position,
        createdAt: now,
        updatedAt: now,
        deleted: false,
      }),
    );
  }
}

export const underwriting = new UnderwriteService();
