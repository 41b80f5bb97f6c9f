// DICOM text in its declared character set: one decoder (dicom/text.ts) behind both the image
// metadata (parseDicom) and the worklist items (readWorklistItem). The data sets are built here
// byte by byte, with the byte strings of the DICOM standard's own examples (PS3.5 Annexes H and I).
import { describe, expect, it } from 'vitest';
import { wrapInPart10 } from '../../src/main/core/dicom/part10.ts';
import { decodeDicomText, readablePersonName, windows1252Bytes } from '../../src/main/core/dicom/text.ts';
import { TS_EXPLICIT_LE, TS_IMPLICIT_LE } from '../../src/main/core/dicom/vocabulary.ts';
import { parseDicom } from '../../src/main/core/metadata/dicom.ts';
import { parseWorklistFile, readWorklistItem } from '../../src/main/core/worklist/providers/dicom-worklist.ts';

const bytes = (s: string): Buffer => Buffer.from(s, 'latin1');

// PS3.5 H.3.1: "Yamada^Tarou=山田^太郎=やまだ^たろう" with ISO 2022 IR 87 (JIS X 0208) escapes.
const YAMADA = bytes('Yamada^Tarou=\x1b$B;3ED\x1b(B^\x1b$BB@O:\x1b(B=\x1b$B$d$^$@\x1b(B^\x1b$B$?$m$&\x1b(B');
// PS3.5 I.2: "Hong^Gildong=洪^吉洞=홍^길동" with ISO 2022 IR 149 (KS X 1001) escapes.
const HONG = bytes('Hong^Gildong=\x1b$)C\xfb\xf3^\x1b$)C\xd1\xce\xd4\xd7=\x1b$)C\xc8\xab^\x1b$)C\xb1\xe6\xb5\xbf');
// "東京" (JIS 0x456C 0x357E) for a LO value inside a sequence.
const TOKYO = bytes('\x1b$BEl5~\x1b(B');

const LONG = new Set(['SQ', 'UN', 'UT', 'OB']);

/** One explicit VR little endian element; SQ values are a list of item data sets. */
function el(group: number, element: number, vr: string, value: Buffer | Buffer[]): Buffer {
  const body = Array.isArray(value)
    ? Buffer.concat(value.map((item) => Buffer.concat([itemHeader(item.length), item])))
    : value.length % 2
      ? Buffer.concat([value, Buffer.from(vr === 'UI' ? [0] : [0x20])])
      : value;
  const long = LONG.has(vr);
  const head = Buffer.alloc(long ? 12 : 8);
  head.writeUInt16LE(group, 0);
  head.writeUInt16LE(element, 2);
  head.write(vr, 4, 'latin1');
  if (long) head.writeUInt32LE(body.length, 8);
  else head.writeUInt16LE(body.length, 6);
  return Buffer.concat([head, body]);
}

function itemHeader(length: number): Buffer {
  const h = Buffer.alloc(8);
  h.writeUInt16LE(0xfffe, 0);
  h.writeUInt16LE(0xe000, 2);
  h.writeUInt32LE(length, 4);
  return h;
}

/** A worklist item (no pixels) whose name, ID and step location are the given bytes. */
function worklistItem(characterSet: string | null, name: Buffer, location: Buffer): Buffer {
  return Buffer.concat([
    ...(characterSet === null ? [] : [el(0x0008, 0x0005, 'CS', bytes(characterSet))]),
    el(0x0008, 0x0050, 'SH', bytes('ACC-1')),
    el(0x0010, 0x0010, 'PN', name),
    el(0x0010, 0x0020, 'LO', bytes('P-1')),
    el(0x0010, 0x0040, 'CS', bytes('F')),
    el(0x0040, 0x0100, 'SQ', [
      Buffer.concat([
        el(0x0040, 0x0002, 'DA', bytes('20250301')),
        el(0x0040, 0x0003, 'TM', bytes('0930')),
        el(0x0040, 0x0011, 'SH', location),
      ]),
    ]),
  ]);
}

const us = (n: number): Buffer => Buffer.from([n & 0xff, n >> 8]);

/** A one-pixel image: its name, and a field of view named inside a sequence. */
function imageAttributes(characterSet: string, name: Buffer, field: Buffer): Buffer {
  return Buffer.concat([
    el(0x0008, 0x0005, 'CS', bytes(characterSet)),
    el(0x0008, 0x0060, 'CS', bytes('OP')),
    el(0x0010, 0x0010, 'PN', name),
    el(0x0010, 0x0020, 'LO', bytes('P-1')),
    el(0x0022, 0x001d, 'SQ', [el(0x0008, 0x0104, 'LO', field)]),
    el(0x0028, 0x0010, 'US', us(1)),
    el(0x0028, 0x0011, 'US', us(1)),
    el(0x7fe0, 0x0010, 'OB', Buffer.from([0x80, 0])),
  ]);
}

