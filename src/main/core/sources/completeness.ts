// Is a file completely written? Decided from its bytes, so a file is taken in the moment it is
// whole instead of after a fixed delay: a JPEG ends with its EOI marker, a PNG with IEND, a DICOM
// parses to its end. Formats without an end marker fall back to size stability.
// A DICOM is parsed here once: the parse is handed on with the bytes it was made from, so the
// metadata stage does not parse the file again.
import { isJpegComplete } from '../metadata/jpeg.ts';
import { parseDicom, type ParsedDicom } from '../metadata/dicom.ts';
import { sniffFormat } from '../metadata/sniff.ts';

export type Completeness = 'complete' | 'incomplete' | 'needs-stability';

export interface Judgement {
  state: Completeness;
  /** A complete DICOM's parse, of exactly the bytes judged. */
  dicom: ParsedDicom | null;
}

const PNG_IEND = Buffer.from([0x49, 0x45, 0x4e, 0x44, 0xae, 0x42, 0x60, 0x82]);

const judged = (state: Completeness, dicom: ParsedDicom | null = null): Judgement => ({ state, dicom });

export function judgeCompleteness(bytes: Buffer): Judgement {
  if (bytes.length === 0) return judged('incomplete');
  switch (sniffFormat(bytes)) {
    case 'jpeg':
      return judged(isJpegComplete(bytes) ? 'complete' : 'incomplete');
    case 'png':
      return judged(bytes.subarray(-PNG_IEND.length).equals(PNG_IEND) ? 'complete' : 'incomplete');
    case 'dicom':
    case 'dicom-raw':
      try {
        return judged('complete', parseDicom(bytes));
      } catch {
        return judged('incomplete');
      }
    default:
      // TIFF, text files named .jpg, anything unknown: only a stable size tells.
      return judged('needs-stability');
  }
}
