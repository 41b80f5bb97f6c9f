// Which order (and eye) a new image belongs to. Pure: the facts read from the file and an index of
// the orders in, a decision out; the caller stores it and shows weak links as such.
//
// Most reliable first (docs/WORKLIST.md):
//   0. study-uid   (strong) the camera copied the worklist item's Study Instance UID (issue 13); it
//                  wins over a patient id that names another exam, and that link is weak (checked)
//   1. accession   (strong) the camera wrote the worklist item / step id or the accession number
//   2. patient-id  (strong) the camera wrote a patient id that names exactly one open exam
//   3. filename-rule (weak) the site's file-name rule gave an accession number or patient id
//   4. capturing-now (weak) the image says nothing and one exam is marked "capturing now"
// Ambiguity and contradictions are never resolved by guessing: the image stays unassigned with a
// note. The eye comes from the facts only; when they have none, `needsLaterality` asks for it.
import type { ImageFacts, Laterality } from '../../../shared/domain.ts';
import { isOpenOrderStatus, localDateString, normalisePatientId, type OrderStatus } from '../../../shared/orders.ts';

/** What matching needs to know about one order. */
export interface MatchOrder {
  id: string;
  patientId: string;
  accessionNumber: string | null;
  externalOrderId: string | null;
  scheduledStepId: string | null;
  status: OrderStatus;
  scheduledAt: string; // UTC ISO-8601
  /** The worklist identities the station served for it (migration 006), when it has them. */
  studyInstanceUid?: string | null;
  mwlAccessionNumber?: string | null;
  mwlRequestedProcedureId?: string | null;
  mwlStepId?: string | null;
}

/** An order as the index holds it: identifiers normalised, scheduled day precomputed. */
export interface IndexedMatchOrder extends MatchOrder {
  /** Local calendar day of scheduledAt, YYYY-MM-DD. */
  day: string;
}

/**
 * Orders keyed by every identifier an image can carry, so one match is a few Map lookups however
 * many orders there are. Keys are normalised with normalisePatientId (trim, upper case, no spaces).
 */
export interface MatchCandidates {
  orders: Map<string, IndexedMatchOrder>;
  /** Scheduled Procedure Step ID and external order id (the worklist item a camera may echo). */
  byStepId: Map<string, IndexedMatchOrder[]>;
  byAccession: Map<string, IndexedMatchOrder[]>;
  byPatientId: Map<string, IndexedMatchOrder[]>;
  /** Study Instance UID (exact). */
  byStudyUid: Map<string, IndexedMatchOrder[]>;
  /** The one exam the operator marked "capturing now", or null. */
  capturingNowOrderId: string | null;
}

export type MatchRule = 'study-uid' | 'accession' | 'patient-id' | 'filename-rule' | 'capturing-now';
export type IdSource = 'metadata' | 'filename';

/**
 * The facts matching reads. A whole ImageFacts fits. `fileNameRuleMatched` says the site's
 * file-name rule matched; then patientId and accessionNumber are taken as coming from the file
 * name (weak) unless patientIdSource / accessionSource say 'metadata'.
 */
export type MatchFacts = Pick<ImageFacts, 'patientId' | 'accessionNumber' | 'scheduledStepId' | 'laterality' | 'takenAt'> & {
  /** The image's Study Instance UID (DICOM); optional so facts from before it was read still fit. */
  studyUid?: string | null;
  fileNameRuleMatched?: boolean;
  patientIdSource?: IdSource | null;
  accessionSource?: IdSource | null;
};

export interface MatchResult {
  orderId: string | null;
  rule: MatchRule | null;
  confidence: 'strong' | 'weak' | null;
  eye: Laterality | null;
  needsLaterality: boolean;
  /** Why an image was left unassigned or linked with a caveat; operator's words, no patient data. */
  note: string | null;
}

export interface MatchOptions {
  /** "Today" when the image has no capture time; default: the clock. */
  now?: Date;
}

const key = (value: string | null | undefined): string | null => {
  if (value === null || value === undefined) return null;
  const k = normalisePatientId(value);
  return k === '' ? null : k;
};

const uidKey = (value: string | null | undefined): string | null => {
  const k = value?.trim().replace(/\0+$/, '') ?? '';
  return k === '' ? null : k;
};

const add = (map: Map<string, IndexedMatchOrder[]>, k: string | null, order: IndexedMatchOrder): void => {
  if (k === null) return;
  const list = map.get(k);
  if (!list) map.set(k, [order]);
  else if (!list.includes(order)) list.push(order);
};

