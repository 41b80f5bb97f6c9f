// A tabletop fundus camera that exports to a folder, for the demo: for each patient on its list it
// "takes" photos of the right and left eye, a second or two apart, and saves each as
// `<patientId>_<OD|OS>_<n>.jpg` with the camera's EXIF (make, model, serial, time taken with its
// offset). The pictures are real fundus photographs from ../shared/data/fundus when that folder
// is there (re-encoded as JPEG with new EXIF, so every file is new to the station), generated
// ones otherwise. Files are written beside the folder and renamed in, as a camera's export does.
//
//   node scripts/camera-simulator.ts --out DIR --patient P-1 --patient P-2 [--per-eye 2] [--interval-ms 1500]
import { mkdirSync, readdirSync, renameSync, writeFileSync, existsSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { fileURLToPath } from 'node:url';
import sharp from 'sharp';
import { syntheticFundusJpeg } from '../test/fixtures/fundus.ts';

const repoRoot = fileURLToPath(new URL('..', import.meta.url));
export const DEFAULT_PHOTO_DIR = process.env.CAPTURE_SHARED_DATA
  ? path.join(process.env.CAPTURE_SHARED_DATA, 'fundus')
  : path.resolve(repoRoot, '../shared/data/fundus');

export interface CameraSimulatorOptions {
  /** The camera's export folder (the station watches it). */
  outDir: string;
  patients: string[];
  perEye?: number;
  /** Pause between two photos. */
  intervalMs?: number;
  /** Real photos to use; default ../shared/data/fundus. Generated pictures when it has none. */
  photoDir?: string;
  camera?: { make: string; model: string; serial: string };
  log?: (line: string) => void;
  signal?: AbortSignal;
}

export interface SimulatedPhoto {
  file: string;
  patientId: string;
  eye: 'OD' | 'OS';
  bytes: number;
  source: string;
}

const PHOTO_EXT = /\.(jpe?g|tiff?|png)$/i;

/** The real fundus photos available (JPEG, TIFF or PNG), in name order. */
export function realPhotos(dir = DEFAULT_PHOTO_DIR): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((f) => PHOTO_EXT.test(f))
    .sort()
    .map((f) => path.join(dir, f));
}

function exifStamp(d: Date): { when: string; offset: string } {
  const pad = (n: number) => String(n).padStart(2, '0');
  const off = -d.getTimezoneOffset();
  const sign = off >= 0 ? '+' : '-';
  return {
    when: `${d.getFullYear()}:${pad(d.getMonth() + 1)}:${pad(d.getDate())} ${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}`,
    offset: `${sign}${pad(Math.floor(Math.abs(off) / 60))}:${pad(Math.abs(off) % 60)}`,
  };
}

/** One photo as the camera would save it: JPEG, its EXIF, about the size of a real export. */
export async function cameraJpeg(source: string | null, seed: number, camera: NonNullable<CameraSimulatorOptions['camera']>, takenAt: Date): Promise<Buffer> {
  const { when, offset } = exifStamp(takenAt);
  const exif = {
    IFD0: { Make: camera.make, Model: camera.model, ImageDescription: 'Fundus photograph' },
    IFD2: { DateTimeOriginal: when, OffsetTimeOriginal: offset, BodySerialNumber: camera.serial },
  };
  const img = source ? sharp(source) : sharp(await syntheticFundusJpeg({ width: 2000, height: 1500, seed, grain: 20 }));
  return img.rotate().withExif(exif).jpeg({ quality: 92, mozjpeg: false }).toBuffer();
}

export async function runCameraSimulator(opts: CameraSimulatorOptions): Promise<SimulatedPhoto[]> {
  const perEye = opts.perEye ?? 2;
  const interval = opts.intervalMs ?? 1500;
  const camera = opts.camera ?? { make: 'Topcon', model: 'TRC-NW400', serial: 'NW400-0042' };
  const log = opts.log ?? (() => {});
  const sources = realPhotos(opts.photoDir);
  const staging = path.join(path.dirname(path.resolve(opts.outDir)), `.${path.basename(opts.outDir)}-camera-tmp`);
  mkdirSync(opts.outDir, { recursive: true });
  mkdirSync(staging, { recursive: true });
  log(sources.length ? `using ${sources.length} real fundus photos from ${path.dirname(sources[0]!)}` : 'no real photos found: generating pictures');
  const out: SimulatedPhoto[] = [];
  let k = 0;
  for (const patientId of opts.patients) {
    for (const eye of ['OD', 'OS'] as const) {
      for (let n = 1; n <= perEye; n++) {
        if (opts.signal?.aborted) return out;
        const source = sources.length ? sources[k % sources.length]! : null;
        const bytes = await cameraJpeg(source, k + 1, camera, new Date());
        k++;
        const name = `${patientId}_${eye}_${n}.jpg`;
        const tmp = path.join(staging, name);
        writeFileSync(tmp, bytes);
        renameSync(tmp, path.join(opts.outDir, name)); // appears whole, as a camera's export does
        out.push({ file: name, patientId, eye, bytes: bytes.length, source: source ? path.basename(source) : 'generated' });
        log(`saved ${name} (${Math.round(bytes.length / 1024)} KB${source ? `, from ${path.basename(source)}` : ''})`);
        await new Promise((r) => setTimeout(r, interval));
      }
    }
  }
  return out;
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      out: { type: 'string' },
      patient: { type: 'string', multiple: true, default: [] },
      'per-eye': { type: 'string', default: '2' },
      'interval-ms': { type: 'string', default: '1500' },
      photos: { type: 'string' },
    },
  });
  if (!values.out || values.patient.length === 0) {
    console.error('usage: node scripts/camera-simulator.ts --out DIR --patient ID [--patient ID ...] [--per-eye N] [--interval-ms MS] [--photos DIR]');
    process.exit(2);
  }
  await runCameraSimulator({
    outDir: values.out,
    patients: values.patient,
    perEye: Number(values['per-eye']),
    intervalMs: Number(values['interval-ms']),
    ...(values.photos && { photoDir: values.photos }),
    log: (l) => console.log(`[camera] ${l}`),
  });
}

if (import.meta.main) {
  main().catch((err: unknown) => {
    console.error(err instanceof Error ? err.message : err);
    process.exit(1);
  });
}
