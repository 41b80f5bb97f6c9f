// The DICOM screens' words and form checks (src/renderer/src/dicom-text.ts): the listener in one
// sentence, how a photo was linked, DIMSE statuses, the shared schemas' messages per field, and
// the Queue's forwards grouped per route.
import { describe, expect, it } from 'vitest';
import { dicomCameraSchema, dicomNodeSettingsSchema, defaultDicomNodeSettings } from '../../src/shared/dicom-settings.ts';
import { pacsRouteInputSchema } from '../../src/shared/pacs.ts';
import type { SyncJobView } from '../../src/shared/contract/sync.ts';
import {
  associationsText,
  checkFields,
  dicomTagText,
  dimseStatusText,
  forwardsByRoute,
  lastSentText,
  linkedByText,
  listenerSentence,
  numberErrors,
  wholeNumber,
  type DicomActivity,
  type DicomListenerView,
} from '../../src/renderer/src/dicom-text.ts';

const listener = (patch: Partial<DicomListenerView> = {}): DicomListenerView => ({
  state: 'listening',
  problem: null,
  address: '0.0.0.0',
  port: 11112,
  tls: false,
  aeTitle: 'CAPTURE',
  openAssociations: 0,
  receiving: 0,
  since: null,
  ...patch,
});

describe('the listener in words', () => {
  it('says where it listens, or why it does not', () => {
    expect(listenerSentence(listener())).toBe('Listening on port 11112 as CAPTURE, on every network address.');
    expect(listenerSentence(listener({ address: '192.168.1.20', tls: true }))).toBe('Listening on port 11112 as CAPTURE, on 192.168.1.20, with TLS.');
    expect(listenerSentence(listener({ state: 'failed', problem: 'Port 11112 is in use by another program. Choose another port.' }))).toBe(
      'Not listening: Port 11112 is in use by another program. Choose another port.',
    );
    expect(listenerSentence(listener({ state: 'off' }))).toMatch(/^The DICOM node is off/);
    expect(associationsText(listener({ openAssociations: 2, receiving: 1 }))).toBe('2 associations now, 1 receiving');
    expect(associationsText(listener({ openAssociations: 1 }))).toBe('1 association now');
  });
});

describe('how a photo was linked', () => {
  it('names the worklist item, the accession, the patient ID or the operator', () => {
    expect(linkedByText('study-uid', 'strong')).toBe('Linked by worklist item (Study Instance UID)');
    expect(linkedByText('accession', 'strong')).toBe('Linked by worklist item (accession number)');
    expect(linkedByText('patient-id', 'strong')).toBe('Linked by patient ID');
    expect(linkedByText('operator', 'operator')).toBe('Linked by the operator');
    expect(linkedByText('filename-rule', 'confirmed')).toBe('Linked by file name, confirmed by the operator');
    expect(linkedByText(null, null)).toBeNull();
    expect(dicomTagText({ callingAe: 'CAM1 ' })).toBe('DICOM · CAM1');
  });
});

describe('DIMSE statuses and what a camera last sent', () => {
  it('reads success, warnings and refusals', () => {
    expect(dimseStatusText(0)).toBe('Stored');
    expect(dimseStatusText(0xb007)).toBe('Stored with a warning');
    expect(dimseStatusText(0xa700)).toMatch(/out of resources/);
    expect(dimseStatusText(0xc000)).toMatch(/could not be read/);
    expect(dimseStatusText(0x0122)).toMatch(/not accepted/);
    expect(dimseStatusText(0x0211)).toBe('Refused (status 0x0211)');
    expect(dimseStatusText(null)).toBe('—');
  });

  it('summarises a camera: images ever, the last time, the last status', () => {
    const idle: DicomActivity = {
      callingAe: 'CAM1', associations: 0, refusedAssociations: 0, lastRefusal: null, lastAssociationAt: null, lastAddress: null, objectsStored: 0,
      objectsRefused: 0, resends: 0, lastObjectAt: null, lastStatus: null, echoes: 0, worklistQueries: 0, objectsEver: 0, lastReceivedAt: null,
    };
    const t = (iso: string | null) => `T(${iso})`;
    expect(lastSentText(idle, t)).toBe('Nothing yet');
    expect(lastSentText({ ...idle, echoes: 1 }, t)).toBe('Connected, sent no image yet');
    expect(lastSentText({ ...idle, objectsStored: 2, objectsEver: 12, lastObjectAt: '2026-01-01T09:42:00Z', lastStatus: 0 }, t)).toBe('12 images · last T(2026-01-01T09:42:00Z) · Stored');
    expect(lastSentText({ ...idle, objectsEver: 1, lastReceivedAt: '2026-01-01T08:00:00Z' }, t)).toBe('1 image · last T(2026-01-01T08:00:00Z)');
  });
});

