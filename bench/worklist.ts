// npm run bench:worklist [-- --orders N --images N --days N --runs N]
// Fills a real station store (SQLite file in a temp folder, the real Station and its services)
// with 20,000 orders over 40 days (500 a day) and 100,000 images (most linked to an order and eye, some
// unassigned, some rejected, some best picks and ungradable marks), then measures through the
// same code the UI calls:
//   worklistDay: 'worklist.list' for one day (the busiest), every row with its per-eye summary
//   openExam:    'exam.get' for one random order (patient, every image per eye, best, gradable)
//   matchImage:  the ingest store hook for one new image (index lookup + the writes), in its
//                transaction, committed
//   searchAllDays: 'worklist.list' searching by name over every day (information, not budgeted)
// Last line: JSON with p50/p95 in ms for each (budget: p95 < 20 ms).
import { parseArgs } from 'node:util';
import { rmSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { Station } from '../src/main/core/station.ts';
import { silentLogger } from '../src/main/core/kernel/logger.ts';
import { newId } from '../src/main/core/kernel/ids.ts';
import { emptyFacts, type ImageFacts } from '../src/shared/domain.ts';
import { localDateString, normalisePatientId } from '../src/shared/orders.ts';
import { tempDir } from '../test/fixtures/headless.ts';

const { values } = parseArgs({
  options: {
    orders: { type: 'string', default: '20000' },
    images: { type: 'string', default: '100000' },
    days: { type: 'string', default: '40' },
    runs: { type: 'string', default: '300' },
  },
});
const ORDERS = Number(values.orders);
const IMAGES = Number(values.images);
const DAYS = Number(values.days);
const RUNS = Number(values.runs);
const BUDGET_MS = 20;

const percentile = (xs: number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))] ?? Number.NaN;
};
const round = (n: number) => Math.round(n * 100) / 100;
const stats = (xs: number[]) => ({ p50: round(percentile(xs, 50)), p95: round(percentile(xs, 95)), runs: xs.length });

// Deterministic pseudo-random numbers, so two runs fill the same store.
let seed = 42;
const rand = () => {
  seed = (seed * 1664525 + 1013904223) >>> 0;
  return seed / 2 ** 32;
};
const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)]!;

const dataDir = tempDir('bench-worklist');
const station = await Station.open({ dataDir, host: 'headless', version: 'bench', urls: { thumb: (id) => `/t/${id}`, full: (id) => `/f/${id}` }, logger: silentLogger(), quality: false });
const db = station.db;
station.settings.update({ fileNameRules: [{ id: 'site', name: 'Site rule', pattern: '^(?<patientId>[A-Z0-9-]+)_(?<eye>OD|OS)_' }] });
await station.api['operators.add']({ name: 'Bench' });

console.error(`filling ${ORDERS} orders over ${DAYS} days and ${IMAGES} images…`);
const t0 = performance.now();
const today = new Date();
today.setHours(0, 0, 0, 0);
// Days from (DAYS - 1) days ago to today (the day the bench asks for).
const dayStart = (i: number) => new Date(today.getTime() - (DAYS - 1 - i) * 86_400_000);
const orderIds: string[] = [];
const orderDays: string[] = [];
const patientIds: string[] = [];
const VERDICTS = ['good', 'good', 'borderline', 'retake'] as const;

db.transaction(() => {
  const insertOrder = db.prepare(`INSERT INTO orders (id, patient_id, patient_id_norm, patient_name, birth_date, sex, scheduled_at, scheduled_day, site,
      external_order_id, accession_number, scheduled_step_id, source, source_key, status, capturing_now, revision, completed_at, created_at, updated_at)
    VALUES (@id, @pid, @pidNorm, @name, '1955-06-07', 'F', @at, @day, NULL, @ext, @acc, NULL, 'http', @key, @status, 0, @rev, @completedAt, @at, @at)`);
  for (let i = 0; i < ORDERS; i++) {
    // Spread evenly: 500 a day with the defaults (a large hospital-wide worklist; a clinic has far fewer).
    const d = i % DAYS;
    const at = new Date(dayStart(d).getTime() + (7 * 60 + Math.floor(rand() * 600)) * 60_000);
    const id = newId();
    const pid = `P${100000 + i}`;
    const past = d < DAYS - 1;
    const status = past ? (rand() < 0.9 ? 'sent' : 'complete') : pick(['scheduled', 'capturing', 'complete'] as const);
    insertOrder.run({
      id,
      pid,
      pidNorm: normalisePatientId(pid),
      name: `Patient${i}, Test`,
      at: at.toISOString(),
      day: localDateString(at),
      ext: `ORD-${i}`,
      acc: `ACC-${i}`,
      key: `order:ORD-${i}`,
      status,
      rev: status === 'scheduled' || status === 'capturing' ? 0 : 1,
      completedAt: status === 'scheduled' || status === 'capturing' ? null : at.toISOString(),
    });
    orderIds.push(id);
    orderDays.push(localDateString(at));
    patientIds.push(pid);
  }
  const insertImage = db.prepare(`INSERT INTO images (id, sha256, status, source_path, file_name, size_bytes, format, facts, patient_id, laterality,
      laterality_source, taken_at, width, height, preview, quality_score, quality_verdict, quality_reasons, ingested_at, updated_at,
      order_id, eye, match_rule, match_confidence, rejected_reason)
    VALUES (@id, @sha, 'ready', @path, @name, 800000, 'jpeg', '{}', @pid, @eye, 'filename', @taken, 3000, 2000, 'ok', @score, @verdict, '[]',
      @taken, @taken, @orderId, @eye, @rule, @confidence, @rejected)`);
  const insertEye = db.prepare('INSERT OR REPLACE INTO exam_eyes (order_id, eye, best_image_id, ungradable_reason) VALUES (?, ?, ?, ?)');
  for (let i = 0; i < IMAGES; i++) {
    const unassigned = i % 50 === 0;
    const o = i % ORDERS;
    const eye = i % 2 === 0 ? 'OD' : 'OS';
    const id = newId();
    const verdict = pick(VERDICTS);
    const taken = new Date(Date.parse(`${orderDays[o]}T12:00:00Z`) + i).toISOString();
    insertImage.run({
      id,
      sha: createHash('sha256').update(`img-${i}`).digest('hex'),
      path: `/camera/${patientIds[o]}_${eye}_${i}.jpg`,
      name: `${patientIds[o]}_${eye}_${i}.jpg`,
      pid: patientIds[o],
      eye,
      taken,
      score: verdict === 'good' ? 0.7 + rand() * 0.3 : verdict === 'borderline' ? 0.4 + rand() * 0.3 : rand() * 0.4,
      verdict,
      orderId: unassigned ? null : orderIds[o],
      rule: unassigned ? null : 'filename-rule',
      confidence: unassigned ? null : 'weak',
      rejected: i % 37 === 0 ? 'Out of focus' : null,
    });
    if (!unassigned && i % 11 === 0) insertEye.run(orderIds[o], eye, i % 37 === 0 ? null : id, null);
  }
})();
db.pragma('optimize');
station.worklist.matcher.rebuild();
console.error(`filled in ${((performance.now() - t0) / 1000).toFixed(1)} s; matching index holds ${station.worklist.matcher.size} orders`);

