// A whole clinic day at a DICOM camera, end to end (issue 13's "Done when"), with DCMTK as the
// camera and as the PACS and nobody typing a patient id: a real Station (its DICOM node on a free
// loopback port, one known camera CAM1 that wants Latin-1, a PACS route to DCMTK's `storescp +xa`,
// cloud sync to Azurite). In the morning the orders arrive (walk-ins through the api and a .wl
// folder provider, one of them for tomorrow). For each patient the camera asks for today's worklist
// with `findscu -W` (half the time without a Scheduled Station AE Title), picks the patient by name
// from the answer, makes OD and OS with `img2dcm -oph -stf <answer>` (patient and study copied from
// the worklist item, the Request Attributes Sequence from its ids, as IHE scheduled workflow says;
// one patient in JPEG 2000 by `gdcmconv --j2k`) and sends both eyes with `dcmsend`. Half way through
// the PACS is killed; the camera goes on; later the PACS comes back. At the end every image is in
// its own exam, in the right eye, strongly linked by Study Instance UID, with a thumbnail and a
// hint; every image is in the PACS exactly once with the data set the camera sent; the operator only
// completes the exams, which go to the cloud; the worklist on the camera is then empty.
import { execFile } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { localDateString } from '../../src/shared/dates.ts';
import type { MethodOutput } from '../../src/shared/contract/index.ts';
import { SYNC_OPERATOR } from '../../src/main/core/sync/submit-order.ts';
import { readPart10Head } from '../../src/main/core/pacs/dimse-client.ts';
import { dicomTagText, linkedByText } from '../../src/renderer/src/dicom-text.ts';
import { dcmtkSkipReason, hasDcmtk, openDicomStation, run, type DicomStation } from '../fixtures/dicom-camera.ts';
import { datasetBytes, dcmftest, startStorescp, type Storescp } from '../fixtures/storescp.ts';
import { tempDir, waitFor } from '../fixtures/headless.ts';
import { syntheticFundusJpeg } from '../fixtures/fundus.ts';
import { call, FAST_SYNC, signIn, startSyncWorld, type SyncWorld } from '../fixtures/sync-world.ts';

const execFileP = promisify(execFile);
const FAST_PACS = { routeCheckMs: 150, timeouts: { connectMs: 2_000, associationMs: 5_000, pduMs: 10_000 }, concurrency: 2 };
const NODE_AE = 'STATION';
const JPEG_BASELINE = '1.2.840.10008.1.2.4.50';
const JPEG_2000 = '1.2.840.10008.1.2.4.90'; // gdcmconv --j2k: JPEG 2000 Lossless Only
const CAMERA_AE = 'CAM1';
const CAMERA_NAME = 'Fundus room 1';
const LONG = 40_000;
/** Per step of the day: the waits inside are generous (LONG); a run takes seconds. */
const STEP_TIMEOUT = 120_000;

const localDay = (offsetDays: number): Date => {
  const d = new Date();
  return new Date(d.getFullYear(), d.getMonth(), d.getDate() + offsetDays);
};
const TODAY = localDateString(localDay(0)).replace(/-/g, '');
const TOMORROW = localDateString(localDay(1)).replace(/-/g, '');
/** Today (local) at hh:mm, as the front desk schedules it. */
const todayAt = (h: number, m = 0): string => {
  const d = localDay(0);
  d.setHours(h, m);
  return d.toISOString();
};

interface Patient {
  /** The name as the camera shows it (DICOM PN, decoded from the answer's character set). */
  pn: string;
  /** Only the front desk and the final checks know it; the camera reads it from the worklist. */
  id: string;
  how: 'walk-in' | 'provider';
  display: string;
  sex: 'F' | 'M';
  birthDate: string;
  at: [number, number];
  /** A provider item scheduled on this camera by name (SSAET); null: any camera of the station. */
  ae?: string;
  j2k?: boolean;
}

