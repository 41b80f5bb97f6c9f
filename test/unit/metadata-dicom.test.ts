import { describe, expect, it } from 'vitest';
import sharp from 'sharp';
import { parseDicom } from '../../src/main/core/metadata/dicom.ts';
import { dicomPreview, encodingName, firstFrame } from '../../src/main/core/metadata/dicom-preview.ts';
import { UnreadableFileError } from '../../src/main/core/metadata/errors.ts';
import { sniffFormat } from '../../src/main/core/metadata/sniff.ts';
import { OP_8BIT_SOP_CLASS, TS_EXPLICIT_LE, TS_IMPLICIT_LE, TS_JPEG_BASELINE, writeTestDicom } from '../fixtures/dicom.ts';

const noiseJpeg = (width: number, height: number, mean = 128) =>
  sharp({ create: { width, height, channels: 3, background: '#000', noise: { type: 'gaussian', mean, sigma: 50 } } }).jpeg({ quality: 90 }).toBuffer();

const rgbRamp = (width: number, height: number): Buffer => {
  const data = Buffer.alloc(width * height * 3);
  for (let i = 0; i < width * height; i++) data.set([i % 256, (i * 3) % 256, 255 - (i % 256)], i * 3);
  return data;
};

function expectCorrupt(bytes: Buffer): UnreadableFileError {
  try {
    parseDicom(bytes);
  } catch (err) {
    expect(err).toBeInstanceOf(UnreadableFileError);
    expect((err as UnreadableFileError).code).toBe('corrupt-dicom');
    return err as UnreadableFileError;
  }
  throw new Error(`a file cut to ${bytes.length} bytes parsed as complete`);
}

describe('writeTestDicom + parseDicom round trip', () => {
  it('writes a JPEG Baseline OP object whose facts and frame come back', async () => {
    const jpeg = await noiseJpeg(300, 200);
    const file = writeTestDicom({
      jpegFrame: jpeg,
      patientId: 'P-42',
      patientName: 'Doe^Jane^Q^Dr',
      accessionNumber: 'ACC-7',
      laterality: 'R',
      acquisitionDateTime: '20240305091530',
      extra: { TimezoneOffsetFromUTC: '+0200', PatientBirthDate: '19600102', PatientSex: 'F', PixelSpacing: [0.01, 0.012] },
    });
    expect(sniffFormat(file)).toBe('dicom');
    const parsed = parseDicom(file);
    expect(parsed.facts).toMatchObject({
      format: 'dicom',
      patientId: 'P-42',
      patientName: 'Doe, Dr Jane Q',
      birthDate: '1960-01-02',
      sex: 'F',
      accessionNumber: 'ACC-7',
      laterality: 'OD',
      lateralitySource: 'dicom-image',
      takenAt: '2024-03-05T07:15:30.000Z',
      takenOffset: '+02:00',
      modality: 'OP',
      sopClassUid: OP_8BIT_SOP_CLASS,
      transferSyntaxUid: TS_JPEG_BASELINE,
      make: 'Capture Station test fixture',
      serial: 'FIXTURE-1',
      width: 300,
      height: 200,
      pixelSpacingMm: [0.01, 0.012],
    });
    expect(parsed.facts.sopUid).toMatch(/^2\.25\.\d+$/);
    const preview = dicomPreview(parsed);
    expect(preview.kind).toBe('encoded');
    if (preview.kind !== 'encoded') return;
    // The frame is the JPEG itself (dcmjs pads an odd-length frame with one byte).
    expect(preview.bytes.subarray(0, jpeg.length).equals(jpeg)).toBe(true);
    expect(preview.bytes.length - jpeg.length).toBeLessThanOrEqual(1);
    expect(preview.invert).toBeUndefined();
  });

  it('writes uncompressed RGB and greyscale that come back as the same raw pixels', () => {
    const rgb = rgbRamp(20, 10);
    const colour = parseDicom(writeTestDicom({ raw: { data: rgb, width: 20, height: 10, channels: 3 } }));
    expect(colour.facts.transferSyntaxUid).toBe(TS_EXPLICIT_LE);
    expect(dicomPreview(colour)).toEqual({ kind: 'raw', data: rgb, width: 20, height: 10, channels: 3 });

    const grey = Buffer.from(Array.from({ length: 35 }, (_, i) => i * 7));
    const mono = parseDicom(writeTestDicom({ raw: { data: grey, width: 7, height: 5, channels: 1 } }));
    expect(dicomPreview(mono)).toMatchObject({ kind: 'raw', data: grey, width: 7, height: 5, channels: 1 });
  });

  it('reads a bare implicit-VR data set with no preamble and no file meta', () => {
    const file = writeTestDicom({ preamble: false, patientId: 'BARE-1', raw: { data: Buffer.alloc(12, 9), width: 4, height: 3, channels: 1 } });
    expect(file.toString('latin1', 128, 132)).not.toBe('DICM');
    expect(sniffFormat(file)).toBe('dicom-raw');
    const parsed = parseDicom(file);
    expect(parsed.facts).toMatchObject({ patientId: 'BARE-1', transferSyntaxUid: TS_IMPLICIT_LE, width: 4, height: 3 });
    expect(dicomPreview(parsed)).toMatchObject({ kind: 'raw', width: 4, height: 3 });
  });

  it('decodes Latin-1 (ISO_IR 100) names', () => {
    const file = writeTestDicom({ patientName: 'Müller^Jürgen', characterSet: 'ISO_IR 100' });
    expect(file.includes(Buffer.from('M\xfcller', 'latin1'))).toBe(true); // truly Latin-1 bytes
    expect(parseDicom(file).facts.patientName).toBe('Müller, Jürgen');
  });
});