const remove = (map: Map<string, IndexedMatchOrder[]>, k: string | null, id: string): void => {
  if (k === null) return;
  const rest = (map.get(k) ?? []).filter((o) => o.id !== id);
  if (rest.length) map.set(k, rest);
  else map.delete(k);
};

/** Removes one order from the index (deleted, or about to be re-indexed after an edit). */
export function unindexOrder(index: MatchCandidates, orderId: string): void {
  const old = index.orders.get(orderId);
  if (!old) return;
  index.orders.delete(orderId);
  remove(index.byStepId, key(old.scheduledStepId), orderId);
  remove(index.byStepId, key(old.externalOrderId), orderId);
  remove(index.byAccession, key(old.accessionNumber), orderId);
  remove(index.byPatientId, key(old.patientId), orderId);
  remove(index.byStepId, key(old.mwlStepId), orderId);
  remove(index.byStepId, key(old.mwlRequestedProcedureId), orderId);
  remove(index.byAccession, key(old.mwlAccessionNumber), orderId);
  remove(index.byStudyUid, uidKey(old.studyInstanceUid), orderId);
}

/** Adds or replaces one order, so the store can keep the index current without rebuilding it. */
export function indexOrder(index: MatchCandidates, order: MatchOrder): void {
  unindexOrder(index, order.id);
  const indexed: IndexedMatchOrder = {
    ...order,
    patientId: normalisePatientId(order.patientId),
    day: localDateString(new Date(order.scheduledAt)),
  };
  index.orders.set(order.id, indexed);
  add(index.byStepId, key(order.scheduledStepId), indexed);
  add(index.byStepId, key(order.externalOrderId), indexed);
  add(index.byAccession, key(order.accessionNumber), indexed);
  add(index.byPatientId, key(order.patientId), indexed);
  add(index.byStepId, key(order.mwlStepId), indexed);
  add(index.byStepId, key(order.mwlRequestedProcedureId), indexed);
  add(index.byAccession, key(order.mwlAccessionNumber), indexed);
  add(index.byStudyUid, uidKey(order.studyInstanceUid), indexed);
}

/**
 * Builds the index from the store's orders. Pass open orders at least; complete ones too, so an
 * image that names a finished exam is held back with a note instead of matching something else.
 */
export function buildMatchIndex(orders: Iterable<MatchOrder>, capturingNowOrderId: string | null = null): MatchCandidates {
  const index: MatchCandidates = {
    orders: new Map(),
    byStepId: new Map(),
    byAccession: new Map(),
    byPatientId: new Map(),
    byStudyUid: new Map(),
    capturingNowOrderId,
  };
  for (const order of orders) indexOrder(index, order);
  return index;
}

const isOpen = (o: IndexedMatchOrder): boolean => isOpenOrderStatus(o.status);

const notes = {
  closedExam: 'The image names an exam that is already complete. Reopen the exam or assign the image by hand.',
  sharedId: 'Several open exams share the accession number or worklist item the image names. Assign it by hand.',
  conflict: "The image's patient ID does not belong to the exam its accession number names. Check and assign by hand.",
  severalExams: 'This patient has several open exams and the image does not say which. Assign it by hand.',
  unknownPatient: "The image's patient ID is not on the open worklist. Add the patient or assign the image by hand.",
  patientClosed: "This patient's exam is already complete. Reopen the exam or assign the image by hand.",
  uidOtherPatient:
    "Linked by the worklist item's Study Instance UID, but the image's patient ID belongs to another patient. Check that this is the right patient.",
  unknownAccession:
    'The accession number or worklist item the image names is not on the worklist; linked to the exam marked capturing now.',
} as const;

type Pick1 = { order: IndexedMatchOrder } | { note: string } | null;

// An identifier that names orders: exactly one open order, or a reason not to choose.
const byIdentifier = (hits: readonly IndexedMatchOrder[] | undefined, patient: string | null): Pick1 => {
  if (!hits?.length) return null;
  const open = hits.filter(isOpen);
  if (open.length === 0) return { note: notes.closedExam };
  if (open.length > 1) return { note: notes.sharedId };
  const order = open[0] as IndexedMatchOrder;
  if (patient !== null && order.patientId !== patient) return { note: notes.conflict };
  return { order };
};

