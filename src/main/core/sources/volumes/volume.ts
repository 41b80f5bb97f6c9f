// The one shape every platform's listing produces, so the monitor and the importer never care
// which operating system found the volume.

/** A mounted volume the station can read (a USB stick, an SD card, a camera in mass-storage mode). */
export interface Volume {
  /**
   * Stable while the volume stays plugged in, and across re-plugs where the platform allows it:
   * the filesystem UUID or serial when known, otherwise the device (Linux), drive letter
   * (Windows), mount path (macOS) or folder name (stand-in root).
   */
  id: string;
  /** The filesystem label the operator sees ("NO NAME", "AURORA"), or null when there is none. */
  label: string | null;
  /** Filesystem UUID / volume serial number when the platform tells us, else null. */
  uuid: string | null;
  /** Where its files are: "/media/alice/NO NAME", "E:\\", "/Volumes/CAMERA". */
  mountPath: string;
  /** "vfat", "exfat", "msdos", "FAT32", ...: as the platform names it; null when unknown. */
  fsType: string | null;
}

/** Two listings describe the same mounted volume when both its id and its mount path agree. */
export function volumeKey(v: Pick<Volume, 'id' | 'mountPath'>): string {
  return `${v.id}\u0000${v.mountPath}`;
}