describe('DICOM facts', () => {
  it('prefers Image Laterality, falls back to series Laterality, and reads B as no single eye', () => {
    const facts = (extra: Record<string, unknown>, laterality?: 'R' | 'L') => parseDicom(writeTestDicom({ laterality, extra })).facts;
    expect(facts({ Laterality: 'R' }, 'L')).toMatchObject({ laterality: 'OS', lateralitySource: 'dicom-image' });
    expect(facts({ ImageLaterality: '', Laterality: 'R' })).toMatchObject({ laterality: 'OD', lateralitySource: 'dicom-series' });
    expect(facts({ ImageLaterality: 'B', Laterality: 'R' })).toMatchObject({ laterality: null, lateralitySource: null });
  });

  it('reads the Scheduled Procedure Step ID and the field from their sequences', () => {
    const file = writeTestDicom({
      extra: {
        RequestAttributesSequence: [{ RequestedProcedureID: 'RP-1', ScheduledProcedureStepID: 'SPS-9' }],
        RelativeImagePositionCodeSequence: [{ CodeValue: 'X1', CodingSchemeDesignator: '99TEST', CodeMeaning: 'Macula centred' }],
      },
    });
    expect(parseDicom(file).facts).toMatchObject({ scheduledStepId: 'SPS-9', field: 'Macula centred' });
  });

  it('takes the offset inside Acquisition DateTime over Timezone Offset From UTC, and local time without either', () => {
    const own = writeTestDicom({ acquisitionDateTime: '20240305091530.25-0500', extra: { TimezoneOffsetFromUTC: '+0200' } });
    expect(parseDicom(own).facts).toMatchObject({ takenAt: '2024-03-05T14:15:30.250Z', takenOffset: '-05:00' });
    const none = parseDicom(writeTestDicom({ acquisitionDateTime: '20240305091530' })).facts;
    expect(none).toMatchObject({ takenAt: new Date(2024, 2, 5, 9, 15, 30).toISOString(), takenOffset: null });
  });

  it('falls back to Content Date and Time when there is no Acquisition DateTime', () => {
    const file = writeTestDicom({ extra: { AcquisitionDateTime: '', ContentDate: '20230101', ContentTime: '235959', TimezoneOffsetFromUTC: '+0000' } });
    expect(parseDicom(file).facts).toMatchObject({ takenAt: '2023-01-01T23:59:59.000Z', takenOffset: '+00:00' });
  });
});

