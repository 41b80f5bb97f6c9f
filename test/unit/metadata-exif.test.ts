import { describe, expect, it } from 'vitest';
import sharp from 'sharp';
import { exifTagsToFacts, readExifFacts, userComment } from '../../src/main/core/metadata/exif.ts';
import { lateralityFromText } from '../../src/main/core/metadata/laterality.ts';

type Exif = Record<string, Record<string, string>>;

async function jpegWith(exif: Exif, xmp?: string): Promise<Buffer> {
  let img = sharp({ create: { width: 64, height: 48, channels: 3, background: '#a04020' } }).jpeg().withExif(exif);
  if (xmp) img = img.withXmp(xmp);
  return img.toBuffer();
}

const xmpPacket = (description: string, dateTimeOriginal?: string): string =>
  `<?xpacket begin="" id="W5M0MpCehiHzreSzNTczkc9d"?><x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">` +
  `<rdf:Description rdf:about="" xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:exif="http://ns.adobe.com/exif/1.0/"` +
  (dateTimeOriginal ? ` exif:DateTimeOriginal="${dateTimeOriginal}"` : '') +
  `><dc:description><rdf:Alt><rdf:li xml:lang="x-default">${description}</rdf:li></rdf:Alt></dc:description></rdf:Description></rdf:RDF></x:xmpmeta><?xpacket end="w"?>`;

describe('readExifFacts', () => {
  it('maps camera, serial, time with offset and sub-seconds, and pixel size', async () => {
    const jpeg = await jpegWith({
      IFD0: { Make: 'Topcon', Model: 'TRC-NW400' },
      IFD2: { DateTimeOriginal: '2024:03:05 09:15:30', OffsetTimeOriginal: '+02:00', SubSecTimeOriginal: '25', BodySerialNumber: 'SN-123' },
    });
    expect(await readExifFacts(jpeg)).toMatchObject({
      make: 'Topcon',
      model: 'TRC-NW400',
      serial: 'SN-123',
      takenAt: '2024-03-05T07:15:30.250Z',
      takenOffset: '+02:00',
      width: 64,
      height: 48,
      laterality: null,
      lateralitySource: null,
    });
  });

  it('takes a time without an offset as local time of this machine', async () => {
    const facts = await readExifFacts(await jpegWith({ IFD2: { DateTimeOriginal: '2024:03:05 09:15:30' } }));
    expect(facts.takenAt).toBe(new Date(2024, 2, 5, 9, 15, 30).toISOString());
    expect(facts.takenOffset).toBeNull();
  });

  it('reads laterality from ImageDescription, UserComment and XMP when it names one eye', async () => {
    const fromDescription = await readExifFacts(await jpegWith({ IFD0: { ImageDescription: 'Fundus OD macula' } }));
    expect(fromDescription).toMatchObject({ laterality: 'OD', lateralitySource: 'exif' });
    const fromComment = await readExifFacts(await jpegWith({ IFD2: { UserComment: 'left eye, disc centred' } }));
    expect(fromComment).toMatchObject({ laterality: 'OS', lateralitySource: 'exif' });
    const fromXmp = await readExifFacts(await jpegWith({ IFD0: { Make: 'Optomed' } }, xmpPacket('Right eye')));
    expect(fromXmp).toMatchObject({ laterality: 'OD', lateralitySource: 'exif' });
  });

  it('does not guess laterality from ambiguous words', async () => {
    const both = await readExifFacts(await jpegWith({ IFD0: { ImageDescription: 'OD' } }, xmpPacket('OS')));
    expect(both.laterality).toBeNull();
    const words = await readExifFacts(await jpegWith({ IFD0: { ImageDescription: 'RIGHT-EXIF-Description, Mac OSX, os meus olhos' } }));
    expect(words.laterality).toBeNull();
  });

  it('completes an offset-less EXIF time with the offset of the XMP copy of the same moment', async () => {
    const jpeg = await jpegWith({ IFD2: { DateTimeOriginal: '2007:08:15 10:13:13' } }, xmpPacket('x', '2007-08-15T10:13:13+01:00'));
    expect(await readExifFacts(jpeg)).toMatchObject({ takenAt: '2007-08-15T09:13:13.000Z', takenOffset: '+01:00' });
  });

  it('reads PNG metadata too', async () => {
    const png = await sharp({ create: { width: 30, height: 20, channels: 3, background: '#a04020' } })
      .png()
      .withExif({ IFD0: { Make: 'Remidio', ImageDescription: 'left eye' } })
      .toBuffer();
    expect(await readExifFacts(png)).toMatchObject({ make: 'Remidio', laterality: 'OS', width: 30, height: 20 });
  });

  it('never throws: no EXIF, damaged EXIF and a cut file give nulls', async () => {
    const plain = await sharp({ create: { width: 40, height: 30, channels: 3, background: '#204080' } }).jpeg().toBuffer();
    expect(await readExifFacts(plain)).toMatchObject({ make: null, takenAt: null, serial: null, width: 40, height: 30 });

    // An APP1 "Exif" segment whose IFD offset points far outside the segment.
    const tiff = Buffer.from('II*\0\xff\xff\xff\x7f', 'latin1');
    const payload = Buffer.concat([Buffer.from('Exif\0\0', 'latin1'), tiff, Buffer.alloc(16, 0xee)]);
    const app1 = Buffer.concat([Buffer.from([0xff, 0xe1, 0, payload.length + 2]), payload]);
    const damaged = Buffer.concat([plain.subarray(0, 2), app1, plain.subarray(2)]);
    expect(await readExifFacts(damaged)).toMatchObject({ make: null, takenAt: null, width: 40, height: 30 });

    const withExif = await jpegWith({ IFD0: { Make: 'Topcon' } });
    await expect(readExifFacts(withExif.subarray(0, 30))).resolves.toMatchObject({ takenAt: null });
  });
});

describe('EXIF text fields', () => {
  it('decodes UserComment in ASCII and UNICODE (either byte order)', () => {
    const ascii = Buffer.concat([Buffer.from('ASCII\0\0\0', 'latin1'), Buffer.from('OS image')]);
    expect(userComment(new Uint8Array(ascii))).toBe('OS image');
    const le = Buffer.concat([Buffer.from('UNICODE\0', 'latin1'), Buffer.from('right eye', 'utf16le')]);
    expect(userComment(new Uint8Array(le))).toBe('right eye');
    const be = Buffer.concat([Buffer.from('UNICODE\0', 'latin1'), Buffer.from('right eye', 'utf16le').swap16()]);
    expect(userComment(new Uint8Array(be))).toBe('right eye');
  });

  it('reads Windows XP tags and falls back to XMP serial numbers', () => {
    const facts = exifTagsToFacts({
      XPComment: new Uint8Array(Buffer.from('Left eye\0', 'utf16le')),
      xmp: '<x:xmpmeta><rdf:Description aux:SerialNumber="1030712320"/></x:xmpmeta>',
    });
    expect(facts).toMatchObject({ laterality: 'OS', serial: '1030712320' });
  });

  it('finds whole words only', () => {
    expect(lateralityFromText(['img_OD_1'])).toBe('OD');
    expect(lateralityFromText(['GOOD', 'PHOTOS', 'OD2'])).toBeNull();
    expect(lateralityFromText(['Oculus Sinister'])).toBe('OS');
    expect(lateralityFromText(['OU'])).toBeNull();
  });
});
