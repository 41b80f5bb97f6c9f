// The worklist feature through a real Station on temp folders and a real SQLite file: matching at
// ingest (in the store transaction), the operator's exam actions with their audit rows, the
// completion hook for sync, the append-only audit trail, and a restart.
import { afterEach, describe, expect, it } from 'vitest';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { Station } from '../../src/main/core/station.ts';
import { silentLogger } from '../../src/main/core/kernel/logger.ts';
import type { MethodOutput } from '../../src/shared/contract/index.ts';
import { tempDir, waitFor } from '../fixtures/headless.ts';
import { syntheticFundusJpeg } from '../fixtures/fundus.ts';
import { writeTestDicom } from '../fixtures/dicom.ts';

const urls = { thumb: (id: string) => `/t/${id}`, full: (id: string) => `/f/${id}` };
let open: Station[] = [];

async function station(dataDir = tempDir('data'), watch: string[] = [tempDir('watch')]) {
  // No quality worker: without scores the automatic best image is the last one taken, which these tests rely on.
  const s = await Station.open({ dataDir, host: 'headless', version: 'test', urls, watch, logger: silentLogger(), quality: false });
  open.push(s);
  return { s, dataDir, watchDir: watch[0]! };
}

afterEach(async () => {
  await Promise.all(open.map((s) => s.close()));
  open = [];
});

const RULE = { id: 'site', name: 'Site rule', pattern: '^(?<patientId>[A-Z0-9-]+)_(?<eye>OD|OS)_' };
const nowIso = () => new Date().toISOString();
const walkIn = (patientId: string, name = 'Test, Patient') => ({
  patientId,
  name,
  birthDate: '1956-04-30',
  sex: 'F' as const,
  scheduledAt: nowIso(),
  site: null,
  externalOrderId: null,
  accessionNumber: null,
});

type Img = MethodOutput<'images.list'>['items'][number];
const imageNamed = async (s: Station, name: string): Promise<Img | undefined> =>
  (await s.api['images.list']({ limit: 500 })).items.find((i) => i.fileName === name && i.status === 'ready');

async function drop(s: Station, dir: string, name: string, bytes: Buffer): Promise<Img> {
  writeFileSync(path.join(dir, name), bytes);
  return waitFor(() => imageNamed(s, name), 15_000, name);
}

/** Handlers throw synchronously; make every failure a rejection. */
const attempt = async (fn: () => unknown) => fn();

let seed = 100;
const jpeg = () => syntheticFundusJpeg({ width: 480, height: 360, seed: seed++ });

async function create(s: Station, patientId: string) {
  const r = await s.api['orders.create']({ order: walkIn(patientId), allowDuplicate: false });
  if (!r.created) throw new Error('not created');
  return r.order;
}

describe('worklist: operators and orders', () => {
  it('refuses changes until an operator has started a shift, then attributes them', async () => {
    const { s } = await station();
    await expect(attempt(() => s.api['orders.create']({ order: walkIn('P-1'), allowDuplicate: false }))).rejects.toThrow(/Choose your name first/);
    const anna = await s.api['operators.add']({ name: '  Anna   Berg ' });
    expect(anna.name).toBe('Anna Berg');
    expect((await s.api['operators.list']({})).current).toEqual(anna);
    // Adding the same name again (any case) signs in the existing operator.
    expect((await s.api['operators.add']({ name: 'anna berg' })).id).toBe(anna.id);
    const order = await create(s, 'P-1');
    const audit = (await s.api['audit.list']({ orderId: order.id })).items;
    expect(audit.map((a) => [a.operator, a.action])).toEqual([['Anna Berg', 'order-create']]);
  });

  it('warns about a likely duplicate (same patient, same day) and creates it only when told to', async () => {
    const { s } = await station();
    await s.api['operators.add']({ name: 'Op' });
    const first = await create(s, 'p 55');
    const again = await s.api['orders.create']({ order: walkIn('P55'), allowDuplicate: false });
    expect(again.created).toBe(false);
    if (!again.created) expect(again.duplicates.map((d) => d.id)).toEqual([first.id]);
    const forced = await s.api['orders.create']({ order: walkIn('P55'), allowDuplicate: true });
    expect(forced.created).toBe(true);
    const list = await s.api['worklist.list']({});
    expect(list.items).toHaveLength(2);
    expect((await s.api['worklist.list']({ search: 'p55' })).items).toHaveLength(2);
    expect((await s.api['worklist.list']({ search: 'nobody' })).items).toHaveLength(0);
  });

  it('edits a walk-in order and audits only what changed', async () => {
    const { s } = await station();
    await s.api['operators.add']({ name: 'Op' });
    const o = await create(s, 'E-1');
    const edited = await s.api['orders.update']({ id: o.id, order: { ...walkIn('E-1', 'Corrected, Name'), scheduledAt: o.scheduledAt } });
    expect(edited.name).toBe('Corrected, Name');
    const last = (await s.api['audit.list']({ orderId: o.id })).items.at(-1)!;
    expect(last.action).toBe('order-edit');
    expect(last.before).toEqual({ name: 'Test, Patient' });
    expect(last.after).toEqual({ name: 'Corrected, Name' });
  });
});

