// The per-device ledger: (relative path, size, mtime) -> sha256 of files already taken in, so a
// rescan of a 4,000-photo card skips known files without reading them. Pure functions only; the
// database keeps the rows.

/** A file on a camera volume, as listCameraPhotos reports it. */
export interface ListedFile {
  /** Relative to the volume's root, "/"-separated: the same on every platform and mount path. */
  relPath: string;
  size: number;
  mtimeMs: number;
}

/** One ledger row: a file that was taken in, and the hash its bytes had. */
export interface LedgerEntry extends ListedFile {
  sha256: string;
}

/** Whether a key is in the ledger of one device. A Set of ledgerKey strings plus the id will do. */
export interface LedgerLookup {
  readonly deviceId: string;
  has(key: string): boolean;
}

/** "DCIM\\100CAMRA\\X.JPG" and "./DCIM/100CAMRA/X.JPG" -> "DCIM/100CAMRA/X.JPG". */
export function normaliseRelPath(relPath: string): string {
  return relPath.replace(/\\/g, '/').replace(/^(\.\/)+/, '').replace(/^\/+/, '');
}

/**
 * The ledger's key for a file. mtime is cut to whole milliseconds because the database keeps an
 * integer and some filesystems report fractions. A file rewritten in place changes size or mtime,
 * gets a new key and is read again; its hash then decides whether it is new.
 */
export function ledgerKey(deviceId: string, relPath: string, size: number, mtimeMs: number): string {
  return JSON.stringify([deviceId, normaliseRelPath(relPath), size, Math.floor(mtimeMs)]);
}

/** A lookup over ledger rows loaded for one device. */
export function ledgerLookup(deviceId: string, entries: Iterable<ListedFile>): LedgerLookup {
  const keys = new Set<string>();
  for (const e of entries) keys.add(ledgerKey(deviceId, e.relPath, e.size, e.mtimeMs));
  return { deviceId, has: (key) => keys.has(key) };
}

// "IMG_9.JPG" before "IMG_10.JPG" for cameras that do not pad their numbers.
const byName = new Intl.Collator('en', { numeric: true, sensitivity: 'variant' });

/** The order photos were taken in: modification time, then path (FAT keeps mtime to 2 s only). */
export function compareTakenOrder(a: ListedFile, b: ListedFile): number {
  return a.mtimeMs - b.mtimeMs || byName.compare(a.relPath, b.relPath) || (a.relPath < b.relPath ? -1 : a.relPath > b.relPath ? 1 : 0);
}

/** The files to take in: those whose (path, size, mtime) the ledger does not know, in taken order. */
export function filesToImport<T extends ListedFile>(listing: readonly T[], ledger: LedgerLookup): T[] {
  return listing
    .filter((f) => !ledger.has(ledgerKey(ledger.deviceId, f.relPath, f.size, f.mtimeMs)))
    .sort(compareTakenOrder);
}
