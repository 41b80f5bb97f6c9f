// The worklist server's matcher (issue 13 item 2), pure: a camera's C-FIND identifier (as dcmjs
// naturalizes it) against the station's open orders.
import { describe, expect, it } from 'vitest';
import type { OutElement } from '../../src/main/core/worklist/mwl/encode.ts';
import { dayRange, findWorklistItems, personNameOf, type MwlCaller, type MwlOrder } from '../../src/main/core/worklist/mwl/find.ts';
import { MwlQueryError, parseMwlQuery } from '../../src/main/core/worklist/mwl/query.ts';

// Orders at local wall-clock times, so the DICOM dates and times the server shows are these.
const local = (y: number, m: number, d: number, h = 9, mi = 0) => new Date(y, m - 1, d, h, mi).toISOString();

let n = 0;
const order = (extra: Partial<MwlOrder>): MwlOrder => {
  n++;
  return {
    patientId: `P${n}`,
    patientName: `Person${n}, Test`,
    birthDate: '1950-01-01',
    sex: 'F',
    scheduledAt: local(2026, 11, 30),
    site: null,
    status: 'scheduled',
    studyInstanceUid: `2.25.${n}`,
    accessionNumber: `A${n}`,
    requestedProcedureId: `R${n}`,
    stepId: `S${n}`,
    stationAe: null,
    ...extra,
  };
};

const muller = order({ patientId: 'MU-1', patientName: 'Müller, Anna', birthDate: '1956-04-30', scheduledAt: local(2026, 11, 30, 9, 30) });
const smith = order({ patientId: 'SM-2', patientName: 'Smith, John', sex: 'M', scheduledAt: local(2026, 11, 30, 14, 0) });
const early = order({ patientId: 'EA-3', patientName: 'Early, Eve', scheduledAt: local(2026, 11, 2, 8, 0) });
const nextDay = order({ patientId: 'ND-4', patientName: 'Nextday, Ned', scheduledAt: local(2026, 12, 1, 8, 0) });
const otherStation = order({ patientId: 'OS-5', patientName: 'Other, Olga', stationAe: 'CT_ROOM2' });
const mine = order({ patientId: 'MI-6', patientName: 'Mine, Max', stationAe: 'FUNDUS1' });
const capturing = order({ patientId: 'CA-7', patientName: 'Busy, Bea', status: 'capturing' });
const done = order({ patientId: 'DO-8', patientName: 'Done, Dan', status: 'complete' });
const all = [muller, smith, early, nextDay, otherStation, mine, capturing, done];

const caller = (extra: Partial<MwlCaller> = {}): MwlCaller => ({
  callingAe: 'FUNDUS1',
  calledAe: 'CAPTURE',
  charset: 'utf8',
  modality: 'OP',
  stationFilter: null,
  ...extra,
});

const TAG = {
  SpecificCharacterSet: 0x00080005,
  AccessionNumber: 0x00080050,
  PatientName: 0x00100010,
  PatientID: 0x00100020,
  PatientBirthDate: 0x00100030,
  StudyInstanceUID: 0x0020000d,
  RequestedProcedureID: 0x00401001,
  Sps: 0x00400100,
  Modality: 0x00080060,
  Ssaet: 0x00400001,
  SpsDate: 0x00400002,
  SpsTime: 0x00400003,
  SpsId: 0x00400009,
  SpsStatus: 0x00400020,
};

const get = (els: OutElement[], tag: number) => els.find((e) => e.tag === tag)?.value;
const step = (els: OutElement[]) => ((get(els, TAG.Sps) as OutElement[][] | undefined) ?? [])[0] ?? [];

// PatientID is always asked, so results can be told apart by it.
const find = (elements: Record<string, unknown>, c: MwlCaller = caller(), orders = all) =>
  findWorklistItems(parseMwlQuery({ PatientID: '', ...elements }), orders, c);
const ids = (results: OutElement[][]) => results.map((r) => get(r, TAG.PatientID));

const sps = (item: Record<string, unknown>) => ({ ScheduledProcedureStepSequence: [item] });

