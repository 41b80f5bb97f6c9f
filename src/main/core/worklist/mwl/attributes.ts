// The Modality Worklist attributes the station serves (PS3.4 K.6, the keys cameras ask: DICOM.md),
// with tag, VR and how a query value on each is matched. Keys the station does not serve are still
// answered (empty) when dcmjs's dictionary knows them, and never used to filter.
import { createRequire } from 'node:module';

export type MatchKind = 'text' | 'id' | 'pn' | 'date' | 'time' | 'uid-list' | 'ae' | 'none';

export interface Attribute {
  tag: number;
  vr: string;
  match: MatchKind;
}

const a = (tag: number, vr: string, match: MatchKind): Attribute => ({ tag, vr, match });

/** Top-level keys of a worklist item. */
export const TOP: Readonly<Record<string, Attribute>> = {
  SpecificCharacterSet: a(0x00080005, 'CS', 'none'),
  AccessionNumber: a(0x00080050, 'SH', 'id'),
  ReferringPhysicianName: a(0x00080090, 'PN', 'pn'),
  PatientName: a(0x00100010, 'PN', 'pn'),
  PatientID: a(0x00100020, 'LO', 'id'),
  IssuerOfPatientID: a(0x00100021, 'LO', 'text'),
  PatientBirthDate: a(0x00100030, 'DA', 'date'),
  PatientSex: a(0x00100040, 'CS', 'text'),
  StudyInstanceUID: a(0x0020000d, 'UI', 'uid-list'),
  RequestedProcedureDescription: a(0x00321060, 'LO', 'text'),
  RequestedProcedureID: a(0x00401001, 'SH', 'id'),
  ScheduledProcedureStepSequence: a(0x00400100, 'SQ', 'none'),
};

/** Keys inside the Scheduled Procedure Step Sequence (0040,0100). */
export const STEP: Readonly<Record<string, Attribute>> = {
  Modality: a(0x00080060, 'CS', 'text'),
  ScheduledStationAETitle: a(0x00400001, 'AE', 'ae'),
  ScheduledProcedureStepStartDate: a(0x00400002, 'DA', 'date'),
  ScheduledProcedureStepStartTime: a(0x00400003, 'TM', 'time'),
  ScheduledPerformingPhysicianName: a(0x00400006, 'PN', 'pn'),
  ScheduledProcedureStepDescription: a(0x00400007, 'LO', 'text'),
  ScheduledProcedureStepID: a(0x00400009, 'SH', 'id'),
  ScheduledStationName: a(0x00400010, 'SH', 'text'),
  ScheduledProcedureStepLocation: a(0x00400011, 'SH', 'text'),
  ScheduledProcedureStepStatus: a(0x00400020, 'CS', 'text'),
};

interface DictEntry {
  tag: string; // "(gggg,eeee)"
  vr: string;
}
let nameMap: Record<string, DictEntry> | null = null;

/** Tag and VR of any standard keyword (dcmjs's dictionary), for keys answered empty; null if unknown. */
export function lookupKeyword(keyword: string): Attribute | null {
  nameMap ??= (createRequire(import.meta.url)('dcmjs') as { data: { DicomMetaDictionary: { nameMap: Record<string, DictEntry> } } }).data
    .DicomMetaDictionary.nameMap;
  const e = nameMap[keyword];
  const m = e ? /^\(([0-9A-F]{4}),([0-9A-F]{4})\)$/i.exec(e.tag) : null;
  if (!e || !m) return null;
  const vr = e.vr.includes('|') ? e.vr.split('|')[0]! : e.vr; // "US|SS" and the like: the first
  return { tag: parseInt(m[1]! + m[2]!, 16), vr, match: 'none' };
}
