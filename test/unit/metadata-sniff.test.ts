import { describe, expect, it } from 'vitest';
import sharp from 'sharp';
import { sniffFormat } from '../../src/main/core/metadata/sniff.ts';
import { writeTestDicom } from '../fixtures/dicom.ts';

const tiny = () => sharp({ create: { width: 4, height: 4, channels: 3, background: '#804020' } });

describe('sniffFormat', () => {
  it('knows JPEG, PNG and TIFF by their signatures', async () => {
    expect(sniffFormat(await tiny().jpeg().toBuffer())).toBe('jpeg');
    expect(sniffFormat(await tiny().png().toBuffer())).toBe('png');
    expect(sniffFormat(await tiny().tiff().toBuffer())).toBe('tiff');
    expect(sniffFormat(Buffer.from('MM\0*\0\0\0\x08', 'latin1'))).toBe('tiff'); // big-endian TIFF
  });

  it('knows a Part 10 DICOM by "DICM" at offset 128, even when the preamble looks like TIFF', () => {
    const file = writeTestDicom();
    expect(sniffFormat(file)).toBe('dicom');
    const dual = Buffer.from(file);
    dual.write('II*\0', 0, 'latin1'); // dual-personality DICOM/TIFF files put a TIFF header in the preamble
    expect(sniffFormat(dual)).toBe('dicom');
  });

  it('knows a bare DICOM data set without preamble or file meta', () => {
    expect(sniffFormat(writeTestDicom({ preamble: false }))).toBe('dicom-raw');
  });

  it('does not take text, empty or unknown bytes for an image', () => {
    expect(sniffFormat(Buffer.alloc(0))).toBeNull();
    expect(sniffFormat(Buffer.from('this is a text file, not a photo\n'))).toBeNull();
    expect(sniffFormat(Buffer.from('GIF89a\x01\0\x01\0', 'latin1'))).toBeNull();
    expect(sniffFormat(Buffer.from([0xff, 0xd8]))).toBeNull(); // too short to be a JPEG
    // Starts like group 0008 but claims a length far beyond the file: not a data set.
    expect(sniffFormat(Buffer.from([0x08, 0x00, 0x05, 0x00, 0xff, 0xff, 0x00, 0x10, 0x41]))).toBeNull();
  });
});
