// Worklist providers against real parts: a node:http server on 127.0.0.1, the real Modality
// Worklist samples, .wl files written with dcmjs, CSV bytes in the encodings EHRs export, and a
// real temporary folder.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fetchHttpWorklist, parseWorklistJson } from '../../src/main/core/worklist/providers/http-json.ts';
import { parseWorklistCsv } from '../../src/main/core/worklist/providers/csv.ts';
import { formatPersonName, parseWorklistFile, readWorklistItem } from '../../src/main/core/worklist/providers/dicom-worklist.ts';
import { readWorklistFolder } from '../../src/main/core/worklist/providers/folder.ts';
import { WorklistProviderError } from '../../src/main/core/worklist/providers/result.ts';
import { hasSharedData, sharedDataSkipReason, sharedPath } from '../fixtures/shared-data.ts';

/** A local wall-clock time as the UTC ISO string the providers produce (they read zone-less times as station time). */
const local = (y: number, m: number, d: number, h = 0, mi = 0, s = 0) => new Date(y, m - 1, d, h, mi, s).toISOString();

const providerError = async (promise: Promise<unknown>): Promise<WorklistProviderError> => {
  const error = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(WorklistProviderError);
  return error as WorklistProviderError;
};

const goodOrders = {
  orders: [
    {
      orderId: 'ORD-1',
      accessionNumber: 'ACC-1',
      scheduledStepId: 'SPS-1',
      patient: { id: '12345', name: 'Müller, Anna', birthDate: '1956-04-30', sex: 'F' },
      scheduledAt: '2025-03-01T09:30:00+01:00',
      site: 'North clinic',
    },
    {
      orderId: 'ORD-2',
      patient: { id: 67890, name: 'Ødegård, Åse', sex: 'female' },
      scheduledAt: '2025-03-01T10:00:00Z',
    },
  ],
};

