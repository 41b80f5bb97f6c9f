// Is a file completely written? Decided from its bytes, so a file is taken in the moment it is
// whole instead of after a fixed delay: a JPEG ends with its EOI marker, a PNG with IEND, a DICOM
// parses to its end. Formats without an end marker fall back to size stability.
import { isJpegComplete } from '../metadata/jpeg.ts';
import { parseDicom } from '../metadata/dicom.ts';
import { sniffFormat } from '../metadata/sniff.ts';

export type Completeness = 'complete' | 'incomplete' | 'needs-stability';

const PNG_IEND = Buffer.from([0x49, 0x45, 0x4e, 0x44, 0xae, 0x42, 0x60, 0x82]);

export function judgeCompleteness(bytes: Buffer): Completeness {
  if (bytes.length === 0) return 'incomplete';
  switch (sniffFormat(bytes)) {
    case 'jpeg':
      return isJpegComplete(bytes) ? 'complete' : 'incomplete';
    case 'png':
      return bytes.subarray(-PNG_IEND.length).equals(PNG_IEND) ? 'complete' : 'incomplete';
    case 'dicom':
    case 'dicom-raw':
      try {
        parseDicom(bytes);
        return 'complete';
      } catch {
        return 'incomplete';
      }
    default:
      // TIFF, text files named .jpg, anything unknown: only a stable size tells.
      return 'needs-stability';
  }
}
