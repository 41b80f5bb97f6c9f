// The administrator PIN is kept only as a slow salted hash: node:crypto's scrypt with a random
// 16-byte salt, N = 2^15, r = 8, p = 1 (32 MiB and some 50-100 ms per try on a clinic PC), a
// 32-byte key, compared in constant time. The parameters are stored with the hash, so a later
// version can raise them and still verify PINs set before.
import { randomBytes, scrypt, timingSafeEqual, type ScryptOptions } from 'node:crypto';

export interface ScryptParams {
  /** CPU/memory cost, a power of two. */
  N: number;
  r: number;
  p: number;
  keyLength: number;
}

export const PIN_SCRYPT: ScryptParams = { N: 2 ** 15, r: 8, p: 1, keyLength: 32 };
const SALT_BYTES = 16;
// A stored row is trusted only within these bounds (a tampered row must not make one try take minutes or gigabytes).
const LIMITS = { N: 2 ** 20, r: 32, p: 16, keyLength: 128 };

const derive = (pin: string, salt: Buffer, k: ScryptParams): Promise<Buffer> =>
  new Promise((resolve, reject) => {
    const options: ScryptOptions = { N: k.N, r: k.r, p: k.p, maxmem: 256 * k.N * k.r };
    scrypt(pin.normalize('NFC'), salt, k.keyLength, options, (err, key) => (err ? reject(err) : resolve(key)));
  });

/** `scrypt$N=32768,r=8,p=1$<salt, base64>$<key, base64>`: never the PIN itself. */
export async function hashPin(pin: string, params: ScryptParams = PIN_SCRYPT): Promise<string> {
  const salt = randomBytes(SALT_BYTES);
  const key = await derive(pin, salt, params);
  return `scrypt$N=${params.N},r=${params.r},p=${params.p}$${salt.toString('base64')}$${key.toString('base64')}`;
}

/** The parameters, salt and key of a stored hash, or null when it is not one this code wrote. */
export function parsePinHash(stored: string): { params: ScryptParams; salt: Buffer; key: Buffer } | null {
  const m = /^scrypt\$N=(\d+),r=(\d+),p=(\d+)\$([A-Za-z0-9+/=]+)\$([A-Za-z0-9+/=]+)$/.exec(stored);
  if (!m) return null;
  const [N, r, p] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const salt = Buffer.from(m[4]!, 'base64');
  const key = Buffer.from(m[5]!, 'base64');
  const powerOfTwo = N > 1 && (N & (N - 1)) === 0;
  if (!powerOfTwo || N > LIMITS.N || r < 1 || r > LIMITS.r || p < 1 || p > LIMITS.p) return null;
  if (salt.length < 8 || key.length < 16 || key.length > LIMITS.keyLength) return null;
  return { params: { N, r, p, keyLength: key.length }, salt, key };
}

/** Whether `pin` is the one behind `stored`; false for a malformed hash. Constant-time compare. */
export async function verifyPin(pin: string, stored: string): Promise<boolean> {
  const parsed = parsePinHash(stored);
  if (!parsed) return false;
  const key = await derive(pin, parsed.salt, parsed.params);
  return timingSafeEqual(key, parsed.key);
}
