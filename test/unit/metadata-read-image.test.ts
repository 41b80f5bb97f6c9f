import { describe, expect, it } from 'vitest';
import sharp from 'sharp';
import type { FileNameRule } from '../../src/shared/domain.ts';
import { readImage, UnreadableFileError } from '../../src/main/core/metadata/index.ts';
import { writeTestDicom } from '../fixtures/dicom.ts';

const siteRule: FileNameRule = { id: 'site', name: 'Site', pattern: '^(?<patientId>\\d+)_(?<eye>OD|OS)_(?<field>\\d+)' };
const accessionRule: FileNameRule = { id: 'acc', name: 'Accession', pattern: '^(?<accession>A\\d+)_(?<patientId>\\w+)' };

async function rejection(bytes: Buffer, name: string): Promise<UnreadableFileError> {
  const err = await readImage(bytes, name, [siteRule]).then(
    () => null,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(UnreadableFileError);
  return err as UnreadableFileError;
}

const jpeg = (exif?: Record<string, Record<string, string>>) => {
  const img = sharp({ create: { width: 48, height: 32, channels: 3, background: '#b04a20' } }).jpeg();
  return (exif ? img.withExif(exif) : img).toBuffer();
};

describe('readImage: files it cannot take in', () => {
  it('says an empty file is empty', async () => {
    expect((await rejection(Buffer.alloc(0), '12345_OD_1.jpg')).code).toBe('empty-file');
  });

  it('says a text file named .jpg is not a picture, without naming the file', async () => {
    const err = await rejection(Buffer.from('this is a text file, not a photo\n'), '12345_OD_1.jpg');
    expect(err.code).toBe('not-an-image');
    expect(err.message).toMatch(/\.jpg/);
    expect(err.message).not.toMatch(/12345/); // file names can carry patient identifiers
  });

  it('says an unknown format is not one the station reads', async () => {
    const err = await rejection(Buffer.from('GIF89a\x01\0\x01\0\0\0\0', 'latin1'), 'scan.gif');
    expect(err.code).toBe('not-an-image');
    expect(err.message).toMatch(/JPEG, PNG, TIFF or DICOM/);
  });

  it('says a cut DICOM file is incomplete', async () => {
    const file = writeTestDicom({ jpegFrame: await jpeg() });
    const err = await rejection(file.subarray(0, file.length - 20), 'exam.dcm');
    expect(err.code).toBe('corrupt-dicom');
    expect(err.truncated).toBe(true);
  });
});

describe('readImage: facts and preview', () => {
  it('gives a JPEG as encoded bytes, with the file-name rule filling in what EXIF lacks', async () => {
    const bytes = await jpeg({ IFD0: { Make: 'Topcon' } });
    const { facts, preview } = await readImage(bytes, '12345_OD_2.jpg', [siteRule]);
    expect(preview).toEqual({ kind: 'encoded', bytes });
    expect(facts).toMatchObject({
      format: 'jpeg',
      make: 'Topcon',
      patientId: '12345',
      laterality: 'OD',
      lateralitySource: 'filename',
      field: '2',
      width: 48,
      height: 32,
    });
  });

  it('lets metadata win over the file name', async () => {
    const bytes = await jpeg({ IFD0: { ImageDescription: 'left eye' } });
    const { facts } = await readImage(bytes, '12345_OD_2.jpg', [siteRule]);
    expect(facts).toMatchObject({ laterality: 'OS', lateralitySource: 'exif', patientId: '12345' });

    const dicom = writeTestDicom({ raw: { data: Buffer.alloc(12, 5), width: 4, height: 3, channels: 1 }, patientId: 'FROM-DICOM', laterality: 'R' });
    const fromDicom = await readImage(dicom, 'A777_OTHER.dcm', [accessionRule]);
    expect(fromDicom.facts).toMatchObject({
      patientId: 'FROM-DICOM',
      accessionNumber: 'A777', // the DICOM's own Accession Number is empty
      laterality: 'OD',
      lateralitySource: 'dicom-image',
    });
    expect(fromDicom.preview).toMatchObject({ kind: 'raw', width: 4, height: 3, channels: 1 });
  });

  it('gives a JPEG without metadata all-null facts but its size', async () => {
    const { facts } = await readImage(await jpeg(), 'IMG_0001.JPG', [siteRule]);
    expect(facts).toMatchObject({ format: 'jpeg', patientId: null, laterality: null, takenAt: null, width: 48, height: 32 });
  });
});
