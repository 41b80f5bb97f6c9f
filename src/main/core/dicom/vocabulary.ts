// DICOM's own vocabulary, written once for every part of the station that reads DICOM (image
// metadata, previews, worklist items, test fixtures): transfer syntaxes, value representations and
// the few tags looked for by number. Constants and one-line predicates only.

export const TS_IMPLICIT_LE = '1.2.840.10008.1.2';
export const TS_EXPLICIT_LE = '1.2.840.10008.1.2.1';
export const TS_DEFLATED_LE = '1.2.840.10008.1.2.1.99';
export const TS_EXPLICIT_BE = '1.2.840.10008.1.2.2';
export const TS_JPEG_BASELINE = '1.2.840.10008.1.2.4.50';
export const TS_JPEG_EXTENDED = '1.2.840.10008.1.2.4.51';
export const TS_RLE = '1.2.840.10008.1.2.5';
/** The JPEG family (1.2.840.10008.1.2.4.x): baseline, lossless, JPEG-LS, JPEG 2000. */
export const TS_JPEG_FAMILY_PREFIX = '1.2.840.10008.1.2.4.';

/** How the data set's bytes are laid out. */
export interface DicomSyntax {
  explicit: boolean;
  littleEndian: boolean;
}

export const IMPLICIT_LE_SYNTAX: DicomSyntax = { explicit: false, littleEndian: true };
export const EXPLICIT_LE_SYNTAX: DicomSyntax = { explicit: true, littleEndian: true };
export const EXPLICIT_BE_SYNTAX: DicomSyntax = { explicit: true, littleEndian: false };

/** How a transfer syntax lays out its data set: deflated (once inflated) and every compressed syntax read as explicit LE. */
export function syntaxOfTransfer(ts: string): DicomSyntax {
  if (ts === TS_IMPLICIT_LE) return IMPLICIT_LE_SYNTAX;
  if (ts === TS_EXPLICIT_BE) return EXPLICIT_BE_SYNTAX;
  return EXPLICIT_LE_SYNTAX;
}

/** The transfer syntax that names a walked layout (compressed and deflated ones read as explicit LE). */
export const syntaxUid = (s: DicomSyntax): string => (!s.explicit ? TS_IMPLICIT_LE : s.littleEndian ? TS_EXPLICIT_LE : TS_EXPLICIT_BE);

/** Explicit VRs written with two reserved bytes and a 32-bit length (PS3.5 section 7.1.2). */
export const LONG_VRS: ReadonlySet<string> = new Set(['OB', 'OD', 'OF', 'OL', 'OV', 'OW', 'SQ', 'SV', 'UC', 'UN', 'UR', 'UT', 'UV']);

/** VRs whose values are text in the Specific Character Set (PS3.5 section 6.1.2.3); the others are ASCII. */
export const TEXT_VRS: ReadonlySet<string> = new Set(['SH', 'LO', 'ST', 'LT', 'UC', 'UT', 'PN']);

/** A length that is not a length: the value runs to a delimiter item. */
export const UNDEFINED_LENGTH = 0xffffffff;

/** Tags looked for by number, as group << 16 | element. */
export const TAG_SPECIFIC_CHARACTER_SET = 0x00080005;
export const TAG_ROWS = 0x00280010;

/** Two bytes that could be an explicit VR: two upper-case ASCII letters. */
export function isVrLetters(a: number | undefined, b: number | undefined): boolean {
  return a !== undefined && b !== undefined && a >= 0x41 && a <= 0x5a && b >= 0x41 && b <= 0x5a;
}
