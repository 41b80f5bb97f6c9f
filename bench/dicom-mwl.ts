// node bench/dicom-mwl.ts [-- --orders N --days N --runs N]
// The worklist server (MWL C-FIND) over a real store: a Station with its DICOM listener on loopback,
// 20,000 orders over 40 days (500 a day) inserted through the store's own OrdersRepo (so each gets
// its worklist identities), then C-FIND over the network as a camera asks it:
//   day:     today's whole list for this camera (SPS start date = today, SSAET, modality): 500 items
//   patient: one patient on today's list (PatientID + today's date): 1 item  -> mwlFindP95Ms
// The SCU is dcmjs-dimse's Client (one association per query, as cameras do), not findscu: starting
// a findscu process costs more than the query itself and would be measured instead of the server.
// One findscu run per shape is timed too, for reference. Last line: one JSON object.
import { execFile } from 'node:child_process';
import { createRequire } from 'node:module';
import net from 'node:net';
import { rmSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { promisify } from 'node:util';
import { parseArgs } from 'node:util';
import { Station } from '../src/main/core/station.ts';
import { silentLogger } from '../src/main/core/kernel/logger.ts';
import { newId } from '../src/main/core/kernel/ids.ts';
import { localDateString } from '../src/shared/dates.ts';
import { createFindWorklist } from '../src/main/core/worklist/mwl/scp-find.ts';
import { tempDir } from '../test/fixtures/headless.ts';

const dimse = createRequire(import.meta.url)('dcmjs-dimse') as typeof import('dcmjs-dimse');

// dcmjs-dimse's Client does not turn Nagle's algorithm off on its socket, so each small PDU it sends
// waits for the peer's delayed ACK (about 40 ms on Linux): that would be measured instead of the
// server. The bench's SCU turns it off, as DCMTK and cameras do.
const connect = net.connect.bind(net);
(net as { connect: typeof net.connect }).connect = ((...args: Parameters<typeof net.connect>) => {
  const socket = connect(...args);
  socket.setNoDelay(true);
  return socket;
}) as typeof net.connect;

const percentile = (xs: number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))] ?? Number.NaN;
};
const round = (n: number) => Math.round(n * 100) / 100;
const stats = (xs: number[]) => ({ p50: round(percentile(xs, 50)), p95: round(percentile(xs, 95)), runs: xs.length });

/** One C-FIND on its own association; resolves with the number of Pending responses. */
function cfind(port: number, elements: Record<string, unknown>): Promise<number> {
  return new Promise((resolve, reject) => {
    const client = new dimse.Client();
    const request = dimse.requests.CFindRequest.createWorklistFindRequest(elements);
    let pending = 0;
    let status: number | null = null;
    request.on('response', (r: import('dcmjs-dimse').responses.CFindResponse) => {
      if (r.getStatus() === dimse.constants.Status.Pending) pending++;
      else status = r.getStatus();
    });
    client.addRequest(request);
    client.on('networkError', (e: Error) => reject(e));
    client.on('closed', () => (status === dimse.constants.Status.Success ? resolve(pending) : reject(new Error(`C-FIND status ${status}`))));
    client.send('127.0.0.1', port, 'FUNDUS1', 'CAPTURE');
  });
}

