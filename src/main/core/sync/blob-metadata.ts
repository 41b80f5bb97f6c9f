// Blob metadata for uploaded images. Pure.
//
// Metadata follows Azure's rules: names are C# identifiers (we use lower case, since Azure treats
// them case-insensitively), values are ASCII, everything together at most 8 KiB. Values are
// percent-encoded (UTF-8) wherever they are not plain printable ASCII; '%' itself is encoded, so
// decodeURIComponent() restores any value exactly and is a no-op on plain ones.
import type { Laterality } from '../../../shared/domain.ts';
import type { SyncWorkflow } from '../../../shared/sync.ts';
import { BlobMetadataError } from '../../../shared/blob-names.ts';

// The names live in src/shared/blob-names.ts (the store fixes them when an upload is queued).
export { BlobMetadataError, blobNameFor, contentTypeFor, type BlobExtension } from '../../../shared/blob-names.ts';

/** Azure's limit for all metadata names and values together. */
export const METADATA_MAX_BYTES = 8 * 1024;

export interface BlobMetadataInput {
  workflow: SyncWorkflow;
  /** The station's id for the image (also the blob's base name and the OrderRequest LocalId). */
  localId: string;
  stationId: string;
  /** Hex SHA-256 of the file's bytes. */
  sha256: string;
  laterality?: Laterality | null;
  /** ISO-8601 with offset, as in the OrderRequest's Taken. */
  taken?: string | null;
  /** The order's LocalId (the EHR's order number). */
  orderId?: string | null;
  accessionNumber?: string | null;
  siteId?: string | null;
  /** Order-first only (required there): how the platform finds the patient. Dropped in image-first. */
  patientId?: string | null;
}

const KEY_PATTERN = /^[a-z_][a-z0-9_]*$/;

/** Percent-encodes what is not printable ASCII, plus '%' and spaces at either end (HTTP trims them). */
export function encodeMetadataValue(value: string): string {
  const chars = Array.from(value.toWellFormed()); // lone surrogates would make encodeURIComponent throw
  return chars
    .map((ch, i) => {
      const cp = ch.codePointAt(0) ?? 0;
      const edgeSpace = ch === ' ' && (i === 0 || i === chars.length - 1);
      return cp < 0x20 || cp > 0x7e || ch === '%' || edgeSpace ? encodeURIComponent(ch) : ch;
    })
    .join('');
}

export function decodeMetadataValue(value: string): string {
  return decodeURIComponent(value);
}

/** Bytes Azure counts against the 8 KiB limit: every name plus every value. */
export function metadataSize(metadata: Record<string, string>): number {
  let n = 0;
  for (const [k, v] of Object.entries(metadata)) n += k.length + v.length; // all ASCII after encoding
  return n;
}

function put(md: Record<string, string>, key: string, value: string | null | undefined): void {
  if (!KEY_PATTERN.test(key)) throw new BlobMetadataError(`"${key}" is not a valid metadata name.`);
  if (value === null || value === undefined || value === '') return; // an empty value is no information
  md[key] = encodeMetadataValue(value);
}

export function buildBlobMetadata(input: BlobMetadataInput): Record<string, string> {
  if (!input.localId) throw new BlobMetadataError('An image needs its LocalId before upload.');
  if (!/^[0-9a-f]{64}$/i.test(input.sha256)) throw new BlobMetadataError('The image SHA-256 must be 64 hex digits.');
  if (input.workflow === 'order-first' && !input.patientId) {
    throw new BlobMetadataError(
      'In the order-first workflow the platform finds the patient by the patient id in the image metadata, and this image has none. Link the image to an order first.',
    );
  }
  const md: Record<string, string> = {};
  put(md, 'localid', input.localId);
  put(md, 'orderid', input.orderId);
  put(md, 'accessionnumber', input.accessionNumber);
  put(md, 'laterality', input.laterality);
  put(md, 'taken', input.taken);
  put(md, 'stationid', input.stationId);
  put(md, 'siteid', input.siteId);
  put(md, 'sha256', input.sha256.toLowerCase());
  // Image-first: the OrderRequest carries the patient; keep patient data off the blob.
  if (input.workflow === 'order-first') put(md, 'patientid', input.patientId);

  const size = metadataSize(md);
  if (size > METADATA_MAX_BYTES) {
    // Names only, never values: values may be patient data.
    const largest = Object.entries(md)
      .sort((a, b) => b[1].length - a[1].length)
      .slice(0, 3)
      .map(([k, v]) => `${k} (${v.length} bytes)`)
      .join(', ');
    throw new BlobMetadataError(
      `The image's metadata is ${size} bytes; Azure allows at most ${METADATA_MAX_BYTES}. Largest fields: ${largest}.`,
    );
  }
  return md;
}