describe('MWL matching: which items', () => {
  it('universal match: empty values and an empty step item return every open item of this station', () => {
    const r = find({ PatientID: '', PatientName: '', ...sps({}) });
    expect(ids(r)).toEqual(['MU-1', 'SM-2', 'EA-3', 'ND-4', 'MI-6', 'CA-7']);
  });

  it('an empty sequence (no item at all) is universal too and returns every step attribute', () => {
    const r = find({ PatientID: 'MU-1', ScheduledProcedureStepSequence: [] });
    expect(r).toHaveLength(1);
    expect(step(r[0]!).map((e) => e.tag)).toEqual(expect.arrayContaining([TAG.Modality, TAG.Ssaet, TAG.SpsDate, TAG.SpsTime, TAG.SpsId, TAG.SpsStatus]));
  });

  it('completed exams are never offered', () => {
    expect(ids(find({ PatientID: 'DO-8' }))).toEqual([]);
  });

  it('single value: exact (ids compared without case, as the station compares them)', () => {
    expect(ids(find({ PatientID: 'SM-2' }))).toEqual(['SM-2']);
    expect(ids(find({ PatientID: 'sm-2' }))).toEqual(['SM-2']);
    expect(ids(find({ PatientID: 'SM' }))).toEqual([]);
    expect(ids(find({ AccessionNumber: muller.accessionNumber }))).toEqual(['MU-1']);
  });

  it('"*" and "?" wildcards', () => {
    expect(ids(find({ PatientID: 'M?-*' }))).toEqual(['MU-1', 'MI-6']);
    expect(ids(find({ PatientID: '*' }))).toHaveLength(6);
    expect(ids(find({ PatientID: '??-?' }))).toEqual(['MU-1', 'SM-2', 'EA-3', 'ND-4', 'MI-6', 'CA-7']);
  });

  it('names: case- and accent-insensitive, with "^" components', () => {
    expect(ids(find({ PatientName: 'müller*' }))).toEqual(['MU-1']);
    expect(ids(find({ PatientName: 'MULLER*' }))).toEqual(['MU-1']);
    expect(ids(find({ PatientName: [{ Alphabetic: 'Muller^Anna' }] }))).toEqual(['MU-1']);
    expect(ids(find({ PatientName: 'M*^A*' }))).toEqual(['MU-1']);
    expect(ids(find({ PatientName: '*^JOHN' }))).toEqual(['SM-2']);
    expect(ids(find({ PatientName: 'Anna' }))).toEqual([]);
  });

  it('trailing space padding is trimmed (dcmjs-dimse leaves it)', () => {
    expect(ids(find({ PatientID: 'SM-2 ' }))).toEqual(['SM-2']);
    expect(ids(find(sps({ ScheduledProcedureStepStartDate: '20261130- ' })))).toContain('ND-4');
  });

  it('date: single day, open-ended ranges and a closed range', () => {
    const onDay = (q: string) => ids(find(sps({ ScheduledProcedureStepStartDate: q })));
    expect(onDay('20261130')).toEqual(['MU-1', 'SM-2', 'MI-6', 'CA-7']);
    expect(onDay('20261201-')).toEqual(['ND-4']);
    expect(onDay('-20261102')).toEqual(['EA-3']);
    expect(onDay('20261101-20261130')).toEqual(['MU-1', 'SM-2', 'EA-3', 'MI-6', 'CA-7']);
  });

  it('the store is asked only for the days in the range', () => {
    expect(dayRange(parseMwlQuery(sps({ ScheduledProcedureStepStartDate: '20261101-20261130' })))).toEqual({ from: '2026-11-01', to: '2026-11-30' });
    expect(dayRange(parseMwlQuery(sps({ ScheduledProcedureStepStartDate: '20261130' })))).toEqual({ from: '2026-11-30', to: '2026-11-30' });
    expect(dayRange(parseMwlQuery(sps({ ScheduledProcedureStepStartDate: '-20261130' })))).toEqual({ from: null, to: '2026-11-30' });
    expect(dayRange(parseMwlQuery(sps({})))).toEqual({ from: null, to: null });
  });

  it('time alone and combined date+time ranges', () => {
    const q = (date: string, time: string) => ids(find(sps({ ScheduledProcedureStepStartDate: date, ScheduledProcedureStepStartTime: time })));
    // Today after noon.
    expect(q('20261130', '120000-')).toEqual(['SM-2']);
    // Today in the morning (09:00 and 09:30).
    expect(q('20261130', '-1000')).toEqual(['MU-1', 'MI-6', 'CA-7']);
    // A single time has the precision it is written with: "0930" is 09:30:00-09:30:59.
    expect(q('20261130', '0930')).toEqual(['MU-1']);
    // Combined: from 30 Nov 13:00 to 1 Dec 08:30: Smith (30th 14:00) and Ned (1st 08:00), not the 09:00 items of the 30th.
    expect(q('20261130-20261201', '1300-0830')).toEqual(['SM-2', 'ND-4']);
    // Time alone: any day, between 07:00 and 08:30.
    expect(q('', '0700-0830')).toEqual(['EA-3', 'ND-4']);
  });

  it('birth date matches single values and ranges; an unknown birth date never matches a range', () => {
    const noBirth = order({ patientId: 'NB-9', birthDate: null });
    expect(ids(find({ PatientBirthDate: '19560430' }, caller(), [muller, smith, noBirth]))).toEqual(['MU-1']);
    expect(ids(find({ PatientBirthDate: '-19551231' }, caller(), [muller, smith, noBirth]))).toEqual(['SM-2']);
  });

  it('Study Instance UID: one UID or a list', () => {
    expect(ids(find({ StudyInstanceUID: smith.studyInstanceUid }))).toEqual(['SM-2']);
    expect(ids(find({ StudyInstanceUID: [muller.studyInstanceUid, smith.studyInstanceUid] }))).toEqual(['MU-1', 'SM-2']);
  });

  it('modality: OP for a photography camera, the camera\'s own default (OPT) for an OCT', () => {
    expect(ids(find(sps({ Modality: 'OP' })))).toHaveLength(6);
    expect(ids(find(sps({ Modality: 'CT' })))).toEqual([]);
    expect(ids(find(sps({ Modality: 'OPT' }), caller({ modality: 'OPT' })))).toHaveLength(6);
  });
});