describe('decodeDicomText', () => {
  it('reads the standard\'s Japanese example (ISO 2022 IR 87, PS3.5 H.3.1)', () => {
    expect(decodeDicomText(YAMADA, '\\ISO 2022 IR 87', 'PN')).toBe('Yamada^Tarou=山田^太郎=やまだ^たろう');
  });

  it('reads the standard\'s Korean example (ISO 2022 IR 149, PS3.5 I.2)', () => {
    expect(decodeDicomText(HONG, '\\ISO 2022 IR 149', 'PN')).toBe('Hong^Gildong=洪^吉洞=홍^길동');
  });

  it('reads Latin-1, UTF-8, and terms the library lacks (Latin-9, GB18030)', () => {
    expect(decodeDicomText(bytes('M\xfcller^J\xfcrgen'), 'ISO_IR 100', 'PN')).toBe('Müller^Jürgen');
    expect(decodeDicomText(Buffer.from('Müller^Jürgen', 'utf8'), 'ISO_IR 192', 'PN')).toBe('Müller^Jürgen');
    expect(decodeDicomText(bytes('\xa4 5'), 'ISO_IR 203', 'LO')).toBe('€ 5');
    expect(decodeDicomText(Buffer.from([0xd5, 0xc5, 0xc8, 0xfd]), 'GB18030', 'PN')).toBe('张三');
  });

  it('without a declared set reads UTF-8 when the bytes are UTF-8, else Windows-1252', () => {
    expect(decodeDicomText(Buffer.from('Øst', 'utf8'), null, 'LO')).toBe('Øst');
    expect(decodeDicomText(bytes('\xd8st'), null, 'LO')).toBe('Øst');
  });

  it('reads an unknown term as Windows-1252 rather than failing', () => {
    expect(decodeDicomText(bytes('Caf\xe9'), 'ISO_IR 999', 'LO')).toBe('Café');
  });

  it('undoes a Windows-1252 reading exactly, all 256 bytes', () => {
    const all = Uint8Array.from({ length: 256 }, (_, i) => i);
    expect([...windows1252Bytes(new TextDecoder('windows-1252').decode(all))]).toEqual([...all]);
  });
});

describe('readablePersonName', () => {
  it('puts the family name first, with or without titles, and falls back to the ideographic group', () => {
    expect(readablePersonName('VANILLÉ^LAURA^^^Mme', { titles: true })).toBe('VANILLÉ, LAURA Mme');
    expect(readablePersonName('VANILLÉ^LAURA^^^Mme', { titles: false })).toBe('VANILLÉ, LAURA');
    expect(readablePersonName('=山田^太郎=やまだ^たろう', { titles: false })).toBe('山田, 太郎');
    expect(readablePersonName('', { titles: false })).toBe('');
  });
});

describe('worklist items in ISO 2022 character sets', () => {
  it('decodes a Japanese name and a Japanese location inside the step sequence', () => {
    const item = readWorklistItem(wrapInPart10(worklistItem('\\ISO 2022 IR 87', YAMADA, TOKYO), TS_EXPLICIT_LE));
    expect(item.specificCharacterSet).toBe('\\ISO 2022 IR 87');
    expect(item.patientName).toBe('Yamada^Tarou=山田^太郎=やまだ^たろう');
    expect(item.step?.location).toBe('東京');
    expect(parseWorklistFile(wrapInPart10(worklistItem('\\ISO 2022 IR 87', YAMADA, TOKYO), TS_EXPLICIT_LE)).entries[0]).toMatchObject({
      name: 'Yamada, Tarou',
      site: '東京',
    });
  });

  it('decodes a Korean name in a bare data set (no preamble, no File Meta)', () => {
    const item = readWorklistItem(worklistItem('\\ISO 2022 IR 149', HONG, bytes('Seoul')));
    expect(item.patientName).toBe('Hong^Gildong=洪^吉洞=홍^길동');
    expect(item.step?.location).toBe('Seoul');
  });

  it('decodes Latin-1 text inside the step sequence too', () => {
    const item = readWorklistItem(wrapInPart10(worklistItem('ISO_IR 100', bytes('M\xfcller^Anna'), bytes('S\xfcd')), TS_EXPLICIT_LE));
    expect(item.patientName).toBe('Müller^Anna');
    expect(item.step?.location).toBe('Süd');
  });
});

describe('image metadata in ISO 2022 character sets', () => {
  it('decodes a Japanese patient name and a sequence value in an image', () => {
    const facts = parseDicom(wrapInPart10(imageAttributes('\\ISO 2022 IR 87', YAMADA, TOKYO), TS_EXPLICIT_LE)).facts;
    expect(facts).toMatchObject({ patientName: 'Yamada, Tarou', patientId: 'P-1', field: '東京', modality: 'OP' });
  });

  it('reads the ideographic name when there is no alphabetic one (Korean)', () => {
    const ideographicOnly = bytes('=\x1b$)C\xfb\xf3^\x1b$)C\xd1\xce\xd4\xd7');
    const facts = parseDicom(wrapInPart10(imageAttributes('\\ISO 2022 IR 149', ideographicOnly, bytes('Fundus')), TS_EXPLICIT_LE)).facts;
    expect(facts.patientName).toBe('洪, 吉洞');
  });

  it('decodes Latin-1 inside sequences as well as at the top level', () => {
    const facts = parseDicom(wrapInPart10(imageAttributes('ISO_IR 100', bytes('M\xfcller^J\xfcrgen'), bytes('R\xe9tine')), TS_EXPLICIT_LE)).facts;
    expect(facts).toMatchObject({ patientName: 'Müller, Jürgen', field: 'Rétine' });
  });
});

describe('wrapInPart10', () => {
  it('writes the preamble, DICM and a File Meta group naming the syntax, padded to even length', () => {
    const file = wrapInPart10(Buffer.alloc(0), TS_IMPLICIT_LE);
    expect(file.toString('latin1', 128, 132)).toBe('DICM');
    expect(file.readUInt32LE(140)).toBe(file.length - 144); // group length covers the rest of the group
    expect(file.toString('latin1', 152)).toBe(`${TS_IMPLICIT_LE}\0`);
  });
});
