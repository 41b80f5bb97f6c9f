// The metadata stage over the real sample files in ../shared/data (read in place).
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { decodeReduced } from '../../src/main/core/imaging/decode.ts';
import { parseDicom } from '../../src/main/core/metadata/dicom.ts';
import { readImage, UnreadableFileError } from '../../src/main/core/metadata/index.ts';
import { sniffFormat } from '../../src/main/core/metadata/sniff.ts';
import { hasSharedData, sharedDataSkipReason, sharedPath } from '../fixtures/shared-data.ts';

const filesUnder = (dir: string): string[] =>
  readdirSync(dir).flatMap((name) => {
    const full = path.join(dir, name);
    return statSync(full).isDirectory() ? filesUnder(full) : [full];
  });

const dicom = (name: string): Buffer => readFileSync(sharedPath('dicom', name));

async function rgbPixels(input: Buffer): Promise<Buffer> {
  return sharp(input).removeAlpha().toColourspace('srgb').raw().toBuffer();
}

function meanAbsDiff(a: Buffer, b: Buffer): number {
  expect(a.length).toBe(b.length);
  let sum = 0;
  for (let i = 0; i < a.length; i++) sum += Math.abs(a[i]! - b[i]!);
  return sum / a.length;
}

describe.skipIf(!hasSharedData)(`metadata: real EXIF files${hasSharedData ? '' : ` (skipped: ${sharedDataSkipReason})`}`, () => {
  it('reads every camera JPEG without throwing, broken metadata included', async () => {
    const files = hasSharedData ? filesUnder(sharedPath('exif')).filter((f) => /\.jpe?g$/i.test(f)) : [];
    expect(files.length).toBeGreaterThanOrEqual(58);
    for (const file of files) {
      const { facts, preview } = await readImage(readFileSync(file), path.basename(file), []);
      expect(facts.format, file).toBe('jpeg');
      expect(preview.kind, file).toBe('encoded');
      expect(facts.width, file).toBeGreaterThan(0);
    }
  });

  it('maps camera, serial and time from real EXIF', async () => {
    const read = async (rel: string) => (await readImage(readFileSync(sharedPath('exif', rel)), 'x.jpg', [])).facts;
    expect(await read('exifr/canon-dslr.jpg')).toMatchObject({ make: 'Canon', model: 'Canon EOS 1300D', serial: '223073000724', width: 5184, height: 3456 });
    // Pixel 8 Pro writes OffsetTimeOriginal and sub-seconds.
    expect(await read('exiftool/Google.jpg')).toMatchObject({ takenAt: '2023-10-06T20:53:51.724Z', takenOffset: '+02:00' });
    // ExifTool's test images keep the camera's EXIF size (4032x3024) over an 8x8 picture: the picture wins.
    expect(await read('exiftool/Apple.jpg')).toMatchObject({ make: 'Apple', width: 8, height: 8 });
    const broken = await read('exifr/broken1.jpg');
    expect(broken).toMatchObject({ make: 'Canon', model: 'Canon EOS 30D', width: 600, height: 900 });
    expect(broken.takenAt).toBe('2007-08-15T09:13:13.000Z'); // EXIF time, offset from its XMP copy
    expect(await read('exifr/noexif.jpg')).toMatchObject({ make: null, takenAt: null, laterality: null, width: 250, height: 188 });
  });
});