describe('HTTP JSON provider (real local server)', () => {
  let server: Server;
  let base: string;
  let lastAuthorization: string | undefined;
  const token = 'test-token-123';

  const routes: Record<string, (req: IncomingMessage, res: ServerResponse) => void> = {
    '/good': (req, res) => {
      if (req.headers.authorization !== `Bearer ${token}`) {
        res.writeHead(401).end();
        return;
      }
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(goodOrders));
    },
    '/bad-json': (_req, res) => res.writeHead(200, { 'content-type': 'application/json' }).end('{"orders": [ {"patient": '),
    '/html': (_req, res) => res.writeHead(200, { 'content-type': 'text/html' }).end('<html>Login</html>'),
    '/wrong-shape': (_req, res) => res.writeHead(200).end(JSON.stringify([{ id: 1 }])),
    '/500': (_req, res) => res.writeHead(500).end('Internal Server Error'),
    '/404': (_req, res) => res.writeHead(404).end(),
    // Never answers: the request must give up after timeoutMs.
    '/hang': () => undefined,
    // Answers slowly but completely, well within the timeout.
    '/slow': (_req, res) => {
      const body = JSON.stringify(goodOrders);
      const third = Math.ceil(body.length / 3);
      res.writeHead(200, { 'content-type': 'application/json' });
      res.write(body.slice(0, third));
      setTimeout(() => res.write(body.slice(third, 2 * third)), 150);
      setTimeout(() => res.end(body.slice(2 * third)), 300);
    },
    // Sends headers at once, then trickles the body for far longer than the timeout.
    '/dribble': (_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.write('{"orders": [');
      const timer = setInterval(() => res.write(' '), 50);
      res.on('close', () => clearInterval(timer));
    },
    '/mixed-rows': (_req, res) =>
      res.writeHead(200).end(
        JSON.stringify({
          orders: [
            goodOrders.orders[0],
            { ...goodOrders.orders[0], patient: { id: '', name: 'No Id', sex: 'M' } },
            { ...goodOrders.orders[0], patient: { id: 'P2', name: 'Bad Date', birthDate: '30.04.1956' } },
            'not an object',
            { ...goodOrders.orders[0], scheduledAt: 'tomorrow morning' },
            { ...goodOrders.orders[0], patient: { id: 'P3', name: 'Bad Sex', sex: 'Q' } },
          ],
        }),
      ),
  };

  beforeAll(async () => {
    server = createServer((req, res) => {
      lastAuthorization = req.headers.authorization;
      const route = routes[new URL(req.url ?? '/', 'http://x').pathname];
      if (route) route(req, res);
      else res.writeHead(404).end();
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });

  afterAll(async () => {
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });

  it('reads a good worklist and sends the bearer token', async () => {
    const result = await fetchHttpWorklist({ url: `${base}/good`, token, timeoutMs: 5000 });
    expect(lastAuthorization).toBe(`Bearer ${token}`);
    expect(result.rejected).toEqual([]);
    expect(result.entries).toEqual([
      {
        patientId: '12345',
        name: 'Müller, Anna',
        birthDate: '1956-04-30',
        sex: 'F',
        scheduledAt: '2025-03-01T08:30:00.000Z',
        site: 'North clinic',
        externalOrderId: 'ORD-1',
        accessionNumber: 'ACC-1',
        scheduledStepId: 'SPS-1',
        source: 'http',
      },
      {
        patientId: '67890',
        name: 'Ødegård, Åse',
        birthDate: null,
        sex: 'F',
        scheduledAt: '2025-03-01T10:00:00.000Z',
        site: null,
        externalOrderId: 'ORD-2',
        accessionNumber: null,
        scheduledStepId: null,
        source: 'http',
      },
    ]);
  });

  it('a refused token is an error that says to check the token', async () => {
    const error = await providerError(fetchHttpWorklist({ url: `${base}/good`, token: 'wrong', timeoutMs: 5000 }));
    expect(error.code).toBe('http-status');
    expect(error.message).toContain('HTTP 401');
    expect(error.message).toContain('token');
    expect(error.message).not.toContain('wrong');
  });

  it('bad JSON is an error', async () => {
    const error = await providerError(fetchHttpWorklist({ url: `${base}/bad-json`, token, timeoutMs: 5000 }));
    expect(error.code).toBe('bad-json');
    expect(error.message).toBe('The worklist server answered with something that is not JSON.');
    expect((await providerError(fetchHttpWorklist({ url: `${base}/html`, token, timeoutMs: 5000 }))).code).toBe('bad-json');
  });

  it('JSON of the wrong shape is an error', async () => {
    const error = await providerError(fetchHttpWorklist({ url: `${base}/wrong-shape`, token, timeoutMs: 5000 }));
    expect(error.code).toBe('bad-shape');
  });

  it('a 500 is an error that names the status', async () => {
    const error = await providerError(fetchHttpWorklist({ url: `${base}/500`, token, timeoutMs: 5000 }));
    expect(error.code).toBe('http-status');
    expect(error.message).toBe('The worklist server answered with an error (HTTP 500).');
    expect((await providerError(fetchHttpWorklist({ url: `${base}/404`, token, timeoutMs: 5000 }))).message).toContain('HTTP 404');
  });

  it('a server that never answers times out', async () => {
    const error = await providerError(fetchHttpWorklist({ url: `${base}/hang`, token, timeoutMs: 300 }));
    expect(error.code).toBe('timeout');
    expect(error.message).toBe('The worklist server did not answer within 0.3 s.');
  });

  it('a slow answer that completes within the timeout is read in full', async () => {
    const result = await fetchHttpWorklist({ url: `${base}/slow`, token, timeoutMs: 10_000 });
    expect(result.entries.map((e) => e.externalOrderId)).toEqual(['ORD-1', 'ORD-2']);
  });

  it('a body that keeps trickling past the timeout times out too', async () => {
    const error = await providerError(fetchHttpWorklist({ url: `${base}/dribble`, token, timeoutMs: 400 }));
    expect(error.code).toBe('timeout');
  });

  it('the caller can cancel a request', async () => {
    const controller = new AbortController();
    const pending = fetchHttpWorklist({ url: `${base}/hang`, token, timeoutMs: 10_000, signal: controller.signal });
    controller.abort();
    expect((await providerError(pending)).code).toBe('cancelled');
  });

  it('an unreachable server is an error', async () => {
    // A port that was just free: nothing listens there.
    const probe = createServer();
    await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
    const port = (probe.address() as AddressInfo).port;
    await new Promise<void>((resolve) => probe.close(() => resolve()));
    const error = await providerError(fetchHttpWorklist({ url: `http://127.0.0.1:${port}/`, token, timeoutMs: 5000 }));
    expect(error.code).toBe('unreachable');
  });

  it('bad rows are rejected one by one, in plain words without their content; good rows are kept', async () => {
    const result = await fetchHttpWorklist({ url: `${base}/mixed-rows`, token, timeoutMs: 5000 });
    expect(result.entries).toHaveLength(1);
    expect(result.rejected).toEqual([
      { row: 'orders[1]', reason: 'Patient ID is required.' },
      { row: 'orders[2]', reason: 'Birth date must be a date written as YYYY-MM-DD.' },
      { row: 'orders[3]', reason: 'The order is not a JSON object.' },
      { row: 'orders[4]', reason: 'Scheduled time is missing or is not an ISO date and time.' },
      { row: 'orders[5]', reason: 'Sex must be M (male), F (female), O (other) or U (unknown).' },
    ]);
  });
});

describe('parseWorklistJson', () => {
  it('reads a zone-less scheduled time as station local time', () => {
    const { entries } = parseWorklistJson({ orders: [{ ...goodOrders.orders[0], scheduledAt: '2025-03-01T09:30' }] });
    expect(entries[0]?.scheduledAt).toBe(local(2025, 3, 1, 9, 30));
  });

  it('throws on anything that is not { orders: [...] }', () => {
    for (const bad of [null, 42, 'x', [], {}, { orders: {} }]) {
      expect(() => parseWorklistJson(bad)).toThrow(WorklistProviderError);
    }
    expect(parseWorklistJson({ orders: [] })).toEqual({ entries: [], rejected: [] });
  });
});

describe('DICOM Modality Worklist files', () => {
  const dcmjs = createRequire(import.meta.url)('dcmjs') as {
    data: {
      DicomDict: new (meta: unknown) => { dict: unknown; write(): ArrayBuffer };
      DicomMetaDictionary: { denaturalizeDataset(ds: Record<string, unknown>): unknown };
    };
  };

  /** A .wl item written with dcmjs (explicit or implicit VR little endian). */
  const writeWl = (ds: Record<string, unknown>, transferSyntax = '1.2.840.10008.1.2.1'): Buffer => {
    const { DicomDict, DicomMetaDictionary } = dcmjs.data;
    const dict = new DicomDict(
      DicomMetaDictionary.denaturalizeDataset({
        FileMetaInformationVersion: new Uint8Array([0, 1]).buffer,
        MediaStorageSOPClassUID: '1.2.276.0.7230010.3.1.0.1',
        MediaStorageSOPInstanceUID: '1.2.826.0.1.3680043.9.1',
        TransferSyntaxUID: transferSyntax,
        ImplementationClassUID: '1.2.826.0.1.3680043.9.2',
      }),
    );
    dict.dict = DicomMetaDictionary.denaturalizeDataset(ds);
    return Buffer.from(dict.write());
  };

  const utf8Item = {
    SpecificCharacterSet: 'ISO_IR 192',
    PatientName: 'Ødegård^Åse^Marie',
    PatientID: 'NO-4711',
    PatientBirthDate: '19600229',
    PatientSex: 'F',
    AccessionNumber: 'ACC-9',
    RequestedProcedureID: 'RP-7',
    ScheduledProcedureStepSequence: [
      {
        Modality: 'OP',
        ScheduledStationAETitle: 'FUNDUS1',
        ScheduledProcedureStepStartDate: '20250301',
        ScheduledProcedureStepStartTime: '0930',
        ScheduledProcedureStepID: 'SPS-1',
        ScheduledProcedureStepLocation: 'Øst-klinikk',
      },
    ],
  };

  /** The data set alone: what is left after the preamble, "DICM" and the File Meta group. */
  const bareDataSet = (part10: Buffer) => part10.subarray(144 + part10.readUInt32LE(140));

  describe.skipIf(!hasSharedData)(hasSharedData ? 'the real samples' : `the real samples: skipped, ${sharedDataSkipReason}`, () => {
    const latin1 = () => readFile(sharedPath('dicom', 'worklist', 'orthanc_issue49-latin1.wl'));
    const dcmtk = () => readFile(sharedPath('dicom', 'worklist', 'orthanc_orig.7814.other.station.dump.wl'));

    // Expected values read with dcmdump (DCMTK): `dcmdump +U8 orthanc_issue49-latin1.wl`.
    it('implicit VR, ISO_IR 100: the Latin-1 name is decoded correctly', async () => {
      const item = readWorklistItem(await latin1());
      expect(item).toEqual({
        specificCharacterSet: 'ISO_IR 100',
        patientId: '201102956',
        patientName: 'VANILLÉ^LAURA^^^Mme',
        patientBirthDate: '19521103',
        patientSex: 'F',
        accessionNumber: '123456',
        requestedProcedureId: null,
        studyInstanceUid: '1.2.826.0.1.3680043.9.6676.1496913432.2006770628992097492124057',
        step: { startDate: '20170608', startTime: '153700', stepId: null, stationAeTitle: null, modality: 'CT', location: null },
      });
      expect(parseWorklistFile(await latin1())).toEqual({
        entries: [
          {
            patientId: '201102956',
            name: 'VANILLÉ, LAURA',
            birthDate: '1952-11-03',
            sex: 'F',
            scheduledAt: local(2017, 6, 8, 15, 37),
            site: null,
            externalOrderId: null,
            accessionNumber: '123456',
            scheduledStepId: null,
            source: 'dicom-worklist',
          },
        ],
        rejected: [],
      });
    });

    it('explicit VR written by DCMTK, no character set, empty birth date', async () => {
      const item = readWorklistItem(await dcmtk());
      expect(item.specificCharacterSet).toBeNull();
      expect(item.step).toEqual({
        startDate: '20161116',
        startTime: '110253',
        stepId: null,
        stationAeTitle: 'ORTHANCTEST',
        modality: 'CR',
        location: null,
      });
      const { entries, rejected } = parseWorklistFile(await dcmtk(), { source: 'mwl' });
      expect(rejected).toEqual([]);
      expect(entries).toEqual([
        {
          patientId: '01234568',
          name: 'nn',
          birthDate: null,
          sex: 'F',
          scheduledAt: local(2016, 11, 16, 11, 2, 53),
          site: null,
          externalOrderId: null,
          accessionNumber: 'AN123457',
          scheduledStepId: null,
          source: 'mwl',
        },
      ]);
    });

    it('a bare data set (no preamble, no File Meta) of either VR reads the same', async () => {
      for (const bytes of [await latin1(), await dcmtk()]) {
        expect(readWorklistItem(bareDataSet(bytes))).toEqual(readWorklistItem(bytes));
      }
    });

    it('readWorklistFolder reads the sample folder', async () => {
      const result = await readWorklistFolder(sharedPath('dicom', 'worklist'));
      expect(result.fileErrors).toEqual([]);
      expect(result.fileCount).toBe(2);
      expect(result.entries.map((e) => [e.patientId, e.source])).toEqual([
        ['201102956', 'folder:orthanc_issue49-latin1.wl'],
        ['01234568', 'folder:orthanc_orig.7814.other.station.dump.wl'],
      ]);
    });
  });

  it('UTF-8 (ISO_IR 192) text is decoded, inside the step sequence too, in explicit and implicit VR', () => {
    for (const ts of ['1.2.840.10008.1.2.1', '1.2.840.10008.1.2']) {
      const bytes = writeWl(utf8Item, ts);
      const item = readWorklistItem(bytes);
      expect(item.specificCharacterSet).toBe('ISO_IR 192');
      expect(item.patientName).toBe('Ødegård^Åse^Marie');
      expect(item.step).toEqual({
        startDate: '20250301',
        startTime: '0930',
        stepId: 'SPS-1',
        stationAeTitle: 'FUNDUS1',
        modality: 'OP',
        location: 'Øst-klinikk',
      });
      expect(parseWorklistFile(bytes).entries).toEqual([
        {
          patientId: 'NO-4711',
          name: 'Ødegård, Åse Marie',
          birthDate: '1960-02-29',
          sex: 'F',
          scheduledAt: local(2025, 3, 1, 9, 30),
          site: 'Øst-klinikk',
          externalOrderId: 'RP-7',
          accessionNumber: 'ACC-9',
          scheduledStepId: 'SPS-1',
          source: 'dicom-worklist',
        },
      ]);
    }
  });

  it('UTF-8 text in a file that declares no character set is still read as UTF-8', () => {
    const { SpecificCharacterSet: _dropped, ...undeclared } = utf8Item;
    const item = readWorklistItem(writeWl(undeclared));
    expect(item.specificCharacterSet).toBeNull();
    expect(item.patientName).toBe('Ødegård^Åse^Marie');
    expect(item.step?.location).toBe('Øst-klinikk');
  });

  it('an item with a bad birth date or no scheduled date is rejected, not thrown', () => {
    expect(parseWorklistFile(writeWl({ ...utf8Item, PatientBirthDate: '19561345' })).rejected).toEqual([
      { row: 'item', reason: 'Birth date is not a valid DICOM date.' },
    ]);
    const noStep = parseWorklistFile(writeWl({ ...utf8Item, ScheduledProcedureStepSequence: [] }));
    expect(noStep.entries).toEqual([]);
    expect(noStep.rejected[0]?.reason).toMatch(/Scheduled Procedure Step Start Date/);
    expect(parseWorklistFile(writeWl({ ...utf8Item, PatientID: '' })).rejected).toEqual([
      { row: 'item', reason: 'Patient ID is required.' },
    ]);
  });

  it('a file that is not DICOM throws a provider error', () => {
    expect(() => readWorklistItem(Buffer.from('PatientID,Name\n1,Someone\n'))).toThrow(WorklistProviderError);
    expect(() => parseWorklistFile(Buffer.alloc(0))).toThrow('The file is not a readable DICOM worklist item.');
  });

  it('formats person names family first', () => {
    expect(formatPersonName('VANILLÉ^LAURA^^^Mme')).toBe('VANILLÉ, LAURA');
    expect(formatPersonName('Doe^John^Q^Dr^Jr')).toBe('Doe, John Q');
    expect(formatPersonName('nn')).toBe('nn');
    expect(formatPersonName('^Given')).toBe('Given');
    expect(formatPersonName('Yamada^Tarou=山田^太郎')).toBe('Yamada, Tarou');
  });

  describe('readWorklistFolder', () => {
    let dir: string;
    beforeAll(async () => {
      dir = await mkdtemp(path.join(os.tmpdir(), 'worklist-folder-'));
    });
    afterAll(async () => {
      await rm(dir, { recursive: true, force: true });
    });

    it('reads .csv and .wl files, skips others and sub-folders, and reports bad files without failing the rest', async () => {
      await writeFile(path.join(dir, 'a-today.csv'), 'PatientID,Name,Date\nP1,One,2025-03-01\nP2,,2025-03-01\n');
      await writeFile(path.join(dir, 'b-item.WL'), writeWl(utf8Item));
      await writeFile(path.join(dir, 'c-garbage.wl'), 'this is not dicom');
      await writeFile(path.join(dir, 'd-no-columns.csv'), 'foo,bar\n1,2\n');
      await writeFile(path.join(dir, 'notes.txt'), 'PatientID,Name,Date\nP9,Nine,2025-03-01\n');
      await mkdir(path.join(dir, 'old'));
      await writeFile(path.join(dir, 'old', 'z.csv'), 'PatientID,Name,Date\nP8,Eight,2025-03-01\n');

      const result = await readWorklistFolder(dir);
      expect(result.fileCount).toBe(4);
      expect(result.entries.map((e) => [e.patientId, e.source])).toEqual([
        ['P1', 'folder:a-today.csv'],
        ['NO-4711', 'folder:b-item.WL'],
      ]);
      expect(result.rejected).toEqual([{ row: 'a-today.csv row 3', reason: 'Name is required.' }]);
      expect(result.fileErrors).toEqual([
        { file: 'c-garbage.wl', reason: 'The file is not a readable DICOM worklist item.' },
        { file: 'd-no-columns.csv', reason: expect.stringContaining('no a patient ID column') },
      ]);
    });

    it('an empty folder is an empty worklist; a missing folder or one where every file fails is an error', async () => {
      const empty = await mkdtemp(path.join(os.tmpdir(), 'worklist-empty-'));
      try {
        expect(await readWorklistFolder(empty)).toEqual({ entries: [], rejected: [], fileErrors: [], fileCount: 0 });
        await writeFile(path.join(empty, 'x.wl'), 'garbage');
        const allBad = await providerError(readWorklistFolder(empty));
        expect(allBad.code).toBe('bad-file');
        expect(allBad.message).toContain('None of the 1 worklist files could be read');
      } finally {
        await rm(empty, { recursive: true, force: true });
      }
      const missing = await providerError(readWorklistFolder(path.join(dir, 'does-not-exist')));
      expect(missing.code).toBe('unreadable');
    });
  });
});

describe('CSV files', () => {
  const utf8Bom = (s: string) => Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(s, 'utf8')]);

  it('UTF-8 with BOM, commas, quoted fields with commas, several date forms', () => {
    const csv = [
      'Patient ID,Name,DOB,Gender,Date,Time,Accession,OrderID,Department',
      '12345,"Müller, Anna",1956-04-30,F,2025-03-01,09:30,ACC-1,ORD-1,North',
      '23456,"Ødegård, Åse",30.04.1957,female,01.03.2025,0945,,,North',
      '34567,Łukasz Żółć,29/02/1960,M,20250301,10:00:30,,,',
      '45678,Unknown Sex Person,19500101,,2025-03-01,,,,',
    ].join('\r\n');
    const { entries, rejected } = parseWorklistCsv(utf8Bom(csv));
    expect(rejected).toEqual([]);
    expect(entries).toEqual([
      {
        patientId: '12345',
        name: 'Müller, Anna',
        birthDate: '1956-04-30',
        sex: 'F',
        scheduledAt: local(2025, 3, 1, 9, 30),
        site: 'North',
        externalOrderId: 'ORD-1',
        accessionNumber: 'ACC-1',
        scheduledStepId: null,
        source: 'csv',
      },
      expect.objectContaining({ patientId: '23456', name: 'Ødegård, Åse', birthDate: '1957-04-30', scheduledAt: local(2025, 3, 1, 9, 45) }),
      expect.objectContaining({ name: 'Łukasz Żółć', birthDate: '1960-02-29', sex: 'M', site: null, scheduledAt: local(2025, 3, 1, 10, 0, 30) }),
      expect.objectContaining({ birthDate: '1950-01-01', sex: 'U', scheduledAt: local(2025, 3, 1) }),
    ]);
  });

  it('UTF-16 LE with BOM and tabs (Excel "Unicode text")', () => {
    const tsv = ['MRN\tLast name\tFirst name\tBirthDate\tSex\tScheduledAt', 'A-1\tØdegård\tÅse\t1957-04-30\tF\t2025-03-01T08:00:00Z', ''].join('\n');
    const bytes = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(tsv, 'utf16le')]);
    const { entries, rejected } = parseWorklistCsv(bytes);
    expect(rejected).toEqual([]);
    expect(entries).toEqual([expect.objectContaining({ patientId: 'A-1', name: 'Ødegård, Åse', scheduledAt: '2025-03-01T08:00:00.000Z' })]);
  });

  it('UTF-16 BE with BOM, and UTF-16 LE without one', () => {
    const csv = 'patient_id,PatientName,Date\nB-1,Müller,2025-03-01\n';
    const be = Buffer.concat([Buffer.from([0xfe, 0xff]), Buffer.from(csv, 'utf16le').swap16()]);
    const leNoBom = Buffer.from(csv, 'utf16le');
    for (const bytes of [be, leNoBom]) {
      expect(parseWorklistCsv(bytes).entries).toEqual([expect.objectContaining({ patientId: 'B-1', name: 'Müller' })]);
    }
  });

  it('Windows-1252 with semicolons and Last/First columns', () => {
    const csv = [
      'Nachname;Vorname;Patient-Nr;Geburtsdatum;Geschlecht;Datum;Uhrzeit;Abteilung',
      'Müller;Jürgen;K-77;01.02.1950;m;01.03.2025;14:15;Augenklinik Süd',
      'Ødegård;Åse;K-78;02.03.1951;w;01.03.2025;14:30;Augenklinik Süd',
      '',
    ].join('\r\n');
    const bytes = Buffer.from(csv, 'latin1'); // these letters are the same in Latin-1 and Windows-1252
    expect(bytes.includes(Buffer.from('Müller', 'utf8'))).toBe(false); // really single-byte
    const { entries, rejected } = parseWorklistCsv(bytes);
    expect(rejected).toEqual([]);
    expect(entries).toEqual([
      expect.objectContaining({ patientId: 'K-77', name: 'Müller, Jürgen', birthDate: '1950-02-01', sex: 'M', site: 'Augenklinik Süd', scheduledAt: local(2025, 3, 1, 14, 15) }),
      expect.objectContaining({ patientId: 'K-78', name: 'Ødegård, Åse', birthDate: '1951-03-02', sex: 'F' }),
    ]);
  });

  it('quoted fields with embedded newlines, delimiters and doubled quotes; a bad row is rejected by its row number, the rest kept', () => {
    const csv = [
      'PatientID;Name;DOB;Sex;ScheduledAt;Site',
      '"P-1";"O""Brien; Mary ""Molly""";1940-01-01;F;2025-03-01 09:00;"North; Room 2"',
      '"P-2";"Line one',
      'line two";1941-01-01;M;2025-03-01 09:15;',
      '',
      'P-3;Bad Birth Date;1942-13-01;F;2025-03-01 09:30;',
      'P-4;Fine Again;1943-01-01;U;2025-03-01T09:45:00+01:00;',
    ].join('\n');
    const { entries, rejected } = parseWorklistCsv(Buffer.from(csv, 'utf8'));
    expect(entries.map((e) => [e.patientId, e.name, e.site])).toEqual([
      ['P-1', 'O"Brien; Mary "Molly"', 'North; Room 2'],
      ['P-2', 'Line one\nline two', null],
      ['P-4', 'Fine Again', null],
    ]);
    expect(entries[0]?.scheduledAt).toBe(local(2025, 3, 1, 9, 0));
    expect(entries[2]?.scheduledAt).toBe('2025-03-01T08:45:00.000Z');
    // Row 1 header, 2 P-1, 3 P-2 (two lines), 4 blank, 5 P-3.
    expect(rejected).toEqual([
      { row: 5, reason: 'Birth date is not a date in a known form (YYYY-MM-DD, DD.MM.YYYY, DD/MM/YYYY or YYYYMMDD).' },
    ]);
  });

  it('rejects rows with missing ids, names, dates or unknown sex, without repeating their content', () => {
    const csv = [
      'PatientID,Name,DOB,Sex,Date',
      ',No Id,1950-01-01,F,2025-03-01',
      'P-2,,1950-01-01,F,2025-03-01',
      'P-3,SECRET NAME,1950-01-01,Q,2025-03-01',
      'P-4,No Date,1950-01-01,F,',
      'P-5,Future,2999-01-01,F,2025-03-01',
      'P-6,Good,1950-01-01,F,2025-03-01',
    ].join('\n');
    const { entries, rejected } = parseWorklistCsv(Buffer.from(csv));
    expect(entries.map((e) => e.patientId)).toEqual(['P-6']);
    expect(rejected).toEqual([
      { row: 2, reason: 'Patient ID is required.' },
      { row: 3, reason: 'Name is required.' },
      { row: 4, reason: 'Sex must be M (male), F (female), O (other) or U (unknown).' },
      { row: 5, reason: 'Scheduled date or time is missing or not in a known form.' },
      { row: 6, reason: 'Birth date cannot be in the future.' },
    ]);
    expect(JSON.stringify(rejected)).not.toContain('SECRET');
  });

  it('refuses month-first slash dates instead of reading them wrongly', () => {
    const csv = 'PatientID,Name,DOB,Date\nP-1,One,04/30/1956,2025-03-01\nP-2,Two,03/04/1957,2025-03-01\nP-3,Three,1958-01-02,2025-03-01\n';
    const { entries, rejected } = parseWorklistCsv(Buffer.from(csv));
    expect(entries.map((e) => e.patientId)).toEqual(['P-3']);
    expect(rejected.map((r) => r.row)).toEqual([2, 3]);
    expect(rejected[0]?.reason).toMatch(/month-first/);
  });

  it('a Date column may carry the time too; month-first dates with times are caught as well', () => {
    const ok = parseWorklistCsv(Buffer.from('PatientID,Name,Date\nP-1,One,2025-03-01 14:00\nP-2,Two,01.03.2025\n'));
    expect(ok.entries.map((e) => e.scheduledAt)).toEqual([local(2025, 3, 1, 14), local(2025, 3, 1)]);
    const us = parseWorklistCsv(Buffer.from('PatientID,Name,Date\nP-1,One,03/13/2025 14:00\nP-2,Two,03/04/2025 09:00\n'));
    expect(us.entries).toEqual([]);
    expect(us.rejected.map((r) => r.reason)).toEqual([expect.stringMatching(/month-first/), expect.stringMatching(/month-first/)]);
  });

  it('a header without the essential columns, an empty file and a broken quote are file errors', () => {
    expect(() => parseWorklistCsv(Buffer.from('Name,Date\nA,2025-03-01\n'))).toThrow(/no a patient ID column/);
    expect(() => parseWorklistCsv(Buffer.from('PatientID,Name\n1,A\n'))).toThrow(/scheduled date column/);
    expect(() => parseWorklistCsv(Buffer.from('\r\n\r\n'))).toThrow('The CSV file is empty.');
    let error: unknown;
    try {
      parseWorklistCsv(Buffer.from('PatientID,Name,Date\nP-1,"SECRET unterminated,2025-03-01\n'));
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(WorklistProviderError);
    expect((error as Error).message).toMatch(/could not be read/);
    expect((error as Error).message).not.toContain('SECRET');
  });
});