export async function measureMwl(
  opts: { orders?: number; days?: number; runs?: number } = {},
): Promise<{
  mwlOrders: number;
  /** One patient's item (PatientID + today's date), over the network, association included. */
  mwlFindP95Ms: number;
  mwlFindQuery: string;
  /** Today's whole list for the camera (500 items at the default sizes). */
  mwlDayListP95Ms: number;
  mwlDayItems: number;
  network: { day: ReturnType<typeof stats>; patient: ReturnType<typeof stats> };
  handler: { day: ReturnType<typeof stats>; patient: ReturnType<typeof stats> };
  findscuDayMs: number | null;
  findscuPatientMs: number | null;
  findscuNoMatchMs: number | null;
  scu: string;
  days: number;
  runs: number;
}> {
  const ORDERS = opts.orders ?? 20_000;
  const DAYS = opts.days ?? 40;
  const RUNS = opts.runs ?? 100;
  const dataDir = tempDir('bench-mwl');
  const s = await Station.open({
    dataDir,
    host: 'headless',
    version: 'bench',
    urls: { thumb: (id) => id, full: (id) => id },
    watch: [],
    logger: silentLogger(),
    quality: false,
    dicom: { port: 0, aeTitle: 'CAPTURE', address: '127.0.0.1', cameras: ['FUNDUS1'] },
  });
  try {
    const repo = s.worklist.repo;
    const today = new Date();
    const at = new Date().toISOString();
    // Days from (today - DAYS/2) on, so today is in the middle; times spread over 08:00-17:00.
    repo.db.transaction(() => {
      for (let i = 0; i < ORDERS; i++) {
        const day = (i % DAYS) - Math.floor(DAYS / 2);
        const minutes = 8 * 60 + ((i * 7) % (9 * 60));
        const when = new Date(today.getFullYear(), today.getMonth(), today.getDate() + day, 0, minutes);
        repo.insert({
          id: newId(),
          patientId: `P${String(i).padStart(6, '0')}`,
          name: `Patient${i}, Test`,
          birthDate: '1950-01-01',
          sex: i % 2 ? 'F' : 'M',
          scheduledAt: when.toISOString(),
          site: null,
          externalOrderId: null,
          accessionNumber: null,
          scheduledStepId: null,
          source: 'walk-in',
          sourceKey: null,
          at,
        });
      }
    })();
    const port = (await s.api['dicom.status']({})).listener.port!;
    const todayDa = localDateString(today).replace(/-/g, '');
    const step = { Modality: 'OP', ScheduledStationAETitle: 'FUNDUS1', ScheduledProcedureStepStartDate: todayDa, ScheduledProcedureStepStartTime: '', ScheduledProcedureStepID: '' };
    const dayQuery = { PatientName: '', PatientID: '', PatientBirthDate: '', PatientSex: '', AccessionNumber: '', StudyInstanceUID: '', ScheduledProcedureStepSequence: [step] };
    const todaysPatient = (k: number) => `P${String((k * DAYS + Math.floor(DAYS / 2)) % ORDERS).padStart(6, '0')}`;

    for (let i = 0; i < 5; i++) await cfind(port, dayQuery); // warm-up
    const day: number[] = [];
    let dayItems = 0;
    for (let i = 0; i < RUNS; i++) {
      const t0 = performance.now();
      dayItems = await cfind(port, dayQuery);
      day.push(performance.now() - t0);
    }
    const patient: number[] = [];
    for (let i = 0; i < RUNS; i++) {
      const t0 = performance.now();
      const n = await cfind(port, { ...dayQuery, PatientID: todaysPatient(i % 400) });
      patient.push(performance.now() - t0);
      if (n !== 1) throw new Error(`expected one item, got ${n}`);
    }
    // The server's own work (store read, matching, encoding every response), without the network.
    const handler = createFindWorklist({ repo, siteId: () => '', log: silentLogger() });
    const ctx = { callingAe: 'FUNDUS1', calledAe: 'CAPTURE', camera: null };
    const inProcess = async (elements: Record<string, unknown>): Promise<number> => {
      const req = dimse.requests.CFindRequest.createWorklistFindRequest(elements);
      req.getDataset()!.setTransferSyntaxUid('1.2.840.10008.1.2.1');
      const t0 = performance.now();
      await handler(req, ctx);
      return performance.now() - t0;
    };
    const hDay: number[] = [];
    const hPatient: number[] = [];
    for (let i = 0; i < RUNS; i++) hDay.push(await inProcess(dayQuery));
    for (let i = 0; i < RUNS; i++) hPatient.push(await inProcess({ ...dayQuery, PatientID: todaysPatient(i % 400) }));
    // DCMTK's findscu as the camera, process start included (median of 11 runs).
    const findscu = async (keys: string[]): Promise<number | null> => {
      const times: number[] = [];
      try {
        for (let i = 0; i < 11; i++) {
          const t0 = performance.now();
          await promisify(execFile)('findscu', ['-W', '-q', '-aet', 'FUNDUS1', '-aec', 'CAPTURE', '127.0.0.1', String(port), '-k', 'PatientID', ...keys], { maxBuffer: 64 << 20 });
          times.push(performance.now() - t0);
        }
      } catch {
        return null; // DCMTK not installed
      }
      return round(percentile(times, 50));
    };
    const spsDate = `ScheduledProcedureStepSequence[0].ScheduledProcedureStepStartDate=${todayDa}`;
    const findscuDayMs = await findscu(['-k', spsDate]);
    const findscuPatientMs = await findscu(['-k', `PatientID=${todaysPatient(1)}`, '-k', spsDate]);
    const findscuNoMatchMs = await findscu(['-k', 'PatientID=NOBODY', '-k', spsDate]);
    return {
      mwlOrders: ORDERS,
      mwlFindP95Ms: stats(patient).p95,
      mwlFindQuery: "one patient: PatientID + today's SPS start date, SSAET, modality",
      mwlDayListP95Ms: stats(day).p95,
      mwlDayItems: dayItems,
      network: { day: stats(day), patient: stats(patient) },
      handler: { day: stats(hDay), patient: stats(hPatient) },
      findscuDayMs,
      findscuPatientMs,
      findscuNoMatchMs,
      scu: 'dcmjs-dimse Client, one association per query',
      days: DAYS,
      runs: RUNS,
    };
  } finally {
    await s.close();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const { values } = parseArgs({ options: { orders: { type: 'string' }, days: { type: 'string' }, runs: { type: 'string' } } });
  const r = await measureMwl({
    ...(values.orders && { orders: Number(values.orders) }),
    ...(values.days && { days: Number(values.days) }),
    ...(values.runs && { runs: Number(values.runs) }),
  });
  console.log(JSON.stringify({ bench: 'dicom-mwl', ...r, budgetP95Ms: 50, withinBudget: r.mwlFindP95Ms < 50 }));
}