// A patient id: the only open exam; else the one marked capturing now; else the only one
// scheduled on the day the image was taken. Anything else is ambiguous.
const byPatient = (index: MatchCandidates, patient: string, day: string): Pick1 => {
  const all = index.byPatientId.get(patient);
  if (!all?.length) return { note: notes.unknownPatient };
  const open = all.filter(isOpen);
  if (open.length === 0) return { note: notes.patientClosed };
  if (open.length === 1) return { order: open[0] as IndexedMatchOrder };
  const capturing = open.find((o) => o.id === index.capturingNowOrderId);
  if (capturing) return { order: capturing };
  const sameDay = open.filter((o) => o.day === day);
  return sameDay.length === 1 ? { order: sameDay[0] as IndexedMatchOrder } : { note: notes.severalExams };
};

/** Decides the order and eye of one image. O(1) in the number of orders. */
export function matchImage(facts: MatchFacts, candidates: MatchCandidates, options: MatchOptions = {}): MatchResult {
  const eye = facts.laterality ?? null;
  const decide = (orderId: string | null, rule: MatchRule | null, note: string | null = null, weak = false): MatchResult => ({
    orderId,
    rule,
    confidence: rule === null ? null : !weak && (rule === 'study-uid' || rule === 'accession' || rule === 'patient-id') ? 'strong' : 'weak',
    eye,
    needsLaterality: eye === null,
    note,
  });

  const fromFileName = facts.fileNameRuleMatched === true;
  const patientFrom: IdSource = facts.patientIdSource ?? (fromFileName ? 'filename' : 'metadata');
  const accessionFrom: IdSource = facts.accessionSource ?? (fromFileName ? 'filename' : 'metadata');
  const patient = key(facts.patientId);
  const accession = key(facts.accessionNumber);
  const step = key(facts.scheduledStepId);
  const takenAt = facts.takenAt ? new Date(facts.takenAt) : null;
  const day = localDateString(takenAt && !Number.isNaN(takenAt.getTime()) ? takenAt : (options.now ?? new Date()));

  // 0. The worklist item's Study Instance UID, copied by the camera: the one identifier a typing
  //    error cannot produce, so it wins over a patient id; a patient id of someone else makes the
  //    link weak, with a note, so the operator checks it.
  const uid = uidKey(facts.studyUid);
  if (uid !== null) {
    const found = byIdentifier(candidates.byStudyUid.get(uid), null);
    if (found && 'order' in found) {
      const other = patient !== null && patientFrom === 'metadata' && found.order.patientId !== patient;
      return other ? decide(found.order.id, 'study-uid', notes.uidOtherPatient, true) : decide(found.order.id, 'study-uid');
    }
    if (found) return decide(null, null, found.note);
  }

  // 1. Identifiers of the exam itself, written by the camera.
  const strongIds = [step && candidates.byStepId.get(step), accessionFrom === 'metadata' && accession && candidates.byAccession.get(accession)];
  for (const hits of strongIds) {
    const found = byIdentifier(hits || undefined, patient);
    if (found && 'order' in found) return decide(found.order.id, 'accession');
    if (found) return decide(null, null, found.note);
  }

  // 2. The patient id written by the camera.
  let patientNote: string | null = null;
  if (patient !== null && patientFrom === 'metadata') {
    const found = byPatient(candidates, patient, day);
    if (found && 'order' in found) return decide(found.order.id, 'patient-id');
    if (found?.note === notes.severalExams) return decide(null, null, found.note);
    patientNote = found?.note ?? null;
  }

  // 3. The site's file-name rule.
  if (accession !== null && accessionFrom === 'filename') {
    const found = byIdentifier(candidates.byAccession.get(accession), patient);
    if (found && 'order' in found) return decide(found.order.id, 'filename-rule');
    if (found) return decide(null, null, found.note);
  }
  if (patient !== null && patientFrom === 'filename') {
    const found = byPatient(candidates, patient, day);
    if (found && 'order' in found) return decide(found.order.id, 'filename-rule');
    if (found?.note === notes.severalExams) return decide(null, null, found.note);
    patientNote = found?.note ?? null;
  }

  // 4. The exam marked "capturing now", unless the image names another patient.
  if (patient !== null) return decide(null, null, patientNote);
  const capturing = candidates.capturingNowOrderId ? candidates.orders.get(candidates.capturingNowOrderId) : undefined;
  if (capturing && isOpen(capturing)) {
    return decide(capturing.id, 'capturing-now', accession !== null || step !== null ? notes.unknownAccession : null);
  }
  return decide(null, null, null);
}
