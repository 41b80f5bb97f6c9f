// Migration 006 and the store (issue 13 item 2): every order carries a Study Instance UID and the
// accession / requested procedure / step ids the worklist server serves; existing orders get theirs
// when the database is upgraded; a provider's own values are kept; they never change afterwards.
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { migrate, openDatabase } from '../../src/main/core/store/connection.ts';
import { migrations } from '../../src/main/core/store/migrations/index.ts';
import { OrdersRepo, type OrderFields } from '../../src/main/core/store/orders.ts';
import { upsertEntries } from '../../src/main/core/worklist/worklist-sync.ts';
import { isDicomUid, isShortString } from '../../src/shared/dicom-uid.ts';
import type { WorklistEntry } from '../../src/shared/orders.ts';
import { tempDir } from '../fixtures/headless.ts';

const fields = (patientId: string, extra: Partial<OrderFields> = {}): OrderFields => ({
  patientId,
  name: 'Test, Patient',
  birthDate: null,
  sex: 'F',
  scheduledAt: new Date().toISOString(),
  site: null,
  externalOrderId: null,
  accessionNumber: null,
  scheduledStepId: null,
  ...extra,
});

const closers: (() => void)[] = [];
afterEach(() => {
  for (const c of closers.splice(0)) c();
});

describe('worklist identities in the store', () => {
  it('migration 006 gives existing orders theirs, keeping the accession, order id and step id they had', () => {
    const file = path.join(tempDir('uids'), 'station.db');
    const before = migrations.filter((m) => m.version < 6);
    const { db } = openDatabase(file, before);
    closers.push(() => db.close());
    const at = new Date().toISOString();
    const insert = db.prepare(`INSERT INTO orders (id, patient_id, patient_id_norm, patient_name, scheduled_at, scheduled_day, source, accession_number, external_order_id, scheduled_step_id, created_at, updated_at)
      VALUES (?, ?, ?, 'X', ?, '2026-11-30', 'walk-in', ?, ?, ?, ?, ?)`);
    insert.run('o1', 'P1', 'P1', at, null, null, null, at, at);
    insert.run('o2', 'P2', 'P2', at, 'ACC-2', 'ORD-2', 'SPS-2', at, at);
    migrate(db, migrations);
    const repo = new OrdersRepo(db);
    const o1 = repo.byId('o1')!;
    const o2 = repo.byId('o2')!;
    expect(isDicomUid(o1.study_instance_uid!)).toBe(true);
    expect(o1.study_instance_uid).not.toBe(o2.study_instance_uid);
    for (const v of [o1.mwl_accession_number, o1.mwl_requested_procedure_id, o1.mwl_step_id]) expect(isShortString(v!)).toBe(true);
    expect([o2.mwl_accession_number, o2.mwl_requested_procedure_id, o2.mwl_step_id]).toEqual(['ACC-2', 'ORD-2', 'SPS-2']);
  });

  it('a new order gets them once; editing the order does not change them', () => {
    const { db } = openDatabase(path.join(tempDir('uids'), 'station.db'));
    closers.push(() => db.close());
    const repo = new OrdersRepo(db);
    const at = new Date().toISOString();
    repo.insert({ ...fields('P1'), id: 'w1', source: 'walk-in', sourceKey: null, at });
    const made = repo.byId('w1')!;
    expect(made.study_instance_uid).toMatch(/^2\.25\.\d+$/);
    expect(made.mwl_accession_number).toMatch(/^A[0-9A-Z]{10}$/);
    repo.updateFields('w1', fields('P1', { accessionNumber: 'NEW-ACC', name: 'Other, Name' }), at);
    const edited = repo.byId('w1')!;
    expect([edited.study_instance_uid, edited.mwl_accession_number, edited.mwl_step_id]).toEqual([made.study_instance_uid, made.mwl_accession_number, made.mwl_step_id]);
  });

  it("a provider's own UID, accession, step id and station AE title are kept; later provider edits leave them", () => {
    const { db } = openDatabase(path.join(tempDir('uids'), 'station.db'));
    closers.push(() => db.close());
    const repo = new OrdersRepo(db);
    const entry: WorklistEntry = {
      ...fields('P9', { accessionNumber: 'ACC-9', externalOrderId: 'RP-9', scheduledStepId: 'SPS-9' }),
      birthDate: null,
      sex: 'F',
      source: 'folder:a.wl',
      studyInstanceUid: '1.2.826.0.1.3680043.9.7777.9',
      scheduledStationAeTitle: 'FUNDUS1',
    };
    const { created } = upsertEntries(db, repo, 'folder', [entry]);
    const row = repo.byId(created[0]!)!;
    expect([row.study_instance_uid, row.mwl_accession_number, row.mwl_requested_procedure_id, row.mwl_step_id, row.scheduled_station_ae]).toEqual([
      '1.2.826.0.1.3680043.9.7777.9',
      'ACC-9',
      'RP-9',
      'SPS-9',
      'FUNDUS1',
    ]);
    upsertEntries(db, repo, 'folder', [{ ...entry, name: 'Renamed, Patient', studyInstanceUid: '1.2.3' }]);
    expect(repo.byId(row.id)!.study_instance_uid).toBe('1.2.826.0.1.3680043.9.7777.9');
  });

  it('worklistItems: open orders of the asked days only', () => {
    const { db } = openDatabase(path.join(tempDir('uids'), 'station.db'));
    closers.push(() => db.close());
    const repo = new OrdersRepo(db);
    const at = new Date().toISOString();
    const day = (d: number) => new Date(2026, 10, d, 9).toISOString();
    repo.insert({ ...fields('A', { scheduledAt: day(29) }), id: 'a', source: 'walk-in', sourceKey: null, at });
    repo.insert({ ...fields('B', { scheduledAt: day(30) }), id: 'b', source: 'walk-in', sourceKey: null, at });
    repo.insert({ ...fields('C', { scheduledAt: day(30) }), id: 'c', source: 'walk-in', sourceKey: null, at });
    repo.complete('c', at);
    expect(repo.worklistItems('2026-11-30', '2026-11-30', null).map((r) => r.id)).toEqual(['b']);
    expect(repo.worklistItems(null, '2026-11-29', null).map((r) => r.id)).toEqual(['a']);
    expect(repo.worklistItems(null, null, null).map((r) => r.id)).toEqual(['a', 'b']);
  });
});