const PATIENTS: Patient[] = [
  { pn: 'Müller^Anna', id: 'MU-1001', how: 'walk-in', display: 'Müller, Anna', sex: 'F', birthDate: '1956-04-30', at: [8, 0] },
  { pn: 'García^José', id: 'GA-1002', how: 'walk-in', display: 'García, José', sex: 'M', birthDate: '1948-11-02', at: [8, 30] },
  { pn: 'Berg^Ida', id: 'BE-1003', how: 'provider', display: 'Berg^Ida', sex: 'F', birthDate: '1950-02-03', at: [9, 0] },
  { pn: 'Novák^Petr', id: 'NO-1004', how: 'provider', display: 'Novák^Petr', sex: 'M', birthDate: '1961-07-19', at: [9, 30], j2k: true },
  { pn: 'Smith^John', id: 'SM-1005', how: 'walk-in', display: 'Smith, John', sex: 'M', birthDate: '1939-01-21', at: [10, 0] },
  { pn: 'Okafor^Chidi', id: 'OK-1006', how: 'provider', display: 'Okafor^Chidi', sex: 'M', birthDate: '1972-05-05', at: [10, 30], ae: CAMERA_AE },
  { pn: 'Lindqvist^Åsa', id: 'LI-1007', how: 'walk-in', display: 'Lindqvist, Åsa', sex: 'F', birthDate: '1944-09-09', at: [11, 0] },
];
const TOMORROWS = { pn: 'Morgen^Tom', id: 'TO-1008' };

const OP_KEYS = [
  'AcquisitionDeviceTypeCodeSequence[0].CodeValue=409899009',
  'AcquisitionDeviceTypeCodeSequence[0].CodingSchemeDesignator=SCT',
  'AcquisitionDeviceTypeCodeSequence[0].CodeMeaning=Fundus Camera',
  'AnatomicRegionSequence[0].CodeValue=81745001',
  'AnatomicRegionSequence[0].CodingSchemeDesignator=SCT',
  'AnatomicRegionSequence[0].CodeMeaning=Eye',
];

/** A DCMTK dump of a worklist item or query: top-level lines, then the step item's lines. */
function dump(top: string[], step: string[]): string {
  return `${[...top, '(0040,0100) SQ (Sequence with undefined length)', '(fffe,e000) na (Item with undefined length)', ...step, '(fffe,e00d) na', '(fffe,e0dd) na'].join('\n')}\n`;
}

/** A value from dcmdump's text (the first one with that tag, nested ones included). */
const value = (text: string, tag: string): string | null => new RegExp(`\\(${tag}\\) \\w\\w \\[([^\\]]*)\\]`, 'i').exec(text)?.[1] ?? null;

async function must(cmd: string, args: string[]): Promise<string> {
  const r = await run(cmd, args);
  if (r.code !== 0) throw new Error(`${cmd} ${args.join(' ')} failed (${r.code}): ${r.out}`);
  return r.out;
}

interface Answer {
  file: string;
  text: string;
  bytes: Buffer;
}

type Exam = MethodOutput<'exam.get'>;