// Which real DICOM samples give a preview, and which give a reason instead. JPEG 2000, JPEG-LS,
// RLE and lossless JPEG are one compressed frame for the codec worker (issue 13 item 4).
const EXPECTED_PREVIEW: Record<string, 'encoded' | 'raw' | 'frame' | RegExp> = {
  'orthanc_ts_1.2.840.10008.1.2.4.50.dcm': 'encoded',
  'orthanc_Issue16_US_multiframe_jpeg.dcm': 'encoded',
  'orthanc_Issue164_US_multiframe_jpeg.dcm': 'encoded',
  'orthanc_Issue44_CR_monochrome1_jpeg.dcm': 'encoded',
  'pydicom_SC_rgb_jpeg_dcmtk.dcm': 'encoded',
  'pydicom_SC_rgb_dcmtk_+eb+cr.dcm': 'encoded',
  'pydicom_SC_rgb_dcmtk_+eb+cy+n1.dcm': 'encoded',
  'pydicom_SC_rgb_dcmtk_+eb+cy+np.dcm': 'encoded',
  'pydicom_SC_rgb_dcmtk_+eb+cy+s2.dcm': 'encoded',
  'pydicom_SC_rgb_jpeg_lossy_gdcm.dcm': 'encoded',
  'pydicom_SC_rgb_small_odd_jpeg.dcm': 'encoded',
  'orthanc_ts_1.2.840.10008.1.2.dcm': 'raw',
  'orthanc_ts_1.2.840.10008.1.2.1.dcm': 'raw',
  'orthanc_ts_1.2.840.10008.1.2.1.99.dcm': 'raw',
  'orthanc_ts_1.2.840.10008.1.2.2.dcm': 'raw',
  'orthanc_ts_1.2.840.10008.1.2.4.51.dcm': /12-bit JPEG/,
  'orthanc_ts_1.2.840.10008.1.2.4.57.dcm': 'frame',
  'orthanc_ts_1.2.840.10008.1.2.4.70.dcm': 'frame',
  'orthanc_ts_1.2.840.10008.1.2.4.80.dcm': 'frame',
  'orthanc_ts_1.2.840.10008.1.2.4.81.dcm': 'frame',
  'orthanc_ts_1.2.840.10008.1.2.4.90.dcm': 'frame',
  'orthanc_ts_1.2.840.10008.1.2.4.91.dcm': 'frame',
  'orthanc_ts_1.2.840.10008.1.2.5.dcm': 'frame',
  'wg04_VL4_J2KI_fundoscopy.dcm': 'frame',
};