const time = async (fn: () => unknown): Promise<number> => {
  const s = performance.now();
  await fn();
  return performance.now() - s;
};

// Warm-up (statement preparation, page cache), then measure.
const day = localDateString(today);
const dayRows = (await station.api['worklist.list']({ day })).items.length;
for (let i = 0; i < 20; i++) await station.api['worklist.list']({ day });
const worklistDay: number[] = [];
for (let i = 0; i < RUNS; i++) worklistDay.push(await time(() => station.api['worklist.list']({ day })));

// Search over every day (name, patient id, accession, order id), as the Worklist's "all days" box does.
const searchAll: number[] = [];
for (let i = 0; i < RUNS; i++) {
  const term = `Patient${Math.floor(rand() * ORDERS)}`;
  searchAll.push(await time(() => station.api['worklist.list']({ search: term, allDays: true })));
}

const openExam: number[] = [];
for (let i = 0; i < 20; i++) station.api['exam.get']({ orderId: pick(orderIds) });
for (let i = 0; i < RUNS; i++) {
  const orderId = pick(orderIds);
  openExam.push(await time(() => station.api['exam.get']({ orderId })));
}

// One new image as the pipeline stores it: the row, then the store hook in the same transaction.
const openOrders = db.prepare<[], { patient_id: string }>("SELECT patient_id FROM orders WHERE status IN ('scheduled', 'capturing')").all();
const insertNew = db.prepare(`INSERT INTO images (id, sha256, status, source_path, file_name, format, facts, patient_id, laterality, laterality_source,
    taken_at, ingested_at, updated_at) VALUES (@id, @sha, 'ready', @path, @name, 'jpeg', '{}', @pid, @eye, 'filename', @at, @at, @at)`);
const matchImage: number[] = [];
let matched = 0;
for (let i = 0; i < RUNS + 20; i++) {
  const pid = pick(openOrders).patient_id;
  const eye = i % 2 ? 'OD' : 'OS';
  const fileName = `${pid}_${eye}_new${i}.jpg`;
  const facts: ImageFacts = { ...emptyFacts(), format: 'jpeg', patientId: pid, laterality: eye, lateralitySource: 'filename', takenAt: new Date().toISOString() };
  const id = newId();
  const at = new Date().toISOString();
  let hookMs = 0;
  db.transaction(() => {
    insertNew.run({ id, sha: createHash('sha256').update(`new-${i}`).digest('hex'), path: `/camera/${fileName}`, name: fileName, pid, eye, at });
    const s = performance.now();
    station.worklist.matcher.storeHook({ id, facts, fileName });
    hookMs = performance.now() - s;
  })();
  if (i >= 20) matchImage.push(hookMs);
  if (db.prepare<[string], { order_id: string | null }>('SELECT order_id FROM images WHERE id = ?').get(id)?.order_id) matched++;
}

await station.close();
rmSync(dataDir, { recursive: true, force: true });

const result = {
  bench: 'worklist',
  orders: ORDERS,
  images: IMAGES,
  days: DAYS,
  ordersOnDay: dayRows,
  worklistDayMs: stats(worklistDay),
  searchAllDaysMs: stats(searchAll),
  openExamMs: stats(openExam),
  matchImageMs: stats(matchImage),
  matchedNewImages: `${matched}/${RUNS + 20}`,
  budgetP95Ms: BUDGET_MS,
  withinBudget: [worklistDay, openExam, matchImage].every((xs) => percentile(xs, 95) < BUDGET_MS),
};
console.log(JSON.stringify(result));
