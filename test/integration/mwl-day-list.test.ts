// Today's whole worklist over the network (issue 13 benchmark): hundreds of Pending responses sent
// as one corked burst with a shared command set must still reach a camera whole and in order, in
// PDUs no longer than the camera receives, each response naming the worklist SOP class. Cameras:
// rawFind (a bare DICOM client: counts PDUs, PDU sizes and responses), dcmjs-dimse's Client (parses
// every response) and, where DCMTK is installed, findscu -W writing each response to a file.
import { execFile } from 'node:child_process';
import { createRequire } from 'node:module';
import { readdirSync, rmSync } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Station } from '../../src/main/core/station.ts';
import { silentLogger } from '../../src/main/core/kernel/logger.ts';
import { newId } from '../../src/main/core/kernel/ids.ts';
import { localDateString } from '../../src/shared/dates.ts';
import { MWL_FIND_SOP_CLASS } from '../../src/main/core/worklist/mwl/scp-find.ts';
import { rawFind } from '../fixtures/dicom-raw-find.ts';
import { tempDir } from '../fixtures/headless.ts';
import { hasDcmtk } from '../fixtures/storescp.ts';

const dimse = createRequire(import.meta.url)('dcmjs-dimse') as typeof import('dcmjs-dimse');
const run = promisify(execFile);
const ITEMS = 300;
const TODAY = localDateString(new Date()).replace(/-/g, '');
const dayQuery = {
  PatientID: '',
  PatientName: '',
  ScheduledProcedureStepSequence: [{ Modality: 'OP', ScheduledStationAETitle: 'FUNDUS1', ScheduledProcedureStepStartDate: TODAY, ScheduledProcedureStepStartTime: '' }],
};

describe('today\'s whole list in one burst', () => {
  let s: Station;
  let port = 0;
  let work = '';

  beforeAll(async () => {
    work = tempDir('mwl-day');
    s = await Station.open({
      dataDir: path.join(work, 'data'),
      host: 'headless',
      version: 'test',
      urls: { thumb: (id) => id, full: (id) => id },
      watch: [],
      logger: silentLogger(),
      quality: false,
      dicom: { port: 0, aeTitle: 'CAPTURE', address: '127.0.0.1', cameras: ['FUNDUS1'] },
    });
    const repo = s.worklist.repo;
    const now = new Date();
    const at = now.toISOString();
    repo.db.transaction(() => {
      for (let i = 0; i < ITEMS + 20; i++) {
        // 300 today (08:00 on, one a minute), 20 tomorrow that the list must not include.
        const when = new Date(now.getFullYear(), now.getMonth(), now.getDate() + (i < ITEMS ? 0 : 1), 8, i % ITEMS);
        repo.insert({
          id: newId(), patientId: `D${String(i).padStart(4, '0')}`, name: `Day${i}, Test`, birthDate: '1950-01-01', sex: 'F', scheduledAt: when.toISOString(),
          site: null, externalOrderId: null, accessionNumber: null, scheduledStepId: null, source: 'walk-in', sourceKey: null, at,
        });
      }
    })();
    port = (await s.api['dicom.status']({})).listener.port!;
  });

  afterAll(async () => {
    await s?.close();
    rmSync(work, { recursive: true, force: true });
  });

  it('a bare client gets every item, each with its identifier, in PDUs within the 16 KB it announced', async () => {
    const request = dimse.requests.CFindRequest.createWorklistFindRequest(dayQuery);
    const r = await rawFind({
      port,
      callingAe: 'FUNDUS1',
      calledAe: 'CAPTURE',
      sopClass: MWL_FIND_SOP_CLASS,
      maxPdu: 16384,
      identifier: (ts) => new dimse.Dataset(request.getDataset()!.getElements(), ts).getDenaturalizedDataset(),
    });
    expect(r).toMatchObject({ pending: ITEMS, identifiers: ITEMS, status: 0 });
    expect(r.maxPduLength).toBeLessThanOrEqual(16384);
  });

  it('dcmjs-dimse\'s Client reads every response: all of today\'s patients in time order, every response naming the worklist SOP class', async () => {
    const ids: string[] = [];
    const sopClasses = new Set<string>();
    const statuses: number[] = [];
    await new Promise<void>((resolve, reject) => {
      const client = new dimse.Client();
      const request = dimse.requests.CFindRequest.createWorklistFindRequest(dayQuery);
      request.on('response', (rsp: import('dcmjs-dimse').responses.CFindResponse) => {
        sopClasses.add(rsp.getAffectedSopClassUid());
        statuses.push(rsp.getStatus());
        const id = rsp.getDataset()?.getElement('PatientID');
        if (rsp.getStatus() === dimse.constants.Status.Pending && typeof id === 'string') ids.push(id);
      });
      client.addRequest(request);
      client.on('networkError', reject);
      client.on('closed', () => resolve());
      client.send('127.0.0.1', port, 'FUNDUS1', 'CAPTURE');
    });
    expect(ids).toEqual(Array.from({ length: ITEMS }, (_, i) => `D${String(i).padStart(4, '0')}`));
    expect(statuses.at(-1)).toBe(dimse.constants.Status.Success);
    expect([...sopClasses]).toEqual([MWL_FIND_SOP_CLASS]);
  });

  it.skipIf(!hasDcmtk)(hasDcmtk ? 'findscu -W writes one response file per item' : 'findscu: skipped, DCMTK is not installed', async () => {
    const dir = path.join(work, 'findscu');
    await run('mkdir', ['-p', dir]);
    await run('findscu', ['-W', '-aet', 'FUNDUS1', '-aec', 'CAPTURE', '127.0.0.1', String(port), '-k', 'PatientID', '-k', `ScheduledProcedureStepSequence[0].ScheduledProcedureStepStartDate=${TODAY}`, '-X', '-od', dir], {
      env: { ...process.env, TCP_NODELAY: '1' },
    });
    expect(readdirSync(dir).filter((f) => f.startsWith('rsp'))).toHaveLength(ITEMS);
  });

  it('a camera that goes away right after its query leaves the station answering the next one whole', async () => {
    const request = dimse.requests.CFindRequest.createWorklistFindRequest(dayQuery);
    const query = {
      port, callingAe: 'FUNDUS1', calledAe: 'CAPTURE', sopClass: MWL_FIND_SOP_CLASS,
      identifier: (ts: string) => new dimse.Dataset(request.getDataset()!.getElements(), ts).getDenaturalizedDataset(),
    };
    for (let i = 0; i < 3; i++) await rawFind({ ...query, dropAfterQuery: true });
    expect(await rawFind(query)).toMatchObject({ pending: ITEMS, identifiers: ITEMS, status: 0 });
  });
});