describe.skipIf(!hasDcmtk)(hasDcmtk ? 'a whole day at a DICOM camera (DCMTK), end to end' : `a day at a DICOM camera: skipped, ${dcmtkSkipReason}`, () => {
  let node: DicomStation;
  let pacs: Storescp;
  let world: SyncWorld;
  let work = '';
  let queries = 0;
  /** Patient id (as the final checks know it) -> order id. */
  const orderOf = new Map<string, string>();
  /** SOP Instance UID -> the file the camera sent. */
  const sent = new Map<string, string>();
  /** Patient id -> the worklist item the camera picked (read back from findscu's answer). */
  const picked = new Map<string, { studyUid: string; accession: string; patientId: string; stepId: string; procedureId: string }>();
  let latin1Answer: Buffer | null = null;

  /** The camera asks for today's OP worklist; with `ssaet` false it sends no Scheduled Station AE Title. */
  async function askWorklist(ssaet: boolean): Promise<Answer[]> {
    const dir = path.join(work, `query-${++queries}`);
    mkdirSync(dir);
    const q = dump(
      ['(0008,0050) SH []', '(0010,0010) PN []', '(0010,0020) LO []', '(0010,0030) DA []', '(0010,0040) CS []', '(0020,000d) UI []', '(0032,1060) LO []', '(0040,1001) SH []'],
      ['(0008,0060) CS [OP]', ...(ssaet ? [`(0040,0001) AE [${CAMERA_AE}]`] : []), `(0040,0002) DA [${TODAY}]`, '(0040,0003) TM []', '(0040,0007) LO []', '(0040,0009) SH []'],
    );
    writeFileSync(path.join(dir, 'query.dump'), q);
    await must('dump2dcm', [path.join(dir, 'query.dump'), path.join(dir, 'query.dcm')]);
    await must('findscu', ['-W', '-aet', CAMERA_AE, '-aec', NODE_AE, '127.0.0.1', String(node.port), path.join(dir, 'query.dcm'), '-X', '-od', dir]);
    const files = readdirSync(dir).filter((f) => f.startsWith('rsp')).sort();
    return Promise.all(
      files.map(async (f) => {
        const file = path.join(dir, f);
        // dcmdump prints text values as their bytes; CAM1 is a Latin-1 camera, so it reads them as Latin-1.
        const { stdout } = await execFileP('dcmdump', [file], { encoding: 'buffer' });
        return { file, text: stdout.toString('latin1'), bytes: readFileSync(file) };
      }),
    );
  }

  /** The camera photographs one eye: patient and study from the worklist answer, the request from its ids. */
  async function photograph(p: Patient, item: Answer, eye: 'R' | 'L', seed: number): Promise<string> {
    const base = path.join(work, `${p.id}-${eye}`);
    writeFileSync(`${base}.jpg`, await syntheticFundusJpeg({ width: 640, height: 480, seed }));
    const ids = picked.get(p.id)!;
    const keys = [
      ...OP_KEYS,
      `ImageLaterality=${eye}`,
      `RequestAttributesSequence[0].RequestedProcedureID=${ids.procedureId}`,
      `RequestAttributesSequence[0].ScheduledProcedureStepID=${ids.stepId}`,
      `RequestAttributesSequence[0].AccessionNumber=${ids.accession}`,
      `RequestAttributesSequence[0].StudyInstanceUID=${ids.studyUid}`,
    ];
    // -stf: Patient's Name, Patient ID, birth date, sex, Specific Character Set, Study Instance UID
    // and Accession Number come from the answer file itself (the Latin-1 name as its bytes).
    await must('img2dcm', ['-oph', '-stf', item.file, ...keys.flatMap((k) => ['-k', k]), `${base}.jpg`, `${base}.dcm`]);
    if (!p.j2k) return `${base}.dcm`;
    await must('gdcmconv', ['--raw', `${base}.dcm`, `${base}-raw.dcm`]);
    await must('gdcmconv', ['--j2k', `${base}-raw.dcm`, `${base}-j2k.dcm`]);
    return `${base}-j2k.dcm`;
  }

  beforeAll(async () => {
    work = tempDir('dicom-day');
    pacs = await startStorescp({ aeTitle: 'PACS' });
    world = await startSyncWorld();
    node = await openDicomStation({
      quality: true,
      syncTiming: FAST_SYNC,
      pacsTiming: FAST_PACS,
      dicom: { port: 0, aeTitle: NODE_AE, address: '127.0.0.1', cameras: [CAMERA_AE] },
    });
    const { station } = node;
    // What IT configures once: the camera (Latin-1), the PACS route, the cloud.
    await call(station, 'dicom.cameras.save', {
      camera: { aeTitle: CAMERA_AE, name: CAMERA_NAME, host: null, charset: 'latin1', defaultModality: 'OP', worklistStationAeTitle: null },
      previousAeTitle: CAMERA_AE,
    });
    await call(station, 'pacs.routes.save', { name: 'Clinic PACS', aeTitle: pacs.aeTitle, host: '127.0.0.1', port: pacs.port, callingAeTitle: NODE_AE });
    expect((await call(station, 'sync.settings.update', world.cloud())).ok).toBe(true);
    await signIn(station);
  });

  afterAll(async () => {
    await node?.station.close();
    pacs?.stop();
    await world?.stop();
  });

  it('morning: the orders arrive (walk-ins and a worklist folder), and the camera sees today\'s, in Latin-1, never tomorrow\'s', async () => {
    const { station } = node;
    for (const p of PATIENTS.filter((x) => x.how === 'walk-in')) {
      const r = await call(station, 'orders.create', {
        order: { patientId: p.id, name: p.display, birthDate: p.birthDate, sex: p.sex, scheduledAt: todayAt(...p.at), site: null, externalOrderId: null, accessionNumber: null },
        allowDuplicate: false,
      });
      if (!r.created) throw new Error(`order ${p.id} not created`);
    }
    const wlDir = path.join(work, 'worklist');
    mkdirSync(wlDir);
    const items = [
      ...PATIENTS.filter((x) => x.how === 'provider').map((p) => ({ ...p, day: TODAY, time: `${String(p.at[0]).padStart(2, '0')}${String(p.at[1]).padStart(2, '0')}00` })),
      { ...TOMORROWS, sex: 'M', birthDate: '1980-01-01', day: TOMORROW, time: '090000', ae: undefined },
    ];
    for (const p of items) {
      const text = dump(
        ['(0008,0005) CS [ISO_IR 192]', `(0010,0010) PN [${p.pn}]`, `(0010,0020) LO [${p.id}]`, `(0010,0030) DA [${p.birthDate.replace(/-/g, '')}]`, `(0010,0040) CS [${p.sex}]`],
        ['(0008,0060) CS [OP]', ...(p.ae ? [`(0040,0001) AE [${p.ae}]`] : []), `(0040,0002) DA [${p.day}]`, `(0040,0003) TM [${p.time}]`],
      );
      writeFileSync(path.join(work, `${p.id}.dump`), text);
      await must('dump2dcm', ['+te', path.join(work, `${p.id}.dump`), path.join(wlDir, `${p.id}.wl`)]);
    }
    await call(station, 'worklist.settings.update', { folder: { enabled: true, path: wlDir, pollSeconds: 3600 } });
    await call(station, 'worklist.refresh', {});
    const day = (offset: number) => localDateString(localDay(offset));
    const all = await waitFor(async () => {
      const today = (await call(station, 'worklist.list', { day: day(0) })).items;
      const tomorrow = (await call(station, 'worklist.list', { day: day(1) })).items;
      return today.length === PATIENTS.length && tomorrow.length === 1 ? [...today, ...tomorrow] : undefined;
    }, LONG, 'the morning\'s orders');
    for (const o of all) orderOf.set(o.patientId, o.id);

    const answers = await askWorklist(false);
    const names = answers.map((a) => value(a.text, '0010,0010')).sort();
    expect(names).toEqual(PATIENTS.map((p) => p.pn).sort());
    expect(names).not.toContain(TOMORROWS.pn);
    for (const a of answers) expect(value(a.text, '0008,0005')).toBe('ISO_IR 100');
    // The Latin-1 camera gets "Müller" and "García" as ISO_IR 100 bytes, not UTF-8.
    const muller = answers.find((a) => value(a.text, '0010,0010') === 'Müller^Anna')!;
    const garcia = answers.find((a) => value(a.text, '0010,0010') === 'García^José')!;
    expect(muller.bytes.includes(Buffer.from('Müller^Anna', 'latin1'))).toBe(true);
    expect(garcia.bytes.includes(Buffer.from('García^José', 'latin1'))).toBe(true);
    expect(muller.bytes.includes(Buffer.from('Müller', 'utf8'))).toBe(false);
    latin1Answer = muller.bytes;
  }, STEP_TIMEOUT);

  it('the day: per patient a worklist query, OD and OS by img2dcm and dcmsend; the PACS goes away half way and comes back', async () => {
    expect(latin1Answer, 'the morning ran').not.toBeNull();
    const { station } = node;
    const forwards = async () => (await call(station, 'sync.jobs', { limit: 500 })).forwards;
    const route = async () => (await call(station, 'sync.status', {})).pacs.routes[0]!;
    let seed = 100;
    for (const [i, p] of PATIENTS.entries()) {
      if (i === 3) {
        // The PACS goes away at a quiet moment (everything so far forwarded), without a word.
        await waitFor(async () => {
          const f = await forwards();
          return f.length === 6 && f.every((j) => j.state === 'done') ? f : undefined;
        }, LONG, 'the morning\'s forwards');
        expect(pacs.files()).toHaveLength(6);
        pacs.kill();
      }
      if (i === 5) {
        // Intake went on during the outage: both patients' photos are in their exams, their forwards wait.
        for (const q of PATIENTS.slice(3, 5)) {
          await waitFor(async () => {
            const e = await call(station, 'exam.get', { orderId: orderOf.get(q.id)! });
            return e.eyes.OD.images.length === 1 && e.eyes.OS.images.length === 1 ? e : undefined;
          }, LONG, `${q.id}'s photos during the outage`);
        }
        await waitFor(async () => ((await route()).state === 'offline' ? true : undefined), LONG, 'the route offline');
        expect((await route()).message).toMatch(/does not answer|refuses connections|closed the connection/);
        expect((await forwards()).filter((j) => j.state !== 'done')).toHaveLength(4);
        expect(pacs.files()).toHaveLength(6);
        await pacs.restart();
      }
      // The camera refreshes its worklist (half of the time without SSAET) and the operator picks the patient by name.
      const answers = await askWorklist(i % 2 === 0);
      const mine = answers.filter((a) => value(a.text, '0010,0010') === p.pn);
      expect(mine, `${p.pn} on the camera's worklist`).toHaveLength(1);
      expect(answers.map((a) => value(a.text, '0010,0010'))).not.toContain(TOMORROWS.pn);
      const item = mine[0]!;
      picked.set(p.id, {
        studyUid: value(item.text, '0020,000d')!,
        accession: value(item.text, '0008,0050')!,
        patientId: value(item.text, '0010,0020')!,
        procedureId: value(item.text, '0040,1001')!,
        stepId: value(item.text, '0040,0009')!,
      });
      expect(picked.get(p.id)!.studyUid).toMatch(/^[\d.]+$/);
      expect(picked.get(p.id)!.accession).not.toBe('');
      const od = await photograph(p, item, 'R', seed++);
      const os = await photograph(p, item, 'L', seed++);
      const r = await run('dcmsend', ['-v', '-aet', CAMERA_AE, '-aec', NODE_AE, '127.0.0.1', String(node.port), od, os]);
      expect(r.code, r.out).toBe(0);
      for (const f of [od, os]) sent.set(readPart10Head(readFileSync(f))!.sopInstanceUid, f);
      if (p.id === 'MU-1001') {
        // The camera's own object carries the name as the worklist gave it: ISO_IR 100 bytes.
        expect(value((await must('dcmdump', ['+P', '0008,0005', od])), '0008,0005')).toBe('ISO_IR 100');
        expect(readFileSync(od).includes(Buffer.from('Müller^Anna', 'latin1'))).toBe(true);
      }
    }
    expect(sent.size).toBe(PATIENTS.length * 2);
  }, STEP_TIMEOUT);

  it('end of the day: each image in its own exam and eye, strongly linked, with thumbnail and hint; the PACS has each once; the operator only completes', async () => {
    expect(sent.size, 'the day ran').toBe(PATIENTS.length * 2);
    const { station } = node;
    const exams = new Map<string, Exam>();
    for (const p of PATIENTS) {
      const orderId = orderOf.get(p.id)!;
      const exam = await waitFor(async () => {
        const e = await call(station, 'exam.get', { orderId });
        const done = (eye: 'OD' | 'OS') => e.eyes[eye].images.length === 1 && e.eyes[eye].images.every((img) => img.quality !== null && img.thumbnailUrl !== null);
        return done('OD') && done('OS') ? e : undefined;
      }, LONG, `${p.id}'s two images with their hints`);
      exams.set(p.id, exam);
      const ids = picked.get(p.id)!;
      expect(ids.patientId).toBe(p.id);
      expect(exam.unknownEye).toEqual([]);
      for (const eye of ['OD', 'OS'] as const) {
        const img = exam.eyes[eye].images[0]!;
        expect(img.eye).toBe(eye);
        expect(img.laterality).toBe(eye);
        expect(img.patientId).toBe(p.id);
        expect(img.format).toBe('dicom');
        expect(img.preview).toBe('ok');
        expect(img.matchRule).toBe('study-uid');
        expect(img.matchConfidence).toBe('strong');
        expect(img.dicom).toEqual({ callingAe: CAMERA_AE, cameraName: CAMERA_NAME });
        expect(dicomTagText(img.dicom!)).toBe('DICOM · CAM1');
        expect(linkedByText(img.matchRule, img.matchConfidence)).toBe('Linked by worklist item (Study Instance UID)');
        expect(img.status).toBe('ready');
        // What the station read from the camera's object: the Latin-1 name, the item's ids (Request Attributes Sequence).
        const { facts } = await call(station, 'images.get', { id: img.id });
        expect(String(facts.patientName).replace(/, /, '^')).toBe(p.pn);
        expect(facts.studyUid).toBe(ids.studyUid);
        expect(facts.accessionNumber).toBe(ids.accession);
        expect(facts.scheduledStepId).toBe(ids.stepId);
        expect(facts.transferSyntaxUid).toBe(p.j2k ? JPEG_2000 : JPEG_BASELINE);
      }
    }
    // Nothing refused, nothing left unassigned.
    const status = await call(station, 'dicom.status', {});
    expect(status.today).toEqual({ objects: PATIENTS.length * 2, refused: 0, lastObjectAt: expect.any(String) });
    expect((await call(station, 'images.list', { limit: 500, status: 'error' })).items).toEqual([]);
    const everything = (await call(station, 'images.list', { limit: 500 })).items;
    expect(everything).toHaveLength(PATIENTS.length * 2);
    expect(everything.filter((i) => i.orderId === null)).toEqual([]);
    // Tomorrow's order has nothing.
    const tomorrow = await call(station, 'exam.get', { orderId: orderOf.get(TOMORROWS.id)! });
    expect(tomorrow.eyes.OD.images.length + tomorrow.eyes.OS.images.length).toBe(0);

    // The PACS has every image exactly once (storescp +uf: a repeat would be a second file), the data set as the camera sent it.
    await waitFor(async () => {
      const f = (await call(station, 'sync.jobs', { limit: 500 })).forwards;
      return f.length === sent.size && f.every((j) => j.state === 'done') ? f : undefined;
    }, LONG, 'every forward done');
    const files = pacs.files();
    expect(files).toHaveLength(sent.size);
    const seen = new Set<string>();
    for (const file of files) {
      const received = readFileSync(file);
      const sop = readPart10Head(received)!.sopInstanceUid;
      seen.add(sop);
      const original = sent.get(sop);
      expect(original, `${sop} was sent by the camera`).toBeDefined();
      expect(readPart10Head(received)!.transferSyntaxUid).toBe(readPart10Head(readFileSync(original!))!.transferSyntaxUid);
      expect(datasetBytes(received).equals(datasetBytes(readFileSync(original!))), `${path.basename(original!)}: the PACS's data set is the camera's`).toBe(true);
      expect(dcmftest(file)).toBe(true);
    }
    expect(seen.size).toBe(sent.size);

    // The operator completes each exam (nothing else); the cloud gets every photo and one order per exam.
    for (const p of PATIENTS) {
      expect(exams.get(p.id)!.blockers).toEqual([]);
      await call(station, 'exam.complete', { orderId: orderOf.get(p.id)! });
    }
    await waitFor(async () => ((await world.blobNames()).length === sent.size ? true : undefined), LONG, 'the uploads');
    await waitFor(() => (world.intake.received.length === PATIENTS.length ? true : undefined), LONG, 'the orders submitted');
    expect(world.intake.received.map((o) => o.Patient.LocalId).sort()).toEqual(PATIENTS.map((p) => p.id).sort());
    for (const o of world.intake.received) expect(o.Camera.Images.map((img) => img.Laterality).sort()).toEqual(['OD', 'OS']);
    // The audit trail: the front desk made the walk-ins, the station linked every photo, the operator only completed.
    for (const p of PATIENTS) {
      const { items } = await call(station, 'audit.list', { orderId: orderOf.get(p.id)! });
      const byHand = items.filter((e) => e.operator === 'Test Operator').map((e) => e.action);
      expect(byHand).toEqual([...(p.how === 'walk-in' ? ['order-create'] : []), 'complete']);
      expect(items.filter((e) => e.action === 'order-import')).toHaveLength(p.how === 'provider' ? 1 : 0);
      expect(items.filter((e) => e.operator === SYNC_OPERATOR).map((e) => e.action)).toEqual(['sent']);
      const links = items.filter((e) => e.action === 'auto-assign').map((e) => (e.after as { rule: string; eye: string }));
      expect(links.map((l) => [l.eye, l.rule]).sort()).toEqual([['OD', 'study-uid'], ['OS', 'study-uid']]);
    }

    // Completed exams leave the camera's worklist; tomorrow's is still not today's.
    expect(await askWorklist(false)).toEqual([]);
  }, STEP_TIMEOUT);
});
