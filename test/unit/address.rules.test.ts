import { beforeEach, describe, expect, it } from 'vitest';
import { InputChecks } from '../../src/platform/input.rules.ts';
import { ADDRESS_LIMITS, checkAddress } from '../../src/shop/address.rules.ts';

let checks: InputChecks;
beforeEach(() => {
  checks = new InputChecks();
});
const address = (over: Partial<{ recipient: string; address: string; telNum: string }> = {}) => ({
  recipient: 'Li Lei',
  address: '1 Road, Beijing',
  telNum: '13800138000',
  ...over,
});

describe('checkAddress', () => {
  it('trims every field and finds nothing wrong with a plain address', () => {
    const checked = checkAddress(
      address({ recipient: '  Li Lei ', telNum: ' +86 138-0013-8000 ' }),
      ['input', 'address'],
      checks,
    );
    expect(checks.errors).toEqual([]);
    expect(checked).toEqual({
      recipient: 'Li Lei',
      address: '1 Road, Beijing',
      telNum: '+86 138-0013-8000',
    });
  });

  it.each([
    ['an empty recipient', { recipient: '   ' }, 'recipient'],
    [
      'a recipient past the limit',
      { recipient: 'x'.repeat(ADDRESS_LIMITS.recipient + 1) },
      'recipient',
    ],
    ['an empty address', { address: '' }, 'address'],
    ['an address past the limit', { address: 'x'.repeat(ADDRESS_LIMITS.address + 1) }, 'address'],
    ['letters in the telephone number', { telNum: '1380013800a' }, 'telNum'],
    ['four digits', { telNum: '1234' }, 'telNum'],
    ['sixteen digits', { telNum: '1'.repeat(16) }, 'telNum'],
    ['a trailing dash', { telNum: '010-6234567-' }, 'telNum'],
  ])('refuses %s as INVALID_INPUT on that field', (_what, over, field) => {
    checkAddress(address(over), ['input', 'address'], checks);
    expect(checks.errors).toMatchObject([
      { code: 'INVALID_INPUT', field: ['input', 'address', field] },
    ]);
  });

  it('takes each limit exactly: the longest recipient and address, five and fifteen digits', () => {
    for (const over of [
      { recipient: 'x'.repeat(ADDRESS_LIMITS.recipient) },
      { address: 'x'.repeat(ADDRESS_LIMITS.address) },
      { telNum: '12345' },
      { telNum: '1'.repeat(15) },
    ]) {
      checkAddress(address(over), ['a'], checks);
    }
    expect(checks.errors).toEqual([]);
  });

  it('names every wrong field at once', () => {
    checkAddress({ recipient: '', address: '', telNum: 'x' }, ['a'], checks);
    expect(checks.errors.map((e) => e.field)).toEqual([
      ['a', 'recipient'],
      ['a', 'address'],
      ['a', 'telNum'],
    ]);
  });
});