describe('MWL matching: Scheduled Station AE Title', () => {
  it('a camera naming itself gets the items for any camera here and those scheduled on it, not another station\'s', () => {
    expect(ids(find(sps({ ScheduledStationAETitle: 'FUNDUS1' })))).toEqual(['MU-1', 'SM-2', 'EA-3', 'ND-4', 'MI-6', 'CA-7']);
    expect(ids(find(sps({ ScheduledStationAETitle: 'CT_ROOM2' })))).toContain('OS-5');
  });

  it('a camera that sends none gets only this station\'s items (never another station\'s)', () => {
    expect(ids(find(sps({ Modality: 'OP' })))).not.toContain('OS-5');
    expect(ids(find({ PatientID: '' }))).not.toContain('OS-5');
  });

  it('the per-camera filter: a camera without SSAET gets its station\'s items only', () => {
    const c = caller({ callingAe: 'OLDCAM', stationFilter: 'FUNDUS1' });
    expect(ids(find(sps({ ScheduledStationAETitle: '' }), c))).toEqual(['MU-1', 'SM-2', 'EA-3', 'ND-4', 'MI-6', 'CA-7']);
    const ct = caller({ callingAe: 'OLDCAM', stationFilter: 'CT_ROOM2' });
    expect(ids(find(sps({}), ct))).toContain('OS-5');
    expect(ids(find(sps({}), ct))).not.toContain('MI-6');
  });

  it('an item for any camera answers with the AE title the camera asked for, else the caller\'s', () => {
    const asked = find({ PatientID: 'MU-1', ...sps({ ScheduledStationAETitle: 'FUNDUS1' }) })[0]!;
    expect(get(step(asked), TAG.Ssaet)).toBe('FUNDUS1');
    const none = find({ PatientID: 'MU-1', ...sps({ ScheduledStationAETitle: '' }) }, caller({ callingAe: 'CAM9' }))[0]!;
    expect(get(step(none), TAG.Ssaet)).toBe('CAM9');
  });
});

