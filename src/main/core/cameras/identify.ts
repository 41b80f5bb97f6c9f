// Which camera is this: the volume's label/UUID and, where its photos carry them, EXIF make, model
// and serial. The identity key chooses the ledger, so it must be the same at every plug-in.
import { open, readFile } from 'node:fs/promises';
import path from 'node:path';
import { parseDicom } from '../metadata/index.ts';
import { readExifFacts } from '../metadata/exif.ts';
import type { CameraPhoto } from '../sources/volumes/camera.ts';
import { compareTakenOrder } from '../sources/volumes/ledger.ts';
import type { Volume } from '../sources/volumes/volume.ts';

export interface PhotoIdentity {
  make: string | null;
  model: string | null;
  serial: string | null;
}

const NONE: PhotoIdentity = { make: null, model: null, serial: null };
const HEAD_BYTES = 256 * 1024; // EXIF lives in the first 64 KB of a JPEG; TIFF headers are near the start too
const MAX_DICOM_BYTES = 64 * 1024 * 1024;

const clean = (s: string | null | undefined): string | null => {
  const t = (s ?? '').replace(/\0/g, '').replace(/\s+/g, ' ').trim();
  return t === '' ? null : t;
};
const norm = (s: string | null | undefined): string => (clean(s) ?? '').toLowerCase();

/**
 * The ledger's device key, most stable first: the camera's serial (with make and model, since two
 * makers may number alike); the volume's filesystem UUID; its label with make and model; the
 * platform's own id of the volume. A card moved between cameras of one model with no serial in
 * EXIF and no UUID shares a ledger with them: harmless, since the ledger also keys on path, size
 * and mtime, and the content hash still decides what is new.
 */
export function identityKey(volume: Pick<Volume, 'id' | 'label' | 'uuid'>, photo: PhotoIdentity): string {
  if (norm(photo.serial)) return `serial:${norm(photo.make)}|${norm(photo.model)}|${norm(photo.serial)}`;
  if (clean(volume.uuid)) return `uuid:${norm(volume.uuid)}`;
  if (clean(volume.label)) return `label:${norm(volume.label)}|${norm(photo.make)}|${norm(photo.model)}`;
  return `volume:${volume.id}`;
}

/** What the operator calls it: "Optomed Aurora", else the volume label, else "Camera". */
export function deviceName(volume: Pick<Volume, 'label'>, photo: PhotoIdentity): string {
  const make = clean(photo.make);
  const model = clean(photo.model);
  let name: string | null = null;
  if (make && model) name = model.toLowerCase().startsWith(make.toLowerCase()) ? model : `${make} ${model}`;
  else name = model ?? make;
  const label = clean(volume.label);
  if (name && label && label.toLowerCase() !== name.toLowerCase()) return `${name} (${label})`;
  return name ?? label ?? 'Camera';
}

async function readHead(file: string, bytes: number): Promise<Buffer> {
  const fh = await open(file, 'r');
  try {
    const buf = Buffer.alloc(bytes);
    const { bytesRead } = await fh.read(buf, 0, bytes, 0);
    return buf.subarray(0, bytesRead);
  } finally {
    await fh.close();
  }
}

async function identityOf(photo: CameraPhoto): Promise<PhotoIdentity> {
  const ext = path.extname(photo.path).toLowerCase();
  if (ext === '.dcm') {
    if (photo.size > MAX_DICOM_BYTES) return NONE;
    const facts = parseDicom(await readFile(photo.path)).facts;
    return { make: clean(facts.make), model: clean(facts.model), serial: clean(facts.serial) };
  }
  const facts = await readExifFacts(await readHead(photo.path, Math.min(HEAD_BYTES, photo.size)));
  return { make: clean(facts.make), model: clean(facts.model), serial: clean(facts.serial) };
}

/**
 * Make, model and serial from the first photos in taken order (the first that says anything; at
 * most three are read, and only their first 256 KB for JPEG/TIFF). Never throws: a camera whose
 * photos say nothing is identified by its volume.
 */
export async function readPhotoIdentity(photos: readonly CameraPhoto[]): Promise<PhotoIdentity> {
  const first = [...photos].sort(compareTakenOrder).slice(0, 3);
  for (const p of first) {
    try {
      const id = await identityOf(p);
      if (id.make || id.model || id.serial) return id;
    } catch {
      // unreadable or pulled out while we look: try the next, or fall back to the volume
    }
  }
  return NONE;
}