describe('parseDicom completeness', () => {
  it('throws for every cut of an uncompressed file and accepts the whole file', () => {
    const file = writeTestDicom({ raw: { data: rgbRamp(6, 4), width: 6, height: 4, channels: 3 } });
    expect(() => parseDicom(file)).not.toThrow();
    for (let cut = 0; cut < file.length; cut++) expectCorrupt(file.subarray(0, cut));
  });

  it('throws for every cut of a bare data set', () => {
    const file = writeTestDicom({ preamble: false, raw: { data: Buffer.alloc(16, 3), width: 4, height: 4, channels: 1 } });
    expect(() => parseDicom(file)).not.toThrow();
    for (let cut = 0; cut < file.length; cut++) expectCorrupt(file.subarray(0, cut));
  });

  it('throws for a JPEG file cut in its header, its fragments, or just before its closing marker', async () => {
    const file = writeTestDicom({ jpegFrame: await noiseJpeg(200, 150) }); // > 20 KB: several fragments
    expect(() => parseDicom(file)).not.toThrow();
    const cuts = [1, 100, 131, 132, 200, 700, Math.floor(file.length / 3), Math.floor(file.length / 2), file.length - 9, file.length - 8, file.length - 1];
    for (const cut of cuts) {
      const err = expectCorrupt(file.subarray(0, cut));
      if (cut > 132) expect(err.truncated).toBe(true);
      expect(err.message).toMatch(/incomplete|damaged/);
    }
  });

  it('says damaged (not still copying) when the structure is broken', () => {
    const file = Buffer.from(writeTestDicom());
    const at = file.indexOf(Buffer.from('OP', 'latin1'), 200); // the Modality value
    file.write('\x01\x02', at - 4, 'latin1'); // that element's VR becomes garbage
    const err = expectCorrupt(file);
    expect(err.truncated).toBe(false);
    expect(err.message).not.toMatch(/OP|TEST/); // no values in the message
  });
});

describe('DICOM JPEG frames', () => {
  it('takes frame 1 of a multi-frame file through the Basic Offset Table', async () => {
    const frame1 = await noiseJpeg(220, 160, 60); // several 20 KB fragments
    const frame2 = await noiseJpeg(220, 160, 200);
    const parsed = parseDicom(writeTestDicom({ jpegFrames: [frame1, frame2] }));
    const px = parsed.layout.pixelData;
    expect(px?.encapsulated && px.offsetTable.length).toBe(2);
    expect(px?.encapsulated && px.fragments.length).toBeGreaterThan(2);
    const preview = dicomPreview(parsed);
    expect(preview.kind === 'encoded' && preview.bytes.subarray(0, frame1.length).equals(frame1)).toBe(true);
  });

  it('without an offset table, a frame ends with the fragment that ends in EOI', () => {
    const a = Buffer.from([0xff, 0xd8, 1, 2, 3, 4]);
    const b = Buffer.from([5, 6, 0xff, 0xd9, 0x00, 0x00]); // padded to even length
    const c = Buffer.from([0xff, 0xd8, 9, 9, 0xff, 0xd9]);
    const dataset = Buffer.concat([a, b, c]);
    const fragments = [
      { itemOffset: 0, offset: 0, length: 6 },
      { itemOffset: 14, offset: 6, length: 6 },
      { itemOffset: 28, offset: 12, length: 6 },
    ];
    const layout = { encapsulated: true as const, offsetTable: [], fragments };
    expect(firstFrame(dataset, layout, 2)).toEqual(Buffer.concat([a, b]));
    expect(firstFrame(dataset, layout, 1)).toEqual(dataset); // one frame: every fragment
  });

  it('follows the offset table even where a fragment happens to end like a JPEG', () => {
    const f1 = Buffer.from([0xff, 0xd8, 7, 7, 0xff, 0xd9]); // looks like an end, but the table says frame 1 goes on
    const f2 = Buffer.from([8, 8, 8, 8, 0xff, 0xd9]);
    const f3 = Buffer.from([0xff, 0xd8, 9, 9, 0xff, 0xd9]);
    const layout = {
      encapsulated: true as const,
      offsetTable: [0, 28],
      fragments: [
        { itemOffset: 0, offset: 0, length: 6 },
        { itemOffset: 14, offset: 6, length: 6 },
        { itemOffset: 28, offset: 12, length: 6 },
      ],
    };
    expect(firstFrame(Buffer.concat([f1, f2, f3]), layout, 2)).toEqual(Buffer.concat([f1, f2]));
  });

  it('names the compressions it cannot draw in plain words', () => {
    expect(encodingName('1.2.840.10008.1.2.4.91')).toBe('JPEG 2000 compression');
    expect(encodingName('1.2.840.10008.1.2.4.80')).toBe('JPEG-LS compression');
    expect(encodingName('1.2.840.10008.1.2.4.70')).toBe('lossless JPEG compression');
    expect(encodingName('1.2.840.10008.1.2.5')).toBe('RLE compression');
    expect(encodingName('1.2.3.4')).toBe('an unusual encoding');
  });
});
