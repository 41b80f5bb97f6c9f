// node bench/dicom-mwl.ts [-- --orders N --per-day N --runs N]
// The worklist server (MWL C-FIND) over a real store: a Station with its DICOM listener on loopback,
// 20,000 open orders inserted through the store's own OrdersRepo (so each gets its worklist
// identities), spread over days around today, then C-FIND over the network as a camera asks it:
//   day:     today's whole list for this camera (SPS start date = today, SSAET, modality) -> mwlDayListP95Ms
//   patient: one patient on today's list (PatientID + today's date): 1 item           -> mwlFindP95Ms
// Two stores, unless --per-day picks one: 500 orders a day (40 days: a busy hospital's worklist,
// the hard case) and 60 a day (334 days: one screening station's real day).
// The camera is rawFind (test/fixtures/dicom-raw-find.ts) on a worker thread: one association per
// query, as cameras do, timed from connect to the A-RELEASE-RP; it decodes only each response's
// status, so nearly all of the time is the station's and the loopback's. DCMTK's findscu is timed
// too (median of 11, process start and data dictionary load included, TCP_NODELAY=1), and the
// server's own work in process (store read, matching, encoding every response). Last line: one JSON object.
import { execFile } from 'node:child_process';
import { createRequire } from 'node:module';
import { once } from 'node:events';
import { rmSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { promisify } from 'node:util';
import { parseArgs } from 'node:util';
import { Worker } from 'node:worker_threads';
import { Station } from '../src/main/core/station.ts';
import { silentLogger } from '../src/main/core/kernel/logger.ts';
import { newId } from '../src/main/core/kernel/ids.ts';
import { localDateString } from '../src/shared/dates.ts';
import { createFindWorklist, MWL_FIND_SOP_CLASS } from '../src/main/core/worklist/mwl/scp-find.ts';
import { tempDir } from '../test/fixtures/headless.ts';
import type { ScuAnswer, ScuJob, ScuResult } from './mwl-scu-worker.ts';

const dimse = createRequire(import.meta.url)('dcmjs-dimse') as typeof import('dcmjs-dimse');
const EXPLICIT_LE = '1.2.840.10008.1.2.1';
const IMPLICIT_LE = '1.2.840.10008.1.2';

const percentile = (xs: number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))] ?? Number.NaN;
};
const round = (n: number) => Math.round(n * 100) / 100;
const stats = (xs: number[]) => ({ p50: round(percentile(xs, 50)), p95: round(percentile(xs, 95)), runs: xs.length });

/** The camera on its own thread: one C-FIND per call. */
function startScu(): { find(job: ScuJob): Promise<ScuResult>; stop(): Promise<number> } {
  const worker = new Worker(new URL('./mwl-scu-worker.ts', import.meta.url));
  return {
    async find(job) {
      worker.postMessage(job);
      const [answer] = (await once(worker, 'message')) as [ScuAnswer];
      if ('error' in answer) throw new Error(`C-FIND failed: ${answer.error}`);
      return answer;
    },
    stop: () => worker.terminate(),
  };
}

/** The query identifier as a camera sends it (dcmjs-dimse's worklist request keys), in both syntaxes. */
function identifiers(elements: Record<string, unknown>): Record<string, Uint8Array> {
  const request = dimse.requests.CFindRequest.createWorklistFindRequest(elements);
  const out: Record<string, Uint8Array> = {};
  for (const ts of [EXPLICIT_LE, IMPLICIT_LE]) out[ts] = new dimse.Dataset(request.getDataset()!.getElements(), ts).getDenaturalizedDataset();
  return out;
}

export interface MwlFigures {
  mwlOrders: number;
  perDay: number;
  days: number;
  /** One patient's item (PatientID + today's date), over the network, association included. */
  mwlFindP95Ms: number;
  /** Today's whole list for the camera, over the network, association included. */
  mwlDayListP95Ms: number;
  mwlDayItems: number;
  network: { day: ReturnType<typeof stats>; patient: ReturnType<typeof stats> };
  /** What the station sent for today's list: bytes (PDU headers included) and P-DATA-TF PDUs. */
  dayListWire: { bytes: number; pdus: number };
  /** The station's own work (store read, matching, encoding), in process, no network. */
  handler: { day: ReturnType<typeof stats>; patient: ReturnType<typeof stats> };
  /** DCMTK's findscu, median wall clock of 11 runs, process start included; null without DCMTK. */
  findscu: { dayMs: number | null; patientMs: number | null; noMatchMs: number | null };
  runs: number;
}

