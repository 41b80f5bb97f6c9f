// Windows: removable drive letters from Win32_LogicalDisk, asked through PowerShell.
// parseWin32LogicalDisks and shouldAskPowerShell are pure; listWindowsVolumes runs PowerShell and
// createWindowsVolumeLister decides when to, and both are only called on win32.
import { execFile } from 'node:child_process';
import { stat } from 'node:fs/promises';
import type { Volume } from './volume.ts';

/** Win32_LogicalDisk.DriveType for removable media (USB sticks, SD cards, cameras). */
export const DRIVE_TYPE_REMOVABLE = 2;

/**
 * The PowerShell command. Output is forced to UTF-8 so that labels with accents survive the
 * console's code page. Only removable drives are asked for, so ConvertTo-Json usually prints one
 * object (not an array: one camera plugged in), or nothing at all; the parser accepts all three.
 * Single quotes only: double quotes do not survive Windows command-line quoting into PowerShell.
 */
export const WINDOWS_VOLUME_COMMAND =
  '[Console]::OutputEncoding = [System.Text.Encoding]::UTF8; ' +
  "Get-CimInstance Win32_LogicalDisk -Filter 'DriveType=2' | " +
  'Select-Object DeviceID,DriveType,VolumeName,VolumeSerialNumber,FileSystem | ConvertTo-Json';

interface LogicalDisk {
  DeviceID?: unknown;
  DriveType?: unknown;
  VolumeName?: unknown;
  VolumeSerialNumber?: unknown;
  FileSystem?: unknown;
}

const text = (v: unknown): string | null => (typeof v === 'string' && v.trim() !== '' ? v.trim() : null);

/**
 * Removable drives from the command's JSON output. A card reader's empty slot is listed as a
 * removable drive without a filesystem: it is not a mounted volume, so it is left out.
 * Throws when the output is not JSON (PowerShell printed an error instead).
 */
export function parseWin32LogicalDisks(output: string): Volume[] {
  const json = output.replace(/^\uFEFF/, '').trim();
  if (json === '') return [];
  const parsed: unknown = JSON.parse(json);
  // Windows PowerShell 5.1 wraps arrays as { value, Count } in some pipelines.
  const unwrapped =
    parsed && typeof parsed === 'object' && !Array.isArray(parsed) && Array.isArray((parsed as { value?: unknown }).value)
      ? (parsed as { value: unknown[] }).value
      : parsed;
  const disks = (Array.isArray(unwrapped) ? unwrapped : [unwrapped]) as LogicalDisk[];
  const out: Volume[] = [];
  for (const d of disks) {
    if (!d || typeof d !== 'object' || Number(d.DriveType) !== DRIVE_TYPE_REMOVABLE) continue;
    const letter = text(d.DeviceID);
    const fsType = text(d.FileSystem);
    if (!letter || !/^[A-Za-z]:$/.test(letter) || !fsType) continue;
    const serial = text(d.VolumeSerialNumber);
    out.push({
      id: serial ?? letter.toUpperCase(),
      label: text(d.VolumeName),
      uuid: serial,
      mountPath: `${letter.toUpperCase()}\\`,
      fsType,
    });
  }
  return out;
}

export interface WindowsListOptions {
  /** PowerShell can take seconds to start on a busy machine; give up after this. */
  timeoutMs?: number;
  /** "powershell.exe" (Windows PowerShell 5.1, always present) unless told otherwise. */
  powershell?: string;
}

/** Run PowerShell and parse its answer. Only meaningful on win32. */
export function listWindowsVolumes(opts: WindowsListOptions = {}): Promise<Volume[]> {
  const args = ['-NoProfile', '-NonInteractive', '-Command', WINDOWS_VOLUME_COMMAND];
  return new Promise((resolve, reject) => {
    execFile(
      opts.powershell ?? 'powershell.exe',
      args,
      { timeout: opts.timeoutMs ?? 10_000, windowsHide: true, encoding: 'utf8', maxBuffer: 1024 * 1024 },
      (err, stdout, stderr) => {
        if (err) {
          reject(new Error(`listing drives with PowerShell failed: ${err.message}${stderr ? `: ${stderr.trim()}` : ''}`));
          return;
        }
        try {
          resolve(parseWin32LogicalDisks(stdout));
        } catch (e) {
          reject(new Error(`PowerShell's drive list was not JSON: ${(e as Error).message}`));
        }
      },
    );
  });
}

/**
 * What the drive roots look like now, cheaply: each present letter with its volume serial number
 * (Node's stat().dev on Windows), so a new letter and a card swapped under the same letter both
 * change it. A and B are left out: probing an empty floppy drive every second would make it seek.
 */
export async function driveRootSignature(probe: (root: string) => Promise<number | null> = rootDevice): Promise<string> {
  const letters = Array.from({ length: 24 }, (_, i) => String.fromCharCode(0x43 + i)); // C..Z
  const devices = await Promise.all(letters.map((l) => probe(`${l}:\\`)));
  return letters.flatMap((l, i) => (devices[i] === null ? [] : [`${l}:${devices[i]}`])).join(' ');
}

async function rootDevice(root: string): Promise<number | null> {
  try {
    return (await stat(root)).dev;
  } catch {
    return null; // no such letter, or a card reader slot with no card
  }
}

/** The last time PowerShell was asked. */
export interface PowerShellLook {
  signature: string;
  at: number;
  /** Asked twice in a row for this signature: a drive that was still mounting has been seen since. */
  settled: boolean;
}

/**
 * Whether to start PowerShell for this look: when the drive roots changed, once more right after
 * a change (a new drive's file system may not have been ready the first time), and otherwise only
 * every `refreshMs` (a renamed label, say). Nothing changed: the last answer stands.
 */
export function shouldAskPowerShell(last: PowerShellLook | null, signature: string, now: number, refreshMs: number): boolean {
  if (last === null || last.signature !== signature || !last.settled) return true;
  return now - last.at >= refreshMs;
}

export interface WindowsListerOptions extends WindowsListOptions {
  /** Ask PowerShell at least this often even when the drive roots look the same; default 30 s. */
  refreshMs?: number;
  /** Tests: the drive-root signature and the PowerShell listing. */
  signature?: () => Promise<string>;
  list?: () => Promise<Volume[]>;
  now?: () => number;
}

/**
 * A list function for the volume monitor that looks at the drive roots every time (cheap) and
 * starts PowerShell only when shouldAskPowerShell says so, answering from the last listing otherwise.
 */
export function createWindowsVolumeLister(opts: WindowsListerOptions = {}): () => Promise<Volume[]> {
  const refreshMs = opts.refreshMs ?? 30_000;
  const signatureNow = opts.signature ?? (() => driveRootSignature());
  const list = opts.list ?? (() => listWindowsVolumes(opts));
  const now = opts.now ?? Date.now;
  let last: PowerShellLook | null = null;
  let volumes: Volume[] = [];
  return async () => {
    const signature = await signatureNow();
    const at = now();
    if (!shouldAskPowerShell(last, signature, at, refreshMs)) return [...volumes];
    volumes = await list(); // a failure leaves `last` as it was, so the next look asks again
    last = { signature, at, settled: last?.signature === signature };
    return [...volumes];
  };
}
