// What the DICOM screens read from the station (issue 13 item 5), with DCMTK as the camera and the
// PACS: an image sent with dcmsend carrying a walk-in order's StudyInstanceUID shows in the exam
// view as "came by DICOM from CAM1 (its name in the camera list)" and linked by the Study Instance
// UID; dicom.status counts today's objects and refusals; the forward to the PACS names its route,
// so the Queue can list forwards per route. A photo from a folder carries no DICOM origin.
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeOp, openDicomStation, send, dcmtkSkipReason, hasDcmtk, type DicomStation } from '../fixtures/dicom-camera.ts';
import { startStorescp, type Storescp } from '../fixtures/storescp.ts';
import { tempDir, waitFor } from '../fixtures/headless.ts';
import { call } from '../fixtures/sync-world.ts';
import { writeTestDicom } from '../fixtures/dicom.ts';
import { syntheticFundusJpeg } from '../fixtures/fundus.ts';

describe.skipIf(!hasDcmtk)(hasDcmtk ? 'the DICOM screens\' views' : `DICOM screens' views: skipped, ${dcmtkSkipReason}`, () => {
  let node: DicomStation;
  let pacs: Storescp;
  let work = '';

  beforeAll(async () => {
    work = tempDir('dicom-views');
    mkdirSync(work, { recursive: true });
    pacs = await startStorescp();
    node = await openDicomStation();
    await call(node.station, 'dicom.cameras.save', {
      camera: { aeTitle: 'CAM1', name: 'Fundus room 2', host: null, charset: 'utf8', defaultModality: 'OP', worklistStationAeTitle: null },
      previousAeTitle: null,
    });
  });
  afterAll(async () => {
    await node?.station.close();
    pacs?.stop();
  });

  it('shows a DICOM image in its exam with the camera and "linked by Study Instance UID"; today counts it; its forward names its route', async () => {
    const { station, port } = node;
    const route = await call(station, 'pacs.routes.save', { name: 'Clinic PACS', aeTitle: pacs.aeTitle, host: '127.0.0.1', port: pacs.port, callingAeTitle: 'STATION' });
    await call(station, 'operators.add', { name: 'Op' });
    const created = await call(station, 'orders.create', {
      order: { patientId: 'VIEW-1', name: 'Berg, Ida', birthDate: '1950-02-03', sex: 'F', scheduledAt: new Date().toISOString(), site: null, externalOrderId: null, accessionNumber: null },
      allowDuplicate: false,
    });
    if (!created.created) throw new Error('order not created');
    const orderId = created.order.id;
    const studyUid = station.worklist.repo.byId(orderId)!.study_instance_uid!;
    expect(studyUid).toMatch(/^2\.25\./);

    // The camera copied the worklist item's StudyInstanceUID (the first rule of exact linking, before accession and patient id).
    const file = await makeOp({ dir: work, name: 'od', laterality: 'R', patientId: 'VIEW-1', extraKeys: [`StudyInstanceUID=${studyUid}`] });
    const sent = await send(port, [file], 'CAM1', 'STATION');
    expect(sent.code, sent.out).toBe(0);

    const exam = await waitFor(async () => {
      const e = await call(station, 'exam.get', { orderId });
      return e.eyes.OD.images.length === 1 ? e : undefined;
    }, 20_000, 'the image in the right eye');
    const img = exam.eyes.OD.images[0]!;
    expect(img.dicom).toEqual({ callingAe: 'CAM1', cameraName: 'Fundus room 2' });
    expect(img.matchRule).toBe('study-uid');
    expect(img.matchConfidence).toBe('strong');

    // A photo from a folder (same station, a DICOM file read from disk) carries no DICOM origin.
    const jpeg = await syntheticFundusJpeg({ width: 320, height: 240, seed: 9 });
    const bytes = writeTestDicom({ jpegFrame: jpeg, laterality: 'L', patientId: 'VIEW-1' });
    const now = Date.now();
    const r = await station.pipeline.take({ path: path.join(work, 'os.dcm'), bytes, size: bytes.length, mtimeMs: now, completeAt: now }, null);
    expect(r.kind).toBe('new');
    const again = await call(station, 'exam.get', { orderId });
    expect(again.eyes.OS.images.map((i) => [i.dicom, i.matchRule])).toEqual([[null, 'patient-id']]);

    // An object the listener refused is a visible error row named dicom://<AE>/<SOP instance>.
    station.pipeline.refuse('dicom://CAM1/1.2.3.4.5', null, 'The object is cut short.', 100);
    const status = await call(station, 'dicom.status', {});
    expect(status.today).toEqual({ objects: 1, refused: 1, lastObjectAt: expect.any(String) });
    expect(status.cameras.find((c) => c.aeTitle === 'CAM1')!.activity.objectsEver).toBe(1);

    const forwards = await waitFor(async () => {
      const f = (await call(station, 'sync.jobs', { limit: 50 })).forwards;
      return f.length === 1 && f[0]!.state === 'done' ? f : undefined;
    }, 20_000, 'the forward to the PACS');
    expect(forwards[0]!.routeId).toBe(route.id);
    const uploads = (await call(station, 'sync.jobs', { limit: 50 })).uploads;
    expect(uploads.every((u) => u.routeId === null)).toBe(true);
    expect(pacs.files()).toHaveLength(1);
  });
});
