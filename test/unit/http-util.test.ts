// The headless host's request helpers: nothing decodes more than it must, nothing throws on input.
import { describe, expect, it } from 'vitest';
import { safeDecode } from '../../src/shared/safe-decode.ts';
import { bearerToken, rawCookie, rawQueryParam, splitTarget, tokenMatches } from '../../src/main/headless/http-util.ts';

describe('http-util', () => {
  it('safeDecode gives null for malformed escapes instead of throwing', () => {
    expect(safeDecode('%E0%A4%A')).toBeNull();
    expect(safeDecode('%zz')).toBeNull();
    expect(safeDecode('a%20b')).toBe('a b');
    expect(safeDecode('plain')).toBe('plain');
  });

  it('splitTarget keeps origin-form targets raw and refuses the rest', () => {
    expect(splitTarget('//%zz/api/events?token=a#x')).toEqual({ path: '//%zz/api/events', query: 'token=a' });
    expect(splitTarget('/')).toEqual({ path: '/', query: '' });
    expect(splitTarget('http://evil/api/events')).toBeNull();
    expect(splitTarget('*')).toBeNull();
    expect(splitTarget(undefined)).toBeNull();
  });

  it('reads one cookie and one query parameter raw, ignoring malformed neighbours', () => {
    expect(rawCookie('a=%zz; capture_station_token=%E0%A4%A', 'capture_station_token')).toBe('%E0%A4%A');
    expect(rawCookie('a=%zz', 'capture_station_token')).toBeNull();
    expect(rawCookie(undefined, 'x')).toBeNull();
    expect(rawQueryParam('x=%zz&token=abc', 'token')).toBe('abc');
    expect(rawQueryParam('tokens=abc', 'token')).toBeNull();
    expect(bearerToken('Bearer  abc ')).toBe('abc');
    expect(bearerToken('Basic abc')).toBeNull();
  });

  it('tokenMatches compares as sent: the token or its percent-encoding, nothing decoded', () => {
    expect(tokenMatches('abc', 'abc')).toBe(true);
    expect(tokenMatches('a%2Bb', 'a+b')).toBe(true);
    expect(tokenMatches('%E0%A4%A', 'abc')).toBe(false);
    expect(tokenMatches('', 'abc')).toBe(false);
    expect(tokenMatches(null, 'abc')).toBe(false);
    expect(tokenMatches('abcd', 'abc')).toBe(false);
  });
});
