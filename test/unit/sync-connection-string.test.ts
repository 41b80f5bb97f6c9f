import { describe, expect, it } from 'vitest';
import {
  ConnectionStringError,
  containerUrlWithSas,
  parseConnectionString,
  resolveContainer,
  safeEndpoint,
  scrubSecrets,
} from '../../src/main/core/sync/connection-string.ts';

const SIG = 'c2VjcmV0LXNpZ25hdHVyZS1kby1ub3QtbGVhaw%3D%3D';
const SAS = `sv=2025-05-05&se=2030-01-01T00%3A00%3A00Z&sr=c&sp=cw&sig=${SIG}`;

function thrown(fn: () => unknown): Error {
  try {
    fn();
  } catch (err) {
    return err as Error;
  }
  throw new Error('expected a throw');
}

describe('parseConnectionString', () => {
  it('returns endpoint, sas, container, expiry and permissions', () => {
    const p = parseConnectionString(`https://acct.blob.core.windows.net/images?${SAS}`);
    expect(p.blobEndpoint).toBe('https://acct.blob.core.windows.net');
    expect(p.container).toBe('images');
    expect(p.sas).toBe(SAS);
    expect(p.expiresOn?.toISOString()).toBe('2030-01-01T00:00:00.000Z');
    expect(p.permissions).toBe('cw');
  });

  it('throws ConnectionStringError without the signature in it', () => {
    const err = thrown(() => parseConnectionString(`https://acct.blob.core.windows.net/images?sv=1&sp=r&sig=${SIG}`));
    expect(err).toBeInstanceOf(ConnectionStringError);
    expect(err.message).toMatch(/does not allow creating files/);
    expect(`${err.message} ${err.stack} ${JSON.stringify(err)}`).not.toContain(SIG);
    expect(`${err.stack}`).not.toContain(decodeURIComponent(SIG));
  });
});

describe('resolveContainer', () => {
  const fromCs = parseConnectionString(`BlobEndpoint=http://127.0.0.1:1/devstoreaccount1;SharedAccessSignature=${SAS}`);
  const fromUrl = parseConnectionString(`https://acct.blob.core.windows.net/images?${SAS}`);

  it('takes the setting, or the SAS URL container when the setting is empty', () => {
    expect(resolveContainer(fromCs, 'images')).toBe('images');
    expect(resolveContainer(fromUrl, '')).toBe('images');
    expect(resolveContainer(fromUrl, 'images')).toBe('images');
  });

  it('refuses a missing, invalid or contradicting container', () => {
    expect(() => resolveContainer(fromCs, null)).toThrow(/Enter the container name/);
    expect(() => resolveContainer(fromCs, 'Bad')).toThrow(/lower-case/);
    expect(() => resolveContainer(fromUrl, 'other')).toThrow(/for the container "images", not "other"/);
  });
});

describe('URLs', () => {
  const p = parseConnectionString(`BlobEndpoint=http://127.0.0.1:1/devstoreaccount1/;SharedAccessSignature=${SAS}`);

  it('builds the SDK URL with the SAS, and a safe one without it', () => {
    expect(containerUrlWithSas(p, 'images')).toBe(`http://127.0.0.1:1/devstoreaccount1/images?${SAS}`);
    expect(safeEndpoint(p, 'images')).toBe('http://127.0.0.1:1/devstoreaccount1/images');
  });
});

describe('scrubSecrets', () => {
  it('removes signatures, account keys and bearer tokens from foreign text', () => {
    const text = `PUT https://a.blob.core.windows.net/c/b.jpg?sv=1&sig=${SIG}&se=x failed; SharedAccessSignature=sv=1&sig=abc; AccountKey=KEY==; Authorization: Bearer tok.en-123`;
    const out = scrubSecrets(text);
    expect(out).not.toContain(SIG);
    expect(out).not.toContain('KEY==');
    expect(out).not.toContain('tok.en-123');
    expect(out).toContain('sig=[redacted]');
    expect(out).toContain('Bearer [redacted]');
    expect(out).toContain('https://a.blob.core.windows.net/c/b.jpg');
  });
});