describe('worklist: matching at ingest and the exam', () => {
  it('files photos by the site rule, DICOM ids and "capturing now"; the rest waits in Unassigned with a reason', async () => {
    const { s, watchDir } = await station();
    s.settings.update({ fileNameRules: [RULE] });
    await s.api['operators.add']({ name: 'Op' });
    const byName = await create(s, 'W-100');
    const byDicom = await create(s, 'D-200');
    const capturing = await create(s, 'C-300');

    const od = await drop(s, watchDir, 'W-100_OD_1.jpg', await jpeg());
    expect([od.orderId, od.eye, od.matchRule, od.matchConfidence]).toEqual([byName.id, 'OD', 'filename-rule', 'weak']);

    const frame = await syntheticFundusJpeg({ width: 400, height: 300, seed: 9 });
    const dcm = await drop(s, watchDir, 'left.dcm', writeTestDicom({ jpegFrame: frame, patientId: 'D-200', laterality: 'L' }));
    expect([dcm.orderId, dcm.eye, dcm.matchRule, dcm.matchConfidence]).toEqual([byDicom.id, 'OS', 'patient-id', 'strong']);
    expect(dcm.orderLabel).toBe('Test, Patient · D-200');

    // A photo that says nothing goes nowhere ... until an exam is marked "capturing now".
    const anon1 = await drop(s, watchDir, 'IMG_0001.jpg', await jpeg());
    expect(anon1.orderId).toBeNull();
    await s.api['orders.setCapturingNow']({ id: capturing.id, on: true });
    const anon2 = await drop(s, watchDir, 'IMG_0002.jpg', await jpeg());
    expect([anon2.orderId, anon2.matchRule, anon2.matchConfidence, anon2.eye]).toEqual([capturing.id, 'capturing-now', 'weak', null]);

    // A patient that is not on the worklist: unassigned, with the reason, and not given to "capturing now".
    await drop(s, watchDir, 'X-999_OS_1.jpg', await jpeg());
    const tray = await s.api['unassigned.list']({ limit: 100 });
    const inTray = tray.bursts.flatMap((b) => b.images);
    expect(inTray.map((i) => i.fileName).sort()).toEqual(['IMG_0001.jpg', 'X-999_OS_1.jpg']);
    expect(inTray.find((i) => i.fileName === 'X-999_OS_1.jpg')!.matchNote).toMatch(/not on the open worklist/);

    // The capturing exam shows the photo under "Which eye?" and cannot be completed yet.
    let exam = await s.api['exam.get']({ orderId: capturing.id });
    expect(exam.unknownEye.map((i) => i.id)).toEqual([anon2.id]);
    expect(exam.blockers.join(' ')).toMatch(/1 photo still needs an eye/);
    await s.api['images.assign']({ imageIds: [anon2.id], orderId: capturing.id, eye: 'OS' });
    exam = await s.api['exam.get']({ orderId: capturing.id });
    expect(exam.unknownEye).toHaveLength(0);
    expect(exam.eyes.OS.images.map((i) => i.id)).toEqual([anon2.id]);

    // The worklist rows summarise per eye.
    const rows = (await s.api['worklist.list']({})).items;
    const row = rows.find((r) => r.id === byName.id)!;
    expect(row.status).toBe('capturing');
    expect(row.eyes.OD).toMatchObject({ imageCount: 1, best: 'auto', gradable: 'unknown' });
    expect(row.eyes.OS).toMatchObject({ imageCount: 0, best: 'none', gradable: 'none' });
    expect(row.weakCount).toBe(1);

    // Undo a weak link in one click: back to Unassigned.
    await s.api['images.assign']({ imageIds: [od.id], orderId: null, eye: null });
    expect((await imageNamed(s, 'W-100_OD_1.jpg'))!.orderId).toBeNull();
    expect((await s.api['worklist.list']({})).items.find((r) => r.id === byName.id)!.status).toBe('scheduled');
  });

  it('moves, picks the best, rejects, marks an eye ungradable, completes (hook in the transaction), reopens', async () => {
    const { s, watchDir } = await station();
    s.settings.update({ fileNameRules: [RULE] });
    await s.api['operators.add']({ name: 'Berit' });
    const o = await create(s, 'E-500');
    const other = await create(s, 'E-600');
    const a = await drop(s, watchDir, 'E-500_OD_1.jpg', await jpeg());
    const b = await drop(s, watchDir, 'E-500_OD_2.jpg', await jpeg());
    const c = await drop(s, watchDir, 'E-500_OS_1.jpg', await jpeg());

    // No quality scores here: the automatic choice is the last taken.
    let exam = await s.api['exam.get']({ orderId: o.id });
    expect(exam.eyes.OD.images.map((i) => i.id)).toEqual([a.id, b.id]);
    expect(exam.eyes.OD.best).toEqual({ imageId: b.id, rule: 'last-taken' });

    await s.api['exam.pickBest']({ orderId: o.id, eye: 'OD', imageId: a.id });
    exam = await s.api['exam.get']({ orderId: o.id });
    expect(exam.eyes.OD.best).toEqual({ imageId: a.id, rule: 'operator' });
    await expect(attempt(() => s.api['exam.pickBest']({ orderId: o.id, eye: 'OS', imageId: a.id }))).rejects.toThrow(/not a photo of the left eye/);

    // Moving the picked image to the other eye drops the pick; rejecting keeps the image but never picks it.
    await s.api['images.assign']({ imageIds: [a.id], orderId: o.id, eye: 'OS' });
    exam = await s.api['exam.get']({ orderId: o.id });
    expect(exam.eyes.OD.best).toEqual({ imageId: b.id, rule: 'last-taken' });
    expect(exam.eyes.OS.images.map((i) => i.id)).toEqual([a.id, c.id]);
    await s.api['images.reject']({ imageId: c.id, reason: 'Out of focus' });
    exam = await s.api['exam.get']({ orderId: o.id });
    expect(exam.eyes.OS.best).toEqual({ imageId: a.id, rule: 'last-taken' });
    expect(exam.eyes.OS.images.find((i) => i.id === c.id)).toMatchObject({ rejected: true, rejectedReason: 'Out of focus' });
    await expect(attempt(() => s.api['exam.pickBest']({ orderId: o.id, eye: 'OS', imageId: c.id }))).rejects.toThrow(/rejected photo/);

    // Move to another order and back.
    await s.api['images.assign']({ imageIds: [a.id], orderId: other.id, eye: 'as-file' });
    expect((await s.api['exam.get']({ orderId: other.id })).eyes.OD.images.map((i) => i.id)).toEqual([a.id]);
    await s.api['images.assign']({ imageIds: [a.id], orderId: o.id, eye: 'OD' });

    // Exactly one reason from the configured list.
    await expect(attempt(() => s.api['exam.setUngradable']({ orderId: o.id, eye: 'OS', reason: 'because' }))).rejects.toThrow(/Choose one of the reasons/);
    await s.api['exam.setUngradable']({ orderId: o.id, eye: 'OS', reason: 'small pupil' });
    exam = await s.api['exam.get']({ orderId: o.id });
    expect(exam.eyes.OS).toMatchObject({ gradable: 'ungradable', ungradableReason: 'Small pupil' });

    // The completion hook runs inside the transaction; a failing hook rolls the completion back.
    const seen: { inTx: boolean; revision: number; operator: string }[] = [];
    s.hooks.examCompleted.push((db, e) => {
      if (e.operator === 'fail') throw new Error('boom');
      seen.push({ inTx: db.inTransaction, revision: e.revision, operator: e.operator });
    });
    const done = await s.api['exam.complete']({ orderId: o.id });
    expect(done.revision).toBe(1);
    expect(seen).toEqual([{ inTx: true, revision: 1, operator: 'Berit' }]);
    await expect(attempt(() => s.api['images.assign']({ imageIds: [b.id], orderId: o.id, eye: 'OS' }))).rejects.toThrow(/Reopen/);
    await expect(attempt(() => s.api['exam.pickBest']({ orderId: o.id, eye: 'OD', imageId: b.id }))).rejects.toThrow(/Reopen/);

    const reopened: string[] = [];
    s.hooks.examReopened.push((db, e) => reopened.push(`${db.inTransaction}:${e.orderId}`));
    await s.api['exam.reopen']({ orderId: o.id });
    expect(reopened).toEqual([`true:${o.id}`]);
    await s.api['operators.add']({ name: 'fail' });
    await expect(attempt(() => s.api['exam.complete']({ orderId: o.id }))).rejects.toThrow('boom');
    expect((await s.api['exam.get']({ orderId: o.id })).order.status).toBe('capturing');
    await s.api['operators.add']({ name: 'Berit' });
    expect((await s.api['exam.complete']({ orderId: o.id })).revision).toBe(2);

    const actions = (await s.api['audit.list']({ orderId: o.id })).items.map((e) => `${e.operator}:${e.action}`);
    expect(actions).toEqual([
      'Berit:order-create',
      'Station (automatic):auto-assign',
      'Station (automatic):auto-assign',
      'Station (automatic):auto-assign',
      'Berit:best-pick',
      'Berit:move',
      'Berit:best-cleared',
      'Berit:reject',
      'Berit:move', // to the other order (seen from this exam)
      'Berit:move', // and back
      'Berit:ungradable',
      'Berit:complete',
      'Berit:reopen',
      'Berit:complete',
    ]);
  });

  it('refuses to complete while an eye has no usable photo and no ungradable mark', async () => {
    const { s } = await station();
    await s.api['operators.add']({ name: 'Op' });
    const o = await create(s, 'N-1');
    await expect(attempt(() => s.api['exam.complete']({ orderId: o.id }))).rejects.toThrow(/right eye \(OD\) has no usable photo.*left eye \(OS\) has no usable photo/);
  });

  it('keeps the audit trail append-only', async () => {
    const { s } = await station();
    await s.api['operators.add']({ name: 'Op' });
    await create(s, 'A-1');
    expect(() => s.db.prepare("UPDATE audit SET operator = 'someone else'").run()).toThrow(/append-only/);
    expect(() => s.db.prepare('DELETE FROM audit').run()).toThrow(/append-only/);
    expect((s.db.prepare('SELECT count(*) AS n FROM audit').get() as { n: number }).n).toBeGreaterThan(0);
  });

  it('keeps everything across a restart and matches with the rebuilt index', async () => {
    const dataDir = tempDir('data');
    const watchDir = tempDir('watch');
    const first = await station(dataDir, [watchDir]);
    first.s.settings.update({ fileNameRules: [RULE] });
    const op = await first.s.api['operators.add']({ name: 'Op' });
    const o = await create(first.s, 'R-1');
    await drop(first.s, watchDir, 'R-1_OD_1.jpg', await jpeg());
    await first.s.close();

    const second = await station(dataDir, [watchDir]);
    expect((await second.s.api['operators.list']({})).current).toEqual(op);
    const img = await drop(second.s, watchDir, 'R-1_OS_1.jpg', await jpeg());
    expect([img.orderId, img.eye]).toEqual([o.id, 'OS']);
    const exam = await second.s.api['exam.get']({ orderId: o.id });
    expect([exam.eyes.OD.images.length, exam.eyes.OS.images.length]).toEqual([1, 1]);
  });
});
