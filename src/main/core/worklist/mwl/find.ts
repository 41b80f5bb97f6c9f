// The worklist server's decision, pure: from the station's open orders and a camera's query to the
// response identifiers (one per matching item). Only the keys asked come back; step attributes go
// inside the Scheduled Procedure Step Sequence. A camera that names no Scheduled Station AE Title
// gets only this station's items (DICOM.md: the Orthanc lesson).
import type { DicomCharset } from '../../../../shared/dicom-settings.ts';
import { localDateString, pad2 } from '../../../../shared/dates.ts';
import type { OrderStatus } from '../../../../shared/orders.ts';
import { TOP } from './attributes.ts';
import { charsetTerm } from './charset.ts';
import type { OutElement } from './encode.ts';
import { hasWildcard, isUniversal, matchDate, matchDateTime, matchId, matchName, matchText, matchUidList } from './match.ts';
import type { AskedKey, MwlQuery } from './query.ts';

/** What the worklist server needs of an order. */
export interface MwlOrder {
  patientId: string;
  /** The station's display form: "Family, Given Middle" (or free text for a walk-in). */
  patientName: string;
  birthDate: string | null; // YYYY-MM-DD
  sex: string | null;
  scheduledAt: string; // UTC ISO
  site: string | null;
  status: OrderStatus;
  studyInstanceUid: string;
  accessionNumber: string;
  requestedProcedureId: string;
  stepId: string;
  /** The camera a provider scheduled it on; null: any camera of this station. */
  stationAe: string | null;
}

export interface MwlCaller {
  callingAe: string;
  /** The station's AE title as called. */
  calledAe: string;
  charset: DicomCharset;
  /** The modality the items carry for this camera: its default (OP photographs, OPT OCT). */
  modality: string;
  /** The camera's worklistStationAeTitle: what a query without SSAET is filtered on. */
  stationFilter: string | null;
}

export const PROCEDURE_DESCRIPTION = 'Retinal screening';
export const STEP_DESCRIPTION = 'Fundus photography';

/** "Family, Given Middle" -> "Family^Given Middle"; without a comma the whole name is the family part. */
export function personNameOf(display: string): string {
  const clean = display.replace(/[\^\\=]/g, ' ').replace(/\s+/g, ' ').trim();
  const comma = clean.indexOf(',');
  if (comma < 0) return clean;
  const family = clean.slice(0, comma).trim();
  const given = clean.slice(comma + 1).replace(/,/g, ' ').trim();
  return given ? `${family}^${given}` : family;
}

const dicomDate = (ymd: string | null): string => (ymd ? ymd.replace(/-/g, '') : '');

function localTime(d: Date): string {
  return `${pad2(d.getHours())}${pad2(d.getMinutes())}${pad2(d.getSeconds())}`;
}

interface ItemValues {
  top: Record<string, string>;
  step: Record<string, string>;
}

function itemValues(o: MwlOrder, caller: MwlCaller, askedAe: string): ItemValues {
  const at = new Date(o.scheduledAt);
  return {
    top: {
      AccessionNumber: o.accessionNumber,
      ReferringPhysicianName: '',
      PatientName: personNameOf(o.patientName),
      PatientID: o.patientId,
      IssuerOfPatientID: '',
      PatientBirthDate: dicomDate(o.birthDate),
      PatientSex: o.sex ?? '',
      StudyInstanceUID: o.studyInstanceUid,
      RequestedProcedureDescription: PROCEDURE_DESCRIPTION,
      RequestedProcedureID: o.requestedProcedureId,
    },
    step: {
      Modality: caller.modality,
      // An item for any camera here says it is scheduled on the one asking (or the one it asked for).
      ScheduledStationAETitle: o.stationAe ?? (askedAe !== '' && !hasWildcard(askedAe) ? askedAe : caller.callingAe),
      ScheduledProcedureStepStartDate: dicomDate(localDateString(at)),
      ScheduledProcedureStepStartTime: localTime(at),
      ScheduledPerformingPhysicianName: '',
      ScheduledProcedureStepDescription: STEP_DESCRIPTION,
      ScheduledProcedureStepID: o.stepId,
      ScheduledStationName: '',
      ScheduledProcedureStepLocation: o.site ?? '',
      ScheduledProcedureStepStatus: o.status === 'capturing' ? 'STARTED' : 'SCHEDULED',
    },
  };
}

/** Whose items a query reaches by its Scheduled Station AE Title (or, without one, the camera's filter). */
function stationMatches(o: MwlOrder, asked: string, caller: MwlCaller): boolean {
  if (!isUniversal(asked)) return o.stationAe === null || matchText(asked, o.stationAe);
  if (o.stationAe === null) return true;
  if (caller.stationFilter !== null) return o.stationAe === caller.stationFilter;
  return o.stationAe === caller.calledAe || o.stationAe === caller.callingAe;
}

function keyMatches(k: AskedKey, value: string): boolean {
  switch (k.attr.match) {
    case 'pn':
      return matchName(k.value, value);
    case 'id':
      return matchId(k.value, value);
    case 'uid-list':
      return matchUidList(k.value, value);
    case 'text':
    case 'ae':
      return matchText(k.value, value);
    default:
      return true; // dates are matched from the parsed ranges; keys not served never filter
  }
}

function matches(q: MwlQuery, v: ItemValues): boolean {
  for (const k of q.top) if (k.keyword in v.top && !keyMatches(k, v.top[k.keyword]!)) return false;
  if (!matchDate(q.birthDate, v.top.PatientBirthDate!)) return false;
  for (const k of q.step ?? []) {
    if (k.keyword === 'ScheduledStationAETitle') continue; // decided by stationMatches
    if (k.keyword in v.step && !keyMatches(k, v.step[k.keyword]!)) return false;
  }
  return matchDateTime(q.stepDate, q.stepTime, v.step.ScheduledProcedureStepStartDate!, v.step.ScheduledProcedureStepStartTime!);
}

function answer(keys: readonly AskedKey[], values: Record<string, string>): OutElement[] {
  return keys.map((k) => ({ tag: k.attr.tag, vr: k.attr.vr, value: k.emptySequence ? [] : (values[k.keyword] ?? '') }));
}

/** The local days (YYYY-MM-DD) a query's step date asks for, so the store reads only those. */
export function dayRange(q: MwlQuery): { from: string | null; to: string | null } {
  const day = (d: string | null) => (d ? `${d.slice(0, 4)}-${d.slice(4, 6)}-${d.slice(6, 8)}` : null);
  return { from: day(q.stepDate?.lo ?? null), to: day(q.stepDate?.hi ?? null) };
}

/** One response identifier per matching item, in the orders' order. */
export function findWorklistItems(q: MwlQuery, orders: readonly MwlOrder[], caller: MwlCaller): OutElement[][] {
  const askedAe = q.step?.find((k) => k.keyword === 'ScheduledStationAETitle')?.value ?? '';
  const term = charsetTerm(caller.charset);
  const out: OutElement[][] = [];
  for (const o of orders) {
    if (o.status !== 'scheduled' && o.status !== 'capturing') continue;
    if (!stationMatches(o, askedAe, caller)) continue;
    const v = itemValues(o, caller, askedAe);
    if (!matches(q, v)) continue;
    const elements = answer(q.top, v.top);
    if (term !== null) elements.push({ tag: TOP.SpecificCharacterSet!.tag, vr: 'CS', value: term });
    if (q.step !== null) elements.push({ tag: TOP.ScheduledProcedureStepSequence!.tag, vr: 'SQ', value: [answer(q.step, v.step)] });
    out.push(elements);
  }
  return out;
}

