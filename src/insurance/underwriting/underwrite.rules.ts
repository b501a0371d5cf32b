import { ErrorCode, type FieldPath } from '../../platform/errors.ts';
import type { InputChecks } from '../../platform/input.rules.ts';

/** Documented limits of underwriting input; past them the write is INVALID_INPUT. */
export const UNDERWRITE_LIMITS = {
  /** validatePlace and realPlace (at most 256 characters). */
  placeLength: 256,
  noteLength: 2000,
  /** Problem type (at most 32 characters) and description. */
  problemTypeLength: 32,
  problemDescriptionLength: 2000,
  problemsPerFill: 20,
  /** Photo address (at most 1024 characters). */
  urlLength: 1024,
  photosPerCall: 20,
  photosPerUnderwrite: 50,
  /** How far ahead of the server's clock a client's update time may be. */
  clockSkewMs: 5 * 60 * 1000,
  /** How far ahead an inspection may be booked. */
  planTimeAheadMs: 366 * 24 * 3600 * 1000,
} as const;

/** A place: 1..256 characters once trimmed. Returns the trimmed text. */
export function checkPlace(found: InputChecks, place: string, field: FieldPath): string {
  const text = place.trim();
  if (text.length < 1 || text.length > UNDERWRITE_LIMITS.placeLength) {
    found.add(
      ErrorCode.INVALID_INPUT,
      `A place is 1 to ${UNDERWRITE_LIMITS.placeLength} characters.`,
      field,
    );
  }
  return text;
}

/**
 * A client's update time may not be ahead of the server's clock by more than five minutes:
 * a time far in the future ("9999-12-31") would make every later write look stale.
 */
export function checkClientTime(found: InputChecks, time: Date, field: FieldPath): void {
  if (time.getTime() > Date.now() + UNDERWRITE_LIMITS.clockSkewMs) {
    found.add(
      ErrorCode.INVALID_INPUT,
      'An update time may not be in the future (five minutes of clock skew are allowed).',
      field,
    );
  }
}

/** STALE_UPDATE when the client's time is older than the stored one (equal times pass). */
export function checkNotStale(
  found: InputChecks,
  given: Date,
  stored: Date | null | undefined,
  what: string,
  field: FieldPath,
): void {
  if (stored && given.getTime() < stored.getTime()) {
    found.add(
      ErrorCode.STALE_UPDATE,
      `${what} was last changed at ${stored.toISOString()}; a write made at ${given.toISOString()} is older and was not applied.`,
      field,
    );
  }
}

/** http(s) URLs of at most 1024 characters, with a host and no white space. */
export function checkPhotoUrls(found: InputChecks, urls: string[], field: FieldPath): void {
  if (urls.length > UNDERWRITE_LIMITS.photosPerCall) {
    found.add(
      ErrorCode.INVALID_INPUT,
      `At most ${UNDERWRITE_LIMITS.photosPerCall} photos at a time.`,
      field,
    );
    return;
  }
  urls.forEach((url, i) => {
    if (!isHttpUrl(url)) {
      found.add(
        ErrorCode.INVALID_INPUT,
        `A photo address must be an http(s) URL of at most ${UNDERWRITE_LIMITS.urlLength} characters.`,
        [...field, i],
      );
    }
  });
}

function isHttpUrl(text: string): boolean {
  if (text.length > UNDERWRITE_LIMITS.urlLength || /\s/.test(text)) return false;
  if (!/^https?:\/\//.test(text)) return false;
  try {
    const url = new URL(text);
    return (url.protocol === 'http:' || url.protocol === 'https:') && url.hostname.length > 0;
  } catch {
    return false;
  }
}
