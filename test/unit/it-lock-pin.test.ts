// The administrator PIN is stored as a scrypt hash with a random salt and its cost parameters.
import { describe, expect, it } from 'vitest';
import { hashPin, parsePinHash, PIN_SCRYPT, verifyPin } from '../../src/main/core/it-lock/pin-hash.ts';

describe('PIN hash (scrypt)', () => {
  it('verifies the right PIN and refuses a wrong one', async () => {
    const stored = await hashPin('483920');
    expect(await verifyPin('483920', stored)).toBe(true);
    expect(await verifyPin('483921', stored)).toBe(false);
    expect(await verifyPin('', stored)).toBe(false);
  });

  it('stores the parameters, a 16-byte salt and a 32-byte key, never the PIN', async () => {
    const stored = await hashPin('483920');
    expect(stored).toMatch(/^scrypt\$N=32768,r=8,p=1\$/);
    expect(stored).not.toContain('483920');
    const parsed = parsePinHash(stored)!;
    expect(parsed.params).toEqual(PIN_SCRYPT);
    expect(parsed.salt.length).toBe(16);
    expect(parsed.key.length).toBe(32);
  });

  it('salts each hash: the same PIN twice gives two different hashes, both verifying', async () => {
    const [a, b] = [await hashPin('same-pin'), await hashPin('same-pin')];
    expect(a).not.toBe(b);
    expect(await verifyPin('same-pin', a)).toBe(true);
    expect(await verifyPin('same-pin', b)).toBe(true);
  });

  it('verifies with the parameters stored with the hash (a hash made with other costs still works)', async () => {
    const cheaper = await hashPin('483920', { N: 2 ** 10, r: 8, p: 1, keyLength: 32 });
    expect(cheaper).toMatch(/^scrypt\$N=1024,r=8,p=1\$/);
    expect(await verifyPin('483920', cheaper)).toBe(true);
    expect(await verifyPin('000000', cheaper)).toBe(false);
  });

  it('a malformed or tampered hash verifies nothing and costs nothing', async () => {
    expect(await verifyPin('x', 'plain-text')).toBe(false);
    const stored = await hashPin('483920');
    expect(await verifyPin('483920', stored.replace('N=32768', 'N=1073741824'))).toBe(false); // would take gigabytes
    expect(await verifyPin('483920', stored.replace('N=32768', 'N=1000'))).toBe(false); // not a power of two
  });

  it('the same PIN typed in another Unicode form verifies (NFC)', async () => {
    const stored = await hashPin('café-1234');
    expect(await verifyPin('cafe\u0301-1234', stored)).toBe(true);
  });
});