describe('MWL responses: only the keys asked, step attributes inside the sequence', () => {
  it('returns exactly the requested top-level keys (plus the character set) and the requested step keys', () => {
    const r = find({ PatientName: '', PatientID: 'MU-1', ...sps({ ScheduledProcedureStepStartDate: '', Modality: '' }) });
    expect(r).toHaveLength(1);
    const els = r[0]!;
    expect(els.map((e) => e.tag).sort()).toEqual([TAG.SpecificCharacterSet, TAG.PatientName, TAG.PatientID, TAG.Sps].sort());
    expect(get(els, TAG.PatientName)).toBe('Müller^Anna');
    expect(get(els, TAG.SpecificCharacterSet)).toBe('ISO_IR 192');
    expect(step(els).map((e) => [e.tag, e.value])).toEqual([
      [TAG.SpsDate, '20261130'],
      [TAG.Modality, 'OP'],
    ]);
  });

  it('no step sequence asked: none returned, and step keys asked at the top level are not filled from the step', () => {
    const r = find({ PatientID: 'MU-1', Modality: '' })[0]!;
    expect(get(r, TAG.Sps)).toBeUndefined();
    expect(get(r, TAG.Modality)).toBe('');
  });

  it('the worklist identities come back as made for the order', () => {
    const r = find({ PatientID: 'MU-1', StudyInstanceUID: '', AccessionNumber: '', RequestedProcedureID: '', ...sps({ ScheduledProcedureStepID: '' }) })[0]!;
    expect([get(r, TAG.StudyInstanceUID), get(r, TAG.AccessionNumber), get(r, TAG.RequestedProcedureID), get(step(r), TAG.SpsId)]).toEqual([
      muller.studyInstanceUid,
      muller.accessionNumber,
      muller.requestedProcedureId,
      muller.stepId,
    ]);
  });

  it('a sequence the station does not serve comes back empty; a key it does not serve comes back empty; private keys are skipped', () => {
    const r = find({ PatientID: 'MU-1', RequestedProcedureCodeSequence: [], AdmissionID: '', _vrMap: {} })[0]!;
    expect(get(r, 0x00321064)).toEqual([]);
    expect(get(r, 0x00380010)).toBe('');
  });

  it('a key the station does not serve, asked with a value, does not filter', () => {
    expect(ids(find({ PatientID: 'MU-1', AdmissionID: 'X1' }))).toEqual(['MU-1']);
  });

  it('step status: STARTED while the exam is being photographed', () => {
    const r = find({ PatientID: 'CA-7', ...sps({ ScheduledProcedureStepStatus: '' }) })[0]!;
    expect(get(step(r), TAG.SpsStatus)).toBe('STARTED');
  });

  it('no Specific Character Set for an ASCII camera; ISO_IR 100 for Latin-1', () => {
    expect(get(find({ PatientID: 'MU-1' }, caller({ charset: 'ascii' }))[0]!, TAG.SpecificCharacterSet)).toBeUndefined();
    expect(get(find({ PatientID: 'MU-1' }, caller({ charset: 'latin1' }))[0]!, TAG.SpecificCharacterSet)).toBe('ISO_IR 100');
  });
});

describe('MWL queries the station cannot answer', () => {
  const status = (elements: Record<string, unknown> | undefined) => {
    try {
      parseMwlQuery(elements);
      return null;
    } catch (err) {
      return err instanceof MwlQueryError ? [err.status, err.message.length <= 64] : 'other';
    }
  };
  it('a broken date or time range: "Unable to process" with a short comment', () => {
    expect(status(sps({ ScheduledProcedureStepStartDate: '2026-11-30' }))).toEqual([0xc000, true]);
    expect(status(sps({ ScheduledProcedureStepStartDate: '20261130-20261201-20261202' }))).toEqual([0xc000, true]);
    expect(status(sps({ ScheduledProcedureStepStartTime: 'noon' }))).toEqual([0xc000, true]);
    expect(status({ PatientBirthDate: '1956' })).toEqual([0xc000, true]);
  });
  it('two step items, or no identifier: "Identifier does not match SOP class"', () => {
    expect(status({ ScheduledProcedureStepSequence: [{}, {}] })).toEqual([0xa900, true]);
    expect(status(undefined)).toEqual([0xa900, true]);
  });
});

describe('personNameOf: the station\'s display name as a DICOM PN', () => {
  it('"Family, Given Middle" -> "Family^Given Middle"; free text stays the family part; separators removed', () => {
    expect(personNameOf('Müller, Anna Maria')).toBe('Müller^Anna Maria');
    expect(personNameOf('Anna Müller')).toBe('Anna Müller');
    expect(personNameOf('Odd^Name\\x')).toBe('Odd Name x');
    expect(personNameOf('Solo,')).toBe('Solo');
  });
});
