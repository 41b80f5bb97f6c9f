// Specific Character Set per camera (issue 13 item 2): UTF-8, Latin-1 bytes that are really Latin-1
// (dcmjs alone writes UTF-8 under any declared set), and plain ASCII transliterated, never garbled.
import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import { charsetTerm, encodeText, foldText, transliterate } from '../../src/main/core/worklist/mwl/charset.ts';
import { encodeIdentifier, EXPLICIT_LE, IMPLICIT_LE, type OutElement } from '../../src/main/core/worklist/mwl/encode.ts';

const dimse = createRequire(import.meta.url)('dcmjs-dimse') as typeof import('dcmjs-dimse');

describe('transliteration to ASCII', () => {
  it('drops accents: "Müller" -> "Muller" (not the German-only "Mueller")', () => {
    expect(transliterate('Müller')).toBe('Muller');
    expect(transliterate('Gül')).toBe('Gul');
    expect(transliterate('VANILLÉ^LAURA')).toBe('VANILLE^LAURA');
    expect(transliterate('Ødegård, Åse')).toBe('Odegard, Ase');
    expect(transliterate('José Ñúñez Çelik')).toBe('Jose Nunez Celik');
  });

  it('spells out letters without a base letter', () => {
    expect(transliterate('Straße')).toBe('Strasse');
    expect(transliterate('Æsir Œuvre Łukasz Þór')).toBe('AEsir OEuvre Lukasz THor');
  });

  it('what has no ASCII form becomes "?", never a stray byte', () => {
    expect(transliterate('山田^太郎')).toBe('??^??');
  });

  it('decomposed input (e + combining accent) is handled like composed', () => {
    expect(transliterate('Mu\u0308ller')).toBe('Muller');
  });

  it('foldText compares without case or accents, and never invents a "?" wildcard', () => {
    expect(foldText('müller')).toBe(foldText('MULLER'));
    expect(foldText('山田')).toBe('山田');
  });
});

describe('encodeText and the Specific Character Set terms', () => {
  it('terms: utf8 = ISO_IR 192, latin1 = ISO_IR 100, ascii = none', () => {
    expect([charsetTerm('utf8'), charsetTerm('latin1'), charsetTerm('ascii')]).toEqual(['ISO_IR 192', 'ISO_IR 100', null]);
  });

  it('Latin-1: "ü" is the one byte fc; letters Latin-1 lacks are transliterated', () => {
    expect([...encodeText('Müller', 'latin1')]).toEqual([0x4d, 0xfc, 0x6c, 0x6c, 0x65, 0x72]);
    expect(encodeText('Łódź', 'latin1').toString('latin1')).toBe('Lódz');
  });

  it('UTF-8 and ASCII', () => {
    expect(encodeText('Müller', 'utf8')).toEqual(Buffer.from('Müller', 'utf8'));
    expect(encodeText('Müller', 'ascii')).toEqual(Buffer.from('Muller', 'latin1'));
  });
});

describe('encodeIdentifier: a response identifier in the camera\'s set', () => {
  const identifier = (charset: 'utf8' | 'latin1' | 'ascii'): OutElement[] => [
    { tag: 0x00100020, vr: 'LO', value: 'MU-1' },
    { tag: 0x00100010, vr: 'PN', value: 'Müller^Anna' },
    ...(charsetTerm(charset) ? [{ tag: 0x00080005, vr: 'CS', value: charsetTerm(charset)! }] : []),
    { tag: 0x0020000d, vr: 'UI', value: '2.25.123' },
    {
      tag: 0x00400100,
      vr: 'SQ',
      value: [
        [
          { tag: 0x00400002, vr: 'DA', value: '20261130' },
          { tag: 0x00080060, vr: 'CS', value: 'OP' },
          { tag: 0x00400011, vr: 'SH', value: 'Süd' },
        ],
      ],
    },
    { tag: 0x00321064, vr: 'SQ', value: [] },
  ];

  for (const ts of [EXPLICIT_LE, IMPLICIT_LE]) {
    it(`Latin-1, ${ts === EXPLICIT_LE ? 'explicit' : 'implicit'} VR: the bytes are Latin-1 and a reader with ISO_IR 100 gets the names back`, () => {
      const bytes = encodeIdentifier(identifier('latin1'), ts, 'latin1');
      expect(bytes.includes(Buffer.from([0x4d, 0xfc, 0x6c]))).toBe(true); // "Mül"
      expect(bytes.includes(Buffer.from('Ã¼', 'latin1'))).toBe(false); // never UTF-8 under ISO_IR 100
      const back = new dimse.Dataset(bytes, ts).getElements() as Record<string, unknown>;
      expect(back.PatientName).toEqual([{ Alphabetic: 'Müller^Anna' }]);
      expect(back.PatientID).toBe('MU-1');
      expect(back.StudyInstanceUID).toBe('2.25.123');
      const step = (back.ScheduledProcedureStepSequence as Record<string, unknown>[])[0]!;
      expect([step.ScheduledProcedureStepStartDate, step.Modality, step.ScheduledProcedureStepLocation]).toEqual(['20261130', 'OP', 'Süd']);
      expect(back.RequestedProcedureCodeSequence).toEqual([]);
    });
  }

  it('UTF-8 round trip, and ASCII with the names transliterated', () => {
    const utf8 = new dimse.Dataset(encodeIdentifier(identifier('utf8'), EXPLICIT_LE, 'utf8'), EXPLICIT_LE).getElements() as Record<string, unknown>;
    expect(utf8.PatientName).toEqual([{ Alphabetic: 'Müller^Anna' }]);
    const ascii = encodeIdentifier(identifier('ascii'), EXPLICIT_LE, 'ascii');
    expect(ascii.includes(Buffer.from('Muller^Anna'))).toBe(true);
    expect(ascii.includes(Buffer.from('Sud '))).toBe(true);
    expect(ascii.includes(0xfc) || ascii.includes(0xc3)).toBe(false);
    const back = new dimse.Dataset(ascii, EXPLICIT_LE).getElements() as Record<string, unknown>;
    expect(back.PatientName).toEqual([{ Alphabetic: 'Muller^Anna' }]);
  });

  it('elements come out in tag order, values padded to even length (UIDs with NUL)', () => {
    const bytes = encodeIdentifier(
      [
        { tag: 0x0020000d, vr: 'UI', value: '1.2.3' },
        { tag: 0x00100020, vr: 'LO', value: 'ABC' },
      ],
      EXPLICIT_LE,
      'utf8',
    );
    expect(bytes.readUInt16LE(0)).toBe(0x0010);
    expect(bytes.subarray(8, 12).toString('latin1')).toBe('ABC ');
    expect(bytes.subarray(20, 26).toString('latin1')).toBe('1.2.3\0');
  });

  it('refuses a transfer syntax it cannot write', () => {
    expect(() => encodeIdentifier([], '1.2.840.10008.1.2.2', 'utf8')).toThrow();
  });
});
