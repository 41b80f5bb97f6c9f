// The headless host's DICOM flags (--dicom-port, --dicom-ae-title, --dicom-address, --dicom-camera)
// -> the DICOM node overrides, checked with the same schemas as the settings screen. Any flag
// turns the listener on; the values are saved, like --watch (port 0: a free port, this run only).
import { aeTitleSchema } from '../../shared/dicom-settings.ts';
import type { DicomOverrides } from '../core/dicom-node/feature.ts';

export interface DicomFlags {
  'dicom-port'?: string;
  'dicom-ae-title'?: string;
  'dicom-address'?: string;
  'dicom-camera'?: string[];
}

export const dicomUsage = `  --dicom-port N         run as a DICOM node: cameras send images (C-STORE) and ask for the
                         worklist (C-FIND) on this port (0 picks a free one for this run)
  --dicom-ae-title TITLE this station's AE title (default CAPTURE)
  --dicom-address ADDR   the address to listen on (default 0.0.0.0: all; cameras are other machines)
  --dicom-camera AET     a camera allowed to connect, by its AE title (repeatable)
                         Any --dicom-* flag turns the DICOM node on; the values are saved.`;

export function dicomOverrides(flags: DicomFlags): { overrides: DicomOverrides | undefined } | { error: string } {
  const o: DicomOverrides = {};
  if (flags['dicom-port'] !== undefined) {
    const port = Number(flags['dicom-port']);
    if (!Number.isInteger(port) || port < 0 || port > 65535) return { error: '--dicom-port must be a number from 0 to 65535.' };
    o.port = port;
  }
  for (const [flag, value] of [['--dicom-ae-title', flags['dicom-ae-title']], ...(flags['dicom-camera'] ?? []).map((c) => ['--dicom-camera', c])] as const) {
    if (value === undefined) continue;
    const r = aeTitleSchema.safeParse(value);
    if (!r.success) return { error: `${flag} ${JSON.stringify(value)}: ${r.error.issues[0]?.message ?? 'not a valid AE title'}` };
  }
  if (flags['dicom-ae-title'] !== undefined) o.aeTitle = flags['dicom-ae-title'].trim();
  if (flags['dicom-address'] !== undefined) {
    if (!flags['dicom-address'].trim()) return { error: '--dicom-address needs an address, such as 0.0.0.0 or 192.168.1.20.' };
    o.address = flags['dicom-address'].trim();
  }
  if (flags['dicom-camera']?.length) o.cameras = flags['dicom-camera'].map((c) => c.trim());
  return { overrides: Object.keys(o).length ? o : undefined };
}
