// Blob names: `<uuid>.jpg|.dcm`, the image's own station id, so they carry no patient data and a
// retry after a crash targets the same name (which is what makes If-None-Match: * idempotent).
// Pure, and shared: the store fixes the name once when an upload is queued (store/outbox.ts), the
// upload kind sends it (sync/upload-blob.ts).

/** A blob name or metadata that the platform's rules refuse. The message names fields, never values. */
export class BlobMetadataError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'BlobMetadataError';
  }
}

export type BlobExtension = 'jpg' | 'dcm';

/** Blob file extension for an image format; null when the platform does not take that format. */
export function blobExtensionFor(format: string | null): BlobExtension | null {
  if (format === 'jpeg') return 'jpg';
  if (format === 'dicom') return 'dcm';
  return null;
}

/** The formats the platform takes (the ones blobExtensionFor names); the store's SQL is built from this list. */
export const SENDABLE_FORMATS = ['jpeg', 'dicom'] as const;

/**
 * Null when the platform takes a photo of this format; else what the operator is told at once, on
 * the exam and in the Inbox: the photo is kept on the station but never queued for sending (a send
 * that can only fail), and what to do instead. `format` is the one sniffed from the bytes.
 */
export function unsendableMessage(format: string | null): string | null {
  if (blobExtensionFor(format)) return null;
  const what = format && format !== 'unknown' ? `a ${format.toUpperCase()} file` : 'in a format the station does not know';
  return `This photo cannot be sent: the platform takes JPEG and DICOM photos, and this one is ${what}. Export it from the camera as JPEG (the new file is taken in by itself), then reject this one.`;
}

const UUID_PATTERN = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * `<uuid>.<ext>`, from the image's own station id. Only a UUID is accepted, so nothing else (a
 * patient id, a camera file name) can ever end up in a blob name.
 */
export function blobNameFor(imageId: string, ext: string): string {
  if (!UUID_PATTERN.test(imageId)) throw new BlobMetadataError("A blob name is made from the image's UUID only.");
  const e = ext.replace(/^\./, '').toLowerCase();
  const normalised = e === 'jpeg' ? 'jpg' : e === 'dicom' ? 'dcm' : e;
  if (normalised !== 'jpg' && normalised !== 'dcm') throw new BlobMetadataError(`Images are uploaded as .jpg or .dcm, not .${e}.`);
  return `${imageId.toLowerCase()}.${normalised}`;
}

export function contentTypeFor(blobName: string): string {
  if (blobName.endsWith('.jpg')) return 'image/jpeg';
  if (blobName.endsWith('.dcm')) return 'application/dicom';
  return 'application/octet-stream';
}
