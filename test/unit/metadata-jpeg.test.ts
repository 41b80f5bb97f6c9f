import { describe, expect, it } from 'vitest';
import sharp from 'sharp';
import { isJpegComplete, readJpegFrameHeader } from '../../src/main/core/metadata/jpeg.ts';

const photo = (exif?: Record<string, Record<string, string>>) => {
  const img = sharp({ create: { width: 120, height: 80, channels: 3, background: '#000', noise: { type: 'gaussian', mean: 128, sigma: 40 } } }).jpeg();
  return (exif ? img.withExif(exif) : img).toBuffer();
};

describe('isJpegComplete', () => {
  it('is true for a whole JPEG, also with trailing zero padding', async () => {
    const jpeg = await photo();
    expect(isJpegComplete(jpeg)).toBe(true);
    expect(isJpegComplete(Buffer.concat([jpeg, Buffer.alloc(512)]))).toBe(true);
  });

  it('is false for every cut of the file', async () => {
    const jpeg = await photo({ IFD0: { Make: 'Topcon' } });
    for (let cut = 0; cut < jpeg.length; cut += 7) expect(isJpegComplete(jpeg.subarray(0, cut))).toBe(false);
    expect(isJpegComplete(jpeg.subarray(0, jpeg.length - 1))).toBe(false);
  });

  it('is not fooled by an embedded thumbnail EOI when the file is cut right after it', async () => {
    const jpeg = await photo();
    // A header segment that holds a whole little JPEG (as EXIF thumbnails do), then cut after its EOI.
    const thumbnail = await sharp({ create: { width: 8, height: 8, channels: 3, background: '#fff' } }).jpeg().toBuffer();
    const payload = Buffer.concat([Buffer.from('Exif\0\0', 'latin1'), thumbnail]);
    const app1 = Buffer.concat([Buffer.from([0xff, 0xe1]), Buffer.from([(payload.length + 2) >> 8, (payload.length + 2) & 0xff]), payload]);
    const withThumb = Buffer.concat([jpeg.subarray(0, 2), app1, jpeg.subarray(2)]);
    expect(isJpegComplete(withThumb)).toBe(true);
    expect(isJpegComplete(withThumb.subarray(0, 2 + app1.length))).toBe(false);
    expect(isJpegComplete(withThumb.subarray(0, 2 + app1.length - 1))).toBe(false);
  });

  it('is false for things that are not JPEGs', () => {
    expect(isJpegComplete(Buffer.from('hello\xff\xd9', 'latin1'))).toBe(false);
    expect(isJpegComplete(Buffer.alloc(0))).toBe(false);
  });
});

describe('readJpegFrameHeader', () => {
  it('reads size, precision and components', async () => {
    expect(readJpegFrameHeader(await photo())).toMatchObject({ sofMarker: 0xc0, precision: 8, width: 120, height: 80, componentIds: [1, 2, 3] });
    const grey = await sharp({ create: { width: 10, height: 6, channels: 3, background: '#888' } }).toColourspace('b-w').jpeg().toBuffer();
    expect(readJpegFrameHeader(grey)?.componentIds).toHaveLength(1);
    expect(readJpegFrameHeader(Buffer.from('nope'))).toBeNull();
  });
});
