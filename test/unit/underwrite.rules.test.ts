import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { InputChecks } from '../../src/platform/input.rules.ts';
import {
  checkClientTime,
  checkNotStale,
  checkPhotoUrls,
  checkPlace,
  UNDERWRITE_LIMITS,
} from '../../src/insurance/underwriting/underwrite.rules.ts';

const NOW = new Date('2026-06-01T12:00:00Z');
let found: InputChecks;
beforeEach(() => {
  found = new InputChecks();
});

describe('checkPlace', () => {
  it('trims a place and accepts 1 to 256 characters', () => {
    expect(checkPlace(found, '  Garage 4  ', ['place'])).toBe('Garage 4');
    checkPlace(found, 'x'.repeat(UNDERWRITE_LIMITS.placeLength), ['place']);
    expect(found.errors).toEqual([]);
  });

  it.each([['   '], ['x'.repeat(UNDERWRITE_LIMITS.placeLength + 1)]])(
    'refuses %j with INVALID_INPUT on its field',
    (place) => {
      checkPlace(found, place, ['input', 'place']);
      expect(found.errors).toMatchObject([{ code: 'INVALID_INPUT', field: ['input', 'place'] }]);
    },
  );
});

describe('checkClientTime', () => {
  beforeEach(() => {
    vi.useFakeTimers({ now: NOW });
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('allows five minutes of clock skew and no more', () => {
    checkClientTime(found, new Date(NOW.getTime() + UNDERWRITE_LIMITS.clockSkewMs), ['at']);
    expect(found.errors).toEqual([]);
    checkClientTime(found, new Date(NOW.getTime() + UNDERWRITE_LIMITS.clockSkewMs + 1), ['at']);
    expect(found.errors).toMatchObject([{ code: 'INVALID_INPUT', field: ['at'] }]);
  });
});

describe('checkNotStale', () => {
  it('passes an equal or newer time and anything when nothing is stored', () => {
    checkNotStale(found, NOW, NOW, 'The result', ['at']);
    checkNotStale(found, NOW, null, 'The result', ['at']);
    expect(found.errors).toEqual([]);
  });

  it('refuses an older time with STALE_UPDATE', () => {
    checkNotStale(found, new Date(NOW.getTime() - 1), NOW, 'The result', ['at']);
    expect(found.errors).toMatchObject([{ code: 'STALE_UPDATE', field: ['at'] }]);
  });
});

describe('checkPhotoUrls', () => {
  it('accepts http(s) URLs with a host', () => {
    checkPhotoUrls(found, ['https://photos.example/1.jpg', 'http://a.b/c'], ['urls']);
    expect(found.errors).toEqual([]);
  });

  it.each([
    ['ftp://photos.example/1.jpg'],
    ['https://'],
    ['https://a.b/with space'],
    [`https://a.b/${'x'.repeat(UNDERWRITE_LIMITS.urlLength)}`],
  ])('refuses %s, naming its index', (url) => {
    checkPhotoUrls(found, ['https://ok.example/1', url], ['urls']);
    expect(found.errors).toMatchObject([{ code: 'INVALID_INPUT', field: ['urls', '1'] }]);
  });

  it('refuses more photos than one call may add, once', () => {
    const urls = Array.from(
      { length: UNDERWRITE_LIMITS.photosPerCall + 1 },
      (_, i) => `https://a.b/${i}`,
    );
    checkPhotoUrls(found, urls, ['urls']);
    expect(found.errors).toMatchObject([{ code: 'INVALID_INPUT', field: ['urls'] }]);
  });
});
