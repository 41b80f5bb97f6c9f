// Forwarding to PACS against DCMTK's storescp as the PACS (an independent peer): images taken in
// with a DICOM origin are forwarded byte for byte in their own syntax (private tags included), per
// route; a PACS that accepts only uncompressed syntaxes gets a converted copy; a PACS killed and
// restarted mid-run gets every image exactly once while cloud sync and intake go on; a PACS that
// refuses the station is a route state with a plain message; Test (C-ECHO) answers in a sentence.
import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Station } from '../../src/main/core/station.ts';
import type { DicomOrigin } from '../../src/main/core/kernel/hooks.ts';
import { readPart10Head } from '../../src/main/core/pacs/dimse-client.ts';
import { tempDir } from '../fixtures/headless.ts';
import { writeTestDicom } from '../fixtures/dicom.ts';
import { syntheticFundusJpeg } from '../fixtures/fundus.ts';
import { call, completeExam, openStation as openSyncStation, seedExam, startSyncWorld, until, type SyncWorld } from '../fixtures/sync-world.ts';
import { datasetBytes, dcmftest, dcmtkEncoded, dcmtkSkipReason, dumpDataset, freePort, hasDcmtk, readBytes, startStorescp, withPrivateTags, type Storescp } from '../fixtures/storescp.ts';

const FAST_PACS = { routeCheckMs: 150, timeouts: { connectMs: 2_000, associationMs: 5_000, pduMs: 10_000 }, concurrency: 2 };

const openStation = (dicom?: { cameras: string[] }): Promise<Station> =>
  openSyncStation({ dataDir: tempDir('pacs'), config: { pacsTiming: FAST_PACS, ...(dicom && { dicom: { port: 0, aeTitle: 'CAPTURE', address: '127.0.0.1', cameras: dicom.cameras } }) } });