describe('form fields checked by the shared schemas', () => {
  it('gives the first message per field for the node settings, and says so when a number field holds no number', () => {
    const values = { ...defaultDicomNodeSettings(), aeTitle: 'A\\B', port: wholeNumber('99999'), maxAssociations: wholeNumber('eight') };
    const r = checkFields(dicomNodeSettingsSchema, values);
    expect(r.ok).toBe(false);
    if (r.ok) return;
    const errors = numberErrors(r.errors, values, ['port', 'maxAssociations']);
    expect(errors['aeTitle']).toMatch(/no backslash/);
    expect(errors['port']).toBe('The port must be between 1 and 65535.');
    expect(errors['maxAssociations']).toBe('Enter a whole number.');
    expect(checkFields(dicomNodeSettingsSchema, defaultDicomNodeSettings()).ok).toBe(true);
  });

  it('checks a camera and a PACS route as the station will', () => {
    const cam = checkFields(dicomCameraSchema, { aeTitle: '', name: ' ', host: null, charset: 'latin1', defaultModality: 'OP', worklistStationAeTitle: null });
    expect(cam.ok ? {} : cam.errors).toEqual({ aeTitle: 'Enter an AE title.', name: 'Give the camera a name.' });
    const route = checkFields(pacsRouteInputSchema, { name: 'PACS', match: 'camera', cameraAeTitle: null, aeTitle: 'PACS', host: 'dicom://pacs', port: 104, callingAeTitle: 'CAPTURE', enabled: true });
    expect(route.ok ? {} : Object.keys(route.errors).sort()).toEqual(['cameraAeTitle', 'host']);
    expect(wholeNumber(' 104 ')).toBe(104);
    expect(wholeNumber('1.5')).toBeNaN();
    expect(wholeNumber('')).toBeNaN();
  });
});

describe('the Queue: forwards per route', () => {
  const job = (id: string, routeId: string | null): SyncJobView => ({
    id, kind: 'forward-pacs', state: 'done', routeId, subjectId: 'img', title: 'op.dcm', detail: null, orderId: null, eye: null, revision: 0, attempts: 0,
    nextAttemptAt: null, lastAttemptAt: null, lastError: null, lastErrorKind: null, bytes: null, sentBytes: null, bytesPerSecond: null, secondsLeft: null,
    outcome: 'stored', platformOrderId: null, imagesLeft: null, createdAt: '', doneAt: null,
  });
  it('keeps every route (empty ones too) in order, and puts a removed route last', () => {
    const lanes = [
      { routeId: 'r1', name: 'Clinic PACS', state: 'online' as const, since: null, message: null },
      { routeId: 'r2', name: 'Archive', state: 'offline' as const, since: null, message: 'No answer.' },
    ];
    const groups = forwardsByRoute(lanes, [job('a', 'r1'), job('b', 'gone'), job('c', 'r1'), job('d', null)]);
    expect(groups.map((g) => [g.name, g.jobs.map((j) => j.id)])).toEqual([
      ['Clinic PACS', ['a', 'c']],
      ['Archive', []],
      ['A removed route', ['b', 'd']],
    ]);
  });
});
