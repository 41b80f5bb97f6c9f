import { describe, expect, it } from 'vitest';
import {
  BlobMetadataError,
  METADATA_MAX_BYTES,
  blobNameFor,
  buildBlobMetadata,
  contentTypeFor,
  decodeMetadataValue,
  encodeMetadataValue,
  metadataSize,
  type BlobMetadataInput,
} from '../../src/main/core/sync/blob-metadata.ts';

const SHA = 'AB'.repeat(32);
const IMAGE_ID = '0190F3A2-7C1E-7B3D-9A4B-1C2D3E4F5A6B';
const base: BlobMetadataInput = {
  workflow: 'image-first',
  localId: IMAGE_ID.toLowerCase(),
  stationId: 'station-1',
  sha256: SHA,
  laterality: 'OD',
  taken: '2022-01-01T17:42:18.693+01:00',
  orderId: 'ORD-1234',
  accessionNumber: 'ACC 55',
  siteId: 'PC1234',
  patientId: 'PAT-9',
};

describe('buildBlobMetadata', () => {
  it('gives the expected fields with valid names and ASCII values', () => {
    const md = buildBlobMetadata(base);
    expect(md).toEqual({
      localid: IMAGE_ID.toLowerCase(),
      orderid: 'ORD-1234',
      accessionnumber: 'ACC 55',
      laterality: 'OD',
      taken: '2022-01-01T17:42:18.693+01:00',
      stationid: 'station-1',
      siteid: 'PC1234',
      sha256: SHA.toLowerCase(),
    });
    for (const [k, v] of Object.entries(md)) {
      expect(k).toMatch(/^[a-z_][a-z0-9_]*$/);
      expect(v).toMatch(/^[\x20-\x7e]+$/);
    }
  });

  it('keeps patient data off the blob in image-first, and puts the patient id on it in order-first', () => {
    expect(buildBlobMetadata(base)).not.toHaveProperty('patientid');
    expect(buildBlobMetadata({ ...base, workflow: 'order-first' }).patientid).toBe('PAT-9');
  });

  it('refuses order-first without a patient id (the platform could not place the image)', () => {
    expect(() => buildBlobMetadata({ ...base, workflow: 'order-first', patientId: null })).toThrow(/patient id/);
  });

  it('leaves out empty fields and checks the SHA-256', () => {
    const md = buildBlobMetadata({ ...base, orderId: null, accessionNumber: '', laterality: undefined, taken: null });
    expect(Object.keys(md).sort()).toEqual(['localid', 'sha256', 'siteid', 'stationid']);
    expect(() => buildBlobMetadata({ ...base, sha256: 'xyz' })).toThrow(/64 hex/);
    expect(() => buildBlobMetadata({ ...base, localId: '' })).toThrow(BlobMetadataError);
  });

  it('encodes non-ASCII values so they decode back exactly', () => {
    const md = buildBlobMetadata({ ...base, workflow: 'order-first', patientId: 'Müller-Ø 100% ✓', accessionNumber: ' lead & trail ' });
    expect(md.patientid).toBe('M%C3%BCller-%C3%98 100%25 %E2%9C%93');
    expect(decodeMetadataValue(md.patientid!)).toBe('Müller-Ø 100% ✓');
    expect(md.accessionnumber).toBe('%20lead & trail%20'); // HTTP would trim the edges
    expect(decodeMetadataValue(md.accessionnumber!)).toBe(' lead & trail ');
  });

  it('refuses metadata over 8 KiB, naming fields but never their values', () => {
    const secret = 'Z'.repeat(METADATA_MAX_BYTES);
    let err: Error | null = null;
    try {
      buildBlobMetadata({ ...base, workflow: 'order-first', patientId: secret });
    } catch (e) {
      err = e as Error;
    }
    expect(err).toBeInstanceOf(BlobMetadataError);
    expect(err!.message).toMatch(/Azure allows at most 8192.*patientid \(8192 bytes\)/);
    expect(err!.message).not.toContain('ZZZZ');
    // Just under the limit is fine.
    const md = buildBlobMetadata({ ...base, orderId: 'O'.repeat(METADATA_MAX_BYTES - metadataSize(buildBlobMetadata({ ...base, orderId: null })) - 'orderid'.length) });
    expect(metadataSize(md)).toBe(METADATA_MAX_BYTES);
  });
});

describe('encodeMetadataValue', () => {
  it('is the identity on plain printable ASCII, so plain values need no decoding', () => {
    const plain = 'ORD-1234/5 (x)+y:z';
    expect(encodeMetadataValue(plain)).toBe(plain);
    expect(decodeMetadataValue(plain)).toBe(plain);
  });

  it('encodes control characters, % and lone surrogates without throwing', () => {
    expect(encodeMetadataValue('a\tb\nc%')).toBe('a%09b%0Ac%25');
    expect(decodeMetadataValue(encodeMetadataValue('x\uD800y'))).toBe('x\uFFFDy');
  });
});

describe('blobNameFor', () => {
  it('is <uuid>.<ext>, lower case, deterministic', () => {
    expect(blobNameFor(IMAGE_ID, 'jpg')).toBe(`${IMAGE_ID.toLowerCase()}.jpg`);
    expect(blobNameFor(IMAGE_ID, '.JPEG')).toBe(`${IMAGE_ID.toLowerCase()}.jpg`);
    expect(blobNameFor(IMAGE_ID, 'dcm')).toBe(`${IMAGE_ID.toLowerCase()}.dcm`);
    expect(blobNameFor(IMAGE_ID, 'dcm')).toBe(blobNameFor(IMAGE_ID.toLowerCase(), 'dcm'));
  });

  it('accepts nothing but a UUID, so no patient data can reach a name', () => {
    expect(() => blobNameFor('12345_OD_1', 'jpg')).toThrow(/UUID only/);
    expect(() => blobNameFor(`${IMAGE_ID}/../x`, 'jpg')).toThrow(/UUID only/);
    expect(() => blobNameFor(IMAGE_ID, 'png')).toThrow(/\.jpg or \.dcm/);
  });

  it('maps the extension to a content type', () => {
    expect(contentTypeFor('a.jpg')).toBe('image/jpeg');
    expect(contentTypeFor('a.dcm')).toBe('application/dicom');
    expect(contentTypeFor('a.bin')).toBe('application/octet-stream');
  });
});
