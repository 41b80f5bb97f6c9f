// The ingest hot path does each thing once (issue 9, "one home per concern"): a DICOM is parsed
// once (the completion check's parse is carried to the metadata stage), the file-name rules run
// once per image (matching reads their result from the facts), and every decode, a camera's too,
// waits its turn in the pipeline's one bounded queue, where hashing and de-duplication happen.
// Real Station, real folders, real SQLite, sharp and dcmjs.
import { afterEach, describe, expect, it } from 'vitest';
import { mkdir, rename, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { Station } from '../../src/main/core/station.ts';
import { silentLogger } from '../../src/main/core/kernel/logger.ts';
import { nowIso } from '../../src/main/core/kernel/ids.ts';
import { dicomParseCount, parseDicom } from '../../src/main/core/metadata/dicom.ts';
import { fileNameRulesApplied } from '../../src/main/core/metadata/filename-rules.ts';
import { decodeStats, resetDecodePeak } from '../../src/main/core/imaging/decode.ts';
import { FileSettler, type SettledFile } from '../../src/main/core/sources/file-settler.ts';
import { tempDir, waitFor } from '../fixtures/headless.ts';
import { syntheticFundusJpeg } from '../fixtures/fundus.ts';
import { writeTestDicom } from '../fixtures/dicom.ts';
import { burstPhotos, cardPhotoBytes, endedSession, plugIn, writeCard } from '../fixtures/camera-volume.ts';

const walkIn = (patientId: string) => ({
  patientId,
  name: 'Test, Patient',
  birthDate: '1956-04-30',
  sex: 'F' as const,
  scheduledAt: nowIso(),
  site: null,
  externalOrderId: null,
  accessionNumber: null,
});

const urls = { thumb: (id: string) => `/t/${id}`, full: (id: string) => `/f/${id}` };
let open: Station[] = [];

async function station(opts: { root?: string; ingestConcurrency?: number } = {}) {
  const watchDir = tempDir('once-watch');
  const s = await Station.open({
    dataDir: tempDir('once-data'),
    host: 'headless',
    version: 'test',
    urls,
    watch: [watchDir],
    logger: silentLogger(),
    quality: false,
    ...(opts.root && { volumesRoot: opts.root, volumePollMs: 50 }),
    ingestConcurrency: opts.ingestConcurrency,
  });
  open.push(s);
  return { s, watchDir };
}

afterEach(async () => {
  await Promise.all(open.map((s) => s.close()));
  open = [];
});

const items = async (s: Station) => (await s.api['images.list']({ limit: 500 })).items;
const named = async (s: Station, name: string) => (await items(s)).find((i) => i.fileName === name && i.status === 'ready');

/** Written beside the folder and renamed in, as a camera's export does: one event, one look. */
async function dropWhole(watchDir: string, name: string, bytes: Buffer): Promise<void> {
  const staging = tempDir('once-stage');
  await writeFile(path.join(staging, name), bytes);
  await rename(path.join(staging, name), path.join(watchDir, name));
}

describe('each thing once on the ingest path', () => {
  it('a DICOM from a watched folder is parsed once: the completion check hands its parse to the metadata stage', async () => {
    const { s, watchDir } = await station();
    const frame = await syntheticFundusJpeg({ width: 400, height: 300, seed: 5 });
    const before = dicomParseCount();
    await dropWhole(watchDir, 'right.dcm', writeTestDicom({ jpegFrame: frame, patientId: 'P-1', laterality: 'R' }));
    const img = await waitFor(() => named(s, 'right.dcm'), 15_000, 'right.dcm');
    expect(dicomParseCount() - before).toBe(1);
    expect([img.patientId, img.laterality, img.format]).toEqual(['P-1', 'OD', 'dicom']);
    expect(img.thumbnailUrl).toBeTruthy();
  });

  it('a DICOM rewritten while it settles: the parse handed on is always of the bytes handed on', async () => {
    const dir = tempDir('once-settle');
    const file = path.join(dir, 'x.dcm');
    const first = writeTestDicom({ patientId: 'FIRST' });
    const second = writeTestDicom({ patientId: 'SECOND-AND-LONGER', extra: { StudyDescription: 'rewritten by the camera' } });
    expect(second.length).not.toBe(first.length);
    const settled: SettledFile[] = [];
    const settler = new FileSettler({
      limits: () => ({ stabilityMs: 150, quietMs: 1_000, incompleteTimeoutMs: 10_000, maxBytes: 1e9 }),
      onComplete: (f) => void settled.push(f),
      onIncomplete: () => undefined,
      onUnreadable: () => undefined,
    });
    await writeFile(file, first);
    settler.touch(file);
    await new Promise((r) => setTimeout(r, 60)); // read and judged; the stability check is pending
    await writeFile(file, second);
    settler.touch(file);
    const done = await waitFor(() => settled[0], 10_000, 'settled');
    settler.close();
    expect(settled).toHaveLength(1);
    expect(done.bytes.equals(second)).toBe(true);
    expect(done.size).toBe(second.length);
    expect(done.dicom?.facts.patientId).toBe('SECOND-AND-LONGER');
    expect(done.dicom?.facts).toEqual(parseDicom(done.bytes).facts);
  });

  it('a burst from a folder: its source hears about new files coalesced, and its last-file time ends after the last photo', async () => {
    const { s, watchDir } = await station();
    const changed: string[] = [];
    s.events.subscribe((event) => void (event === 'sources.changed' && changed.push(event)));
    const photos = await Promise.all(Array.from({ length: 8 }, (_, i) => syntheticFundusJpeg({ width: 300, height: 200, seed: 60 + i })));
    await Promise.all(photos.map((b, i) => dropWhole(watchDir, `burst-${i}.jpg`, b)));
    await waitFor(async () => (await items(s)).filter((i) => i.status === 'ready').length === 8 || undefined, 15_000, '8 photos');
    await s.pipeline.idle();
    const last = (await items(s)).map((i) => i.ingestedAt).sort().at(-1)!;
    const [source] = (await s.api['sources.list']({})).items;
    expect(source!.lastFileAt).not.toBeNull();
    expect(source!.lastFileAt! >= last).toBe(true);
    expect(changed.length).toBeGreaterThan(0);
  });

  it('the file-name rules run once per image, and matching still reads what they found', async () => {
    const { s, watchDir } = await station();
    s.settings.update({ fileNameRules: [{ id: 'site', name: 'Site', pattern: '^(?<patientId>[A-Z]-\\d+)_(?<eye>OD|OS)_' }] });
    await s.api['operators.add']({ name: 'Op' });
    const created = await s.api['orders.create']({ order: walkIn('W-100'), allowDuplicate: false });
    if (!created.created) throw new Error('not created');
    const order = created.order;
    const before = fileNameRulesApplied();
    await dropWhole(watchDir, 'W-100_OD_1.jpg', await syntheticFundusJpeg({ width: 300, height: 200, seed: 8 }));
    const img = await waitFor(() => named(s, 'W-100_OD_1.jpg'), 15_000, 'W-100_OD_1.jpg');
    expect(fileNameRulesApplied() - before).toBe(1);
    expect([img.patientId, img.orderId, img.eye, img.matchRule, img.matchConfidence]).toEqual(['W-100', order.id, 'OD', 'filename-rule', 'weak']);
  });

  it("a camera import and a folder drop at once share the pipeline's queue: never more decodes at once than it allows", async () => {
    const root = tempDir('once-root');
    const { s, watchDir } = await station({ root, ingestConcurrency: 1 });
    const card = path.join(tempDir('once-card'), 'CAM');
    await writeCard(card, burstPhotos(await cardPhotoBytes(12, { tag: 'queue', preferReal: false, width: 900, height: 600, grain: 20 })));
    const folderPhotos = await Promise.all(Array.from({ length: 6 }, (_, i) => syntheticFundusJpeg({ width: 900, height: 600, seed: 40 + i, grain: 20 })));
    resetDecodePeak();
    await plugIn(card, root, 'CAM');
    await Promise.all(folderPhotos.map((b, i) => dropWhole(watchDir, `drop-${i}.jpg`, b)));
    const done = await endedSession(s, 1);
    await waitFor(async () => (await items(s)).filter((i) => i.status === 'ready').length === 18 || undefined, 60_000, '18 photos');
    expect(done).toMatchObject({ state: 'done', newImages: 12, alreadyKnown: 0, refused: 0 });
    expect(decodeStats().peakInFlight).toBe(1);
    expect(s.pipeline.peakInFlight).toBe(1);
  });

  it('a photo from a camera that the station already has is "already known", also when a card holds it twice', async () => {
    const root = tempDir('once-root');
    const { s, watchDir } = await station({ root });
    const bytes = await cardPhotoBytes(4, { tag: 'known', preferReal: false });
    await dropWhole(watchDir, 'from-folder.jpg', bytes[0]!);
    await waitFor(() => named(s, 'from-folder.jpg'), 15_000, 'from-folder.jpg');
    const photos = burstPhotos([bytes[0]!, bytes[1]!, bytes[2]!, bytes[2]!, bytes[3]!]);
    const card = path.join(tempDir('once-card'), 'CAM');
    await mkdir(card, { recursive: true });
    await writeCard(card, photos);
    await plugIn(card, root, 'CAM');
    const done = await endedSession(s, 1);
    expect(done).toMatchObject({ state: 'done', filesToImport: 5, newImages: 3, alreadyKnown: 2, refused: 0 });
    expect((await items(s)).filter((i) => i.status === 'ready')).toHaveLength(4);
    expect((await items(s)).filter((i) => i.status === 'error')).toEqual([]);
  });
});