export async function measureMwl(opts: { orders?: number; perDay?: number; runs?: number } = {}): Promise<MwlFigures> {
  const ORDERS = opts.orders ?? 20_000;
  const PER_DAY = opts.perDay ?? 500;
  const DAYS = Math.ceil(ORDERS / PER_DAY);
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
  const scu = startScu();
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
    const job = (elements: Record<string, unknown>): ScuJob => ({ port, callingAe: 'FUNDUS1', calledAe: 'CAPTURE', sopClass: MWL_FIND_SOP_CLASS, identifiers: identifiers(elements) });

    const dayJob = job(dayQuery);
    for (let i = 0; i < 5; i++) await scu.find(dayJob); // warm-up
    const day: number[] = [];
    let last = await scu.find(dayJob);
    for (let i = 0; i < RUNS; i++) {
      last = await scu.find(dayJob);
      day.push(last.ms);
      if (last.status !== 0 || last.identifiers !== last.pending) throw new Error(`day list: status ${last.status}, ${last.pending} pending, ${last.identifiers} identifiers`);
    }
    const patientJobs = Array.from({ length: Math.min(RUNS, PER_DAY) }, (_, k) => job({ ...dayQuery, PatientID: todaysPatient(k) }));
    const patient: number[] = [];
    for (let i = 0; i < RUNS; i++) {
      const r = await scu.find(patientJobs[i % patientJobs.length]!);
      patient.push(r.ms);
      if (r.pending !== 1) throw new Error(`expected one item, got ${r.pending}`);
    }
    // The server's own work (store read, matching, encoding every response), without the network.
    const handler = createFindWorklist({ repo, siteId: () => '', log: silentLogger() });
    const ctx = { callingAe: 'FUNDUS1', calledAe: 'CAPTURE', camera: null };
    const inProcess = async (elements: Record<string, unknown>): Promise<number> => {
      const req = dimse.requests.CFindRequest.createWorklistFindRequest(elements);
      req.getDataset()!.setTransferSyntaxUid(EXPLICIT_LE);
      const t0 = performance.now();
      await handler(req, ctx);
      return performance.now() - t0;
    };
    const hDay: number[] = [];
    const hPatient: number[] = [];
    for (let i = 0; i < RUNS; i++) hDay.push(await inProcess(dayQuery));
    for (let i = 0; i < RUNS; i++) hPatient.push(await inProcess({ ...dayQuery, PatientID: todaysPatient(i % PER_DAY) }));
    // DCMTK's findscu as the camera, process start included (median of 11 runs).
    const findscu = async (keys: string[]): Promise<number | null> => {
      const times: number[] = [];
      try {
        for (let i = 0; i < 11; i++) {
          const t0 = performance.now();
          await promisify(execFile)('findscu', ['-W', '-q', '-aet', 'FUNDUS1', '-aec', 'CAPTURE', '127.0.0.1', String(port), '-k', 'PatientID', ...keys], {
            maxBuffer: 64 << 20,
            // With Nagle's algorithm on, findscu's small PDUs wait for delayed ACKs (~40 ms a query).
            env: { ...process.env, TCP_NODELAY: '1' },
          });
          times.push(performance.now() - t0);
        }
      } catch {
        return null; // DCMTK not installed
      }
      return round(percentile(times, 50));
    };
    const spsDate = `ScheduledProcedureStepSequence[0].ScheduledProcedureStepStartDate=${todayDa}`;
    return {
      mwlOrders: ORDERS,
      perDay: PER_DAY,
      days: DAYS,
      mwlFindP95Ms: stats(patient).p95,
      mwlDayListP95Ms: stats(day).p95,
      mwlDayItems: last.pending,
      network: { day: stats(day), patient: stats(patient) },
      dayListWire: { bytes: last.bytes, pdus: last.pdus },
      handler: { day: stats(hDay), patient: stats(hPatient) },
      findscu: {
        dayMs: await findscu(['-k', spsDate]),
        patientMs: await findscu(['-k', `PatientID=${todaysPatient(1)}`, '-k', spsDate]),
        noMatchMs: await findscu(['-k', 'PatientID=NOBODY', '-k', spsDate]),
      },
      runs: RUNS,
    };
  } finally {
    await scu.stop();
    await s.close();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

export const MWL_SCU = 'rawFind (test/fixtures/dicom-raw-find.ts) on a worker thread: one association per query, connect to A-RELEASE-RP';

if (import.meta.url === `file://${process.argv[1]}`) {
  const { values } = parseArgs({ options: { orders: { type: 'string' }, 'per-day': { type: 'string' }, runs: { type: 'string' } } });
  const common = { ...(values.orders && { orders: Number(values.orders) }), ...(values.runs && { runs: Number(values.runs) }) };
  const sizes = values['per-day'] ? [Number(values['per-day'])] : [500, 60];
  const results: MwlFigures[] = [];
  for (const perDay of sizes) results.push(await measureMwl({ ...common, perDay }));
  const [busy, ...rest] = results as [MwlFigures, ...MwlFigures[]];
  const within = results.every((r) => r.mwlFindP95Ms < 50 && r.mwlDayListP95Ms < 50);
  console.log(JSON.stringify({ bench: 'dicom-mwl', scu: MWL_SCU, ...busy, ...(rest.length && { otherStores: rest }), budgetP95Ms: 50, withinBudget: within }));
}