/** Runs a DCMTK tool without blocking the event loop (the station answers in this same process). */
const run = (cmd: string, args: string[]): Promise<{ status: number | null; stderr: string }> =>
  new Promise((resolve) => {
    const child = spawn(cmd, args, { stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('close', (status) => resolve({ status, stderr }));
  });

let jpeg: Buffer;
/**
 * An OP image (JPEG Baseline) with private tags, as a DCMTK-based camera would send it. storescp
 * writes what it receives in DCMTK's encoding (explicit-length sequences); an object already in that
 * encoding comes out byte for byte as it went in, so the PACS's file shows exactly what was sent.
 */
function opImage(laterality: 'R' | 'L' = 'R'): Buffer {
  return dcmtkEncoded(withPrivateTags(writeTestDicom({ jpegFrame: jpeg, laterality, patientId: `PAT-${randomUUID().slice(0, 8)}` }), `marker-${randomUUID()}`));
}

/** Takes a file in as the DICOM listener does: through the pipeline, with its DICOM origin. */
async function receive(station: Station, bytes: Buffer, callingAe: string | null): Promise<string> {
  const head = readPart10Head(bytes)!;
  const dicom: DicomOrigin | undefined = callingAe
    ? { callingAe, calledAe: 'CAPTURE', sopClassUid: head.sopClassUid, sopInstanceUid: head.sopInstanceUid, transferSyntaxUid: head.transferSyntaxUid, associationId: randomUUID() }
    : undefined;
  const now = Date.now();
  const r = await station.pipeline.take({ path: `/dicom/${head.sopInstanceUid}.dcm`, bytes, size: bytes.length, mtimeMs: now, completeAt: now }, null, dicom ? { dicom } : {});
  if (r.kind !== 'new') throw new Error(`not stored: ${r.kind}`);
  return r.imageId;
}

const route = (pacs: Storescp, patch: Record<string, unknown> = {}) => ({ name: 'Clinic PACS', aeTitle: pacs.aeTitle, host: '127.0.0.1', port: pacs.port, callingAeTitle: 'CAPTURE', ...patch });

async function forwards(station: Station) {
  return (await call(station, 'sync.jobs', { limit: 500 })).forwards;
}

const opened: Station[] = [];
const peers: Storescp[] = [];
afterEach(async () => {
  for (const s of opened.splice(0)) await s.close();
  for (const p of peers.splice(0)) p.stop();
});

describe.skipIf(!hasDcmtk)(`forwarding to PACS (storescp) ${hasDcmtk ? '' : dcmtkSkipReason}`, () => {
  beforeAll(async () => {
    jpeg = await syntheticFundusJpeg({ width: 320, height: 240, seed: 5 });
  });

  it("forwards images that came by DICOM, byte for byte in their own syntax with private tags; a camera's route gets only its images", async () => {
    const common = await startStorescp();
    const cam2Pacs = await startStorescp({ aeTitle: 'PACS2' });
    peers.push(common, cam2Pacs);
    const station = await openStation();
    opened.push(station);
    await call(station, 'pacs.routes.save', route(common));
    await call(station, 'pacs.routes.save', route(cam2Pacs, { name: 'Camera 2 archive', match: 'camera', cameraAeTitle: 'CAM2' }));

    const fromCam1 = opImage('R');
    const fromCam2 = opImage('L');
    await receive(station, fromCam1, 'CAM1');
    await receive(station, fromCam2, 'CAM2');
    await receive(station, opImage('R'), null); // a DICOM file from a folder: not forwarded

    await until(async () => (await forwards(station)).filter((j) => j.state === 'done').length === 3, 20_000, () => forwards(station));
    const jobs = await forwards(station);
    expect(jobs).toHaveLength(3);
    expect(jobs.every((j) => j.outcome === 'stored')).toBe(true);
    expect(jobs.filter((j) => j.detail?.startsWith('to Camera 2 archive'))).toHaveLength(1);

    // The common PACS got both, the camera's route only CAM2's; each exactly once.
    expect(common.files()).toHaveLength(2);
    expect(cam2Pacs.files()).toHaveLength(1);
    const sent = new Map([fromCam1, fromCam2].map((b) => [readPart10Head(b)!.sopInstanceUid, b]));
    for (const file of [...common.files(), ...cam2Pacs.files()]) {
      const received = readBytes(file);
      const head = readPart10Head(received)!;
      const original = sent.get(head.sopInstanceUid)!;
      expect(head.transferSyntaxUid).toBe('1.2.840.10008.1.2.4.50');
      // The PACS's data set is the camera's, byte for byte (only the File Meta is the PACS's own).
      expect(datasetBytes(received).equals(datasetBytes(original))).toBe(true);
      expect(dumpDataset(file)).toContain('(0009,1001) LO [marker-');
      expect(dcmftest(file)).toBe(true);
    }
  });

  it('end to end: a camera sends with dcmsend to the station, which forwards the same data set to the PACS', async () => {
    const pacs = await startStorescp();
    const otherPacs = await startStorescp({ aeTitle: 'PACS2' });
    peers.push(pacs, otherPacs);
    const station = await openStation({ cameras: ['CAM1'] });
    opened.push(station);
    await call(station, 'pacs.routes.save', route(pacs));
    await call(station, 'pacs.routes.save', route(otherPacs, { name: 'Other camera', match: 'camera', cameraAeTitle: 'CAM7' }));
    const port = (await call(station, 'dicom.status', {})).listener.port!;
    const file = path.join(tempDir('send'), 'op.dcm');
    mkdirSync(path.dirname(file), { recursive: true });
    const sent = opImage('L');
    writeFileSync(file, sent);
    const r = await run('dcmsend', ['-aet', 'CAM1', '-aec', 'CAPTURE', '127.0.0.1', String(port), file]);
    expect(r.status, r.stderr).toBe(0);
    await until(async () => (await forwards(station)).some((j) => j.state === 'done'), 20_000, () => forwards(station));
    expect(pacs.files()).toHaveLength(1);
    expect(otherPacs.files()).toHaveLength(0);
    const received = readBytes(pacs.files()[0]!);
    expect(readPart10Head(received)!.transferSyntaxUid).toBe('1.2.840.10008.1.2.4.50');
    expect(datasetBytes(received).equals(datasetBytes(sent))).toBe(true);
    expect(dcmftest(pacs.files()[0]!)).toBe(true);
  });

  it('converts a JPEG Baseline image for a PACS that accepts only uncompressed syntaxes, private tags kept', async () => {
    const pacs = await startStorescp({ acceptAll: false });
    peers.push(pacs);
    const station = await openStation();
    opened.push(station);
    await call(station, 'pacs.routes.save', route(pacs));
    const original = opImage('R');
    await receive(station, original, 'CAM1');
    const [job] = await until(async () => {
      const j = await forwards(station);
      return j[0] && j[0].state !== 'waiting' && j[0].state !== 'running' && j[0].state !== 'retry-wait' ? j : null;
    }, 20_000, () => forwards(station));
    expect(job!.state).toBe('done');
    expect(job!.outcome).toBe('stored-converted');
    const [file] = pacs.files();
    expect(readPart10Head(readBytes(file!))!.transferSyntaxUid).toMatch(/^1\.2\.840\.10008\.1\.2(\.1)?$/);
    const dump = dumpDataset(file!);
    expect(dump).toContain('(0009,0010) LO [ACME FUNDUS 1.0]');
    expect(dump).toMatch(/\(0009,1002\) OB 01\\02\\03\\04\\05\\06/);
    expect(dump).toContain('(0009,1004) SH [inner]');
    expect(dump).toContain('(0028,0004) CS [RGB]');
    expect(dcmftest(file!)).toBe(true);
  });

  it('a PACS killed mid-run: forwards wait and retry, then each arrives exactly once; cloud sync and intake go on meanwhile', async () => {
    const world: SyncWorld = await startSyncWorld();
    try {
      const pacs = await startStorescp();
      peers.push(pacs);
      const station = await openStation();
      opened.push(station);
      await call(station, 'pacs.routes.save', route(pacs));
      const saved = await call(station, 'sync.settings.update', world.cloud());
      expect(saved.ok).toBe(true);

      await receive(station, opImage(), 'CAM1');
      await until(() => pacs.files().length === 1, 20_000);

      pacs.kill(); // the PACS goes away without a word
      const during = [opImage(), opImage('L'), opImage()];
      for (const b of during) await receive(station, b, 'CAM1'); // intake goes on
      const routeLane = async () => (await call(station, 'sync.status', {})).pacs.routes[0]!;
      await until(async () => (await routeLane()).state === 'offline', 20_000, routeLane);
      expect((await routeLane()).message).toMatch(/does not answer|refuses connections|closed the connection/);

      // Cloud sync is not held up by the PACS outage.
      const exam = await seedExam(station, 1, 1);
      await completeExam(station, exam.orderId);
      await until(async () => (await world.blobNames()).length === 2, 20_000, () => world.blobNames());
      const status = await call(station, 'sync.status', {});
      expect(status.lanes.storage.state).toBe('online');
      expect(status.pacs.waiting).toBeGreaterThan(0);

      await pacs.restart();
      await until(async () => (await forwards(station)).every((j) => j.state === 'done'), 30_000, () => forwards(station));
      expect((await routeLane()).state).toBe('online');
      // Each image exactly once (storescp +uf: a repeat would be a second file).
      const uids = pacs.files().map((f) => readPart10Head(readBytes(f))!.sopInstanceUid).sort();
      expect(uids).toHaveLength(4);
      expect(new Set(uids).size).toBe(4);
      for (const b of during) expect(uids).toContain(readPart10Head(b)!.sopInstanceUid);
    } finally {
      await world.stop();
    }
  });

  it('a PACS that refuses the station: the route is marked refused with a plain message, and nothing is lost', async () => {
    const pacs = await startStorescp({ refuse: true });
    peers.push(pacs);
    const station = await openStation();
    opened.push(station);
    const saved = await call(station, 'pacs.routes.save', route(pacs));
    await receive(station, opImage(), 'CAM1');
    const lane = async () => (await call(station, 'sync.status', {})).pacs.routes[0]!;
    await until(async () => (await lane()).state === 'refused', 20_000, lane);
    expect((await lane()).message).toMatch(/^The PACS "Clinic PACS" \(PACS at 127\.0\.0\.1:\d+\) refused the connection \(/);
    const [job] = await forwards(station);
    expect(['retry-wait', 'waiting', 'running']).toContain(job!.state);
    const echo = await call(station, 'pacs.routes.test', { id: saved.id });
    expect(echo.ok).toBe(false);
    expect(echo.message).toMatch(/refused the connection/);

    // IT fixes the PACS: the route is saved again and the image goes.
    pacs.stop();
    const fixed = await startStorescp({ port: pacs.port });
    peers.push(fixed);
    await call(station, 'pacs.routes.save', { ...route(fixed), id: saved.id });
    await until(async () => (await forwards(station))[0]!.state === 'done', 20_000, () => forwards(station));
    expect(fixed.files()).toHaveLength(1);
  });

  it('Test (C-ECHO): a plain sentence for a PACS that answers and for a closed port; routes are listed, saved and removed', async () => {
    const pacs = await startStorescp();
    peers.push(pacs);
    const station = await openStation();
    opened.push(station);
    const ok = await call(station, 'pacs.routes.test', route(pacs));
    expect(ok.ok).toBe(true);
    expect(ok.message).toMatch(/^The PACS "Clinic PACS" \(PACS at 127\.0\.0\.1:\d+\) answered the echo in \d+ ms: it accepts the station as "CAPTURE"\.$/);

    const closedPort = await freePort();
    const down = await call(station, 'pacs.routes.test', route(pacs, { port: closedPort }));
    expect(down).toEqual({ ok: false, message: `The PACS "Clinic PACS" (PACS at 127.0.0.1:${closedPort}) refuses connections on that port. Check the host, the port and that the PACS is running.` });

    const saved = await call(station, 'pacs.routes.save', route(pacs, { port: closedPort, match: 'camera', cameraAeTitle: 'CAM9' }));
    expect((await call(station, 'pacs.routes.list', {})).map((r) => r.cameraAeTitle)).toEqual(['CAM9']);
    await receive(station, opImage(), 'CAM9');
    await until(async () => (await forwards(station))[0]?.state === 'retry-wait', 20_000, () => forwards(station));
    expect(await call(station, 'pacs.routes.remove', { id: saved.id })).toEqual({ ok: true, withdrawn: 1 });
    expect(await call(station, 'pacs.routes.list', {})).toEqual([]);
    expect((await call(station, 'sync.jobs', {})).forwards).toEqual([]);
    expect(station.sync.outbox.counts()).toContainEqual({ kind: 'forward-pacs', state: 'cancelled', n: 1 });
  });
});