describe.skipIf(!hasSharedData)(`metadata: real DICOM files${hasSharedData ? '' : ` (skipped: ${sharedDataSkipReason})`}`, () => {
  it('gives every sample either a preview that decodes or a plain reason', async () => {
    const names = hasSharedData ? readdirSync(sharedPath('dicom')).filter((n) => n.endsWith('.dcm')) : [];
    expect(names.sort()).toEqual(Object.keys(EXPECTED_PREVIEW).sort());
    for (const name of names) {
      const { facts, preview } = await readImage(dicom(name), name, []);
      const expected = EXPECTED_PREVIEW[name]!;
      expect(facts.format, name).toBe('dicom');
      expect(facts.sopUid, name).toBeTruthy();
      if (expected instanceof RegExp) {
        expect(preview.kind, name).toBe('none');
        if (preview.kind === 'none') {
          expect(preview.reason, name).toMatch(expected);
          expect(preview.reason, name).toMatch(/^No preview: .* The file is kept and will be sent as it is\.$/);
        }
      } else {
        expect(preview.kind, name).toBe(expected);
        if (preview.kind !== 'none') {
          const decoded = await decodeReduced(preview, 128);
          expect(Math.max(decoded.width, decoded.height), name).toBeGreaterThan(0);
        }
      }
    }
  });

  it('draws the JPEG Baseline sample like its reference PNG', async () => {
    const { preview } = await readImage(dicom('orthanc_ts_1.2.840.10008.1.2.4.50.dcm'), 'a.dcm', []);
    expect(preview.kind).toBe('encoded');
    if (preview.kind !== 'encoded') return;
    const ours = await rgbPixels(preview.bytes);
    const reference = await rgbPixels(dicom('orthanc_ts_1.2.840.10008.1.2.4.50.reference.png'));
    expect(meanAbsDiff(ours, reference)).toBeLessThan(3);
  });

  it('gets the colours of every JPEG colour variant right, RGB without colour transform included', async () => {
    const variants = [
      'pydicom_SC_rgb_jpeg_dcmtk.dcm',
      'pydicom_SC_rgb_dcmtk_+eb+cr.dcm',
      'pydicom_SC_rgb_dcmtk_+eb+cy+np.dcm',
      'pydicom_SC_rgb_dcmtk_+eb+cy+s2.dcm',
      'pydicom_SC_rgb_jpeg_lossy_gdcm.dcm',
    ];
    const framePixels = async (name: string) => {
      const { preview } = await readImage(dicom(name), name, []);
      if (preview.kind !== 'encoded') throw new Error(`${name}: no JPEG frame`);
      return rgbPixels(preview.bytes);
    };
    const reference = await framePixels('pydicom_SC_rgb_dcmtk_+eb+cy+n1.dcm');
    // The test pattern's top band is pure red (row 5 of 100x100).
    const at = (5 * 100 + 50) * 3;
    expect([reference[at]! > 220, reference[at + 1]! < 40, reference[at + 2]! < 40]).toEqual([true, true, true]);
    for (const name of variants) expect(meanAbsDiff(await framePixels(name), reference), name).toBeLessThan(5);
  });

  it('marks MONOCHROME1 JPEGs for inversion and takes frame 1 of multi-frame files', async () => {
    const mono1 = await readImage(dicom('orthanc_Issue44_CR_monochrome1_jpeg.dcm'), 'cr.dcm', []);
    expect(mono1.preview).toMatchObject({ kind: 'encoded', invert: true });
    for (const [name, width, height] of [
      ['orthanc_Issue16_US_multiframe_jpeg.dcm', 480, 430],
      ['orthanc_Issue164_US_multiframe_jpeg.dcm', 975, 743],
    ] as const) {
      const { preview } = await readImage(dicom(name), name, []);
      if (preview.kind !== 'encoded') throw new Error(`${name}: no JPEG frame`);
      const meta = await sharp(preview.bytes).metadata();
      expect([meta.width, meta.height], name).toEqual([width, height]);
      // One frame, not all of them: far smaller than the file.
      expect(preview.bytes.length, name).toBeLessThan(dicom(name).length / 10);
    }
  });

  it('parses the file without preamble or file meta', () => {
    const bytes = dicom('orthanc_ts_1.2.840.10008.1.2.dcm');
    expect(sniffFormat(bytes)).toBe('dicom-raw');
    expect(parseDicom(bytes).facts).toMatchObject({
      modality: 'MR',
      make: 'SIEMENS',
      model: 'MAGNETOM VISION',
      transferSyntaxUid: '1.2.840.10008.1.2',
      width: 256,
      height: 256,
      takenAt: new Date(1994, 5, 13, 15, 32, 27, 730).toISOString(), // "1994.06.13" + "15:32:27.730000", no offset
    });
  });

  it('decodes Latin-1 (ISO_IR 100) names', () => {
    // A worklist entry is not an image, but it is a DICOM data set with a Latin-1 name in it
    // ("VANILL\xC9^LAURA^^^Mme": Mme sits in the suffix position).
    const wl = readFileSync(sharedPath('dicom', 'worklist', 'orthanc_issue49-latin1.wl'));
    expect(parseDicom(wl).facts).toMatchObject({ patientName: 'VANILLÉ, LAURA Mme', birthDate: '1952-11-03', sex: 'F' });
  });

  it('refuses a worklist file as not an image', async () => {
    const wl = readFileSync(sharedPath('dicom', 'worklist', 'orthanc_issue49-latin1.wl'));
    await expect(readImage(wl, 'entry.wl', [])).rejects.toMatchObject({ code: 'not-an-image' });
  });

  it('throws for real files cut short, deflated and without preamble included', () => {
    for (const name of ['orthanc_ts_1.2.840.10008.1.2.4.50.dcm', 'orthanc_ts_1.2.840.10008.1.2.1.99.dcm', 'orthanc_ts_1.2.840.10008.1.2.dcm', 'orthanc_Issue16_US_multiframe_jpeg.dcm']) {
      const bytes = dicom(name);
      expect(() => parseDicom(bytes), name).not.toThrow();
      for (const fraction of [0.001, 0.01, 0.3, 0.7, 0.999]) {
        const cut = bytes.subarray(0, Math.floor(bytes.length * fraction));
        expect(() => parseDicom(cut), `${name} cut to ${cut.length}`).toThrow(UnreadableFileError);
      }
    }
  });
});
