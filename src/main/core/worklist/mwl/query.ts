// A Modality Worklist C-FIND identifier (dcmjs's naturalized elements) as a query: which keys were
// asked (only those come back) and the values to match. Pure.
import { lookupKeyword, STEP, TOP, type Attribute } from './attributes.ts';
import { cleanQueryValue, parseDateQuery, parseTimeQuery, QueryValueError, type Range } from './match.ts';

export interface AskedKey {
  keyword: string;
  attr: Attribute;
  /** The query value, trimmed ('' = universal); for a sequence key, ''. */
  value: string;
  /** A sequence the station does not serve: answered with no items. */
  emptySequence: boolean;
}

export interface MwlQuery {
  top: AskedKey[];
  /** Keys asked inside the Scheduled Procedure Step Sequence; null when the sequence was not asked. */
  step: AskedKey[] | null;
  /** Ranges parsed once. */
  stepDate: Range | null;
  stepTime: Range | null;
  birthDate: Range | null;
}

export class MwlQueryError extends Error {
  /** DIMSE status: 0xA900 "Identifier does not match SOP class", 0xC000 "Unable to process". */
  readonly status: number;
  constructor(status: number, message: string) {
    super(message);
    this.status = status;
  }
}

// Not return keys of an MWL item: the query's own framing.
const SKIP = new Set(['SpecificCharacterSet', 'QueryRetrieveLevel']);

/** A naturalized value as text: strings, numbers, multi-values (joined by "\") and PN objects. */
export function valueText(v: unknown): string {
  if (v === null || v === undefined) return '';
  if (typeof v === 'string') return cleanQueryValue(v);
  if (typeof v === 'number') return String(v);
  if (Array.isArray(v)) return v.map(valueText).join('\\');
  if (typeof v === 'object' && 'Alphabetic' in v) return valueText((v as { Alphabetic?: unknown }).Alphabetic);
  return '';
}

function askedKeys(elements: Record<string, unknown>, table: Readonly<Record<string, Attribute>>, nested: boolean): AskedKey[] {
  const out: AskedKey[] = [];
  for (const [keyword, raw] of Object.entries(elements)) {
    if (keyword.startsWith('_') || SKIP.has(keyword) || (!nested && keyword === 'ScheduledProcedureStepSequence')) continue;
    const attr = table[keyword] ?? lookupKeyword(keyword);
    if (!attr) continue; // private or unknown: cannot be answered
    if (attr.vr === 'SQ') {
      out.push({ keyword, attr, value: '', emptySequence: true });
      continue;
    }
    out.push({ keyword, attr: table[keyword] ?? { ...attr, match: 'none' }, value: valueText(raw), emptySequence: false });
  }
  return out;
}

const valueOf = (keys: readonly AskedKey[] | null, keyword: string): string => keys?.find((k) => k.keyword === keyword)?.value ?? '';

/** Reads the identifier; throws MwlQueryError for one the station cannot answer. */
export function parseMwlQuery(elements: Record<string, unknown> | undefined): MwlQuery {
  if (!elements) throw new MwlQueryError(0xa900, 'The query has no identifier.');
  const sps = elements.ScheduledProcedureStepSequence;
  let step: AskedKey[] | null = null;
  if (sps !== undefined) {
    if (!Array.isArray(sps)) throw new MwlQueryError(0xa900, 'The Scheduled Procedure Step Sequence is not a sequence.');
    if (sps.length > 1) throw new MwlQueryError(0xa900, 'Ask with one Scheduled Procedure Step item.');
    const item = (sps[0] ?? {}) as Record<string, unknown>;
    // An empty sequence (or an empty item) asks for every step attribute.
    step = Object.keys(item).filter((k) => !k.startsWith('_')).length === 0
      ? Object.entries(STEP).map(([keyword, attr]) => ({ keyword, attr, value: '', emptySequence: false }))
      : askedKeys(item, STEP, true);
  }
  const top = askedKeys(elements, TOP, false);
  try {
    return {
      top,
      step,
      stepDate: parseDateQuery(valueOf(step, 'ScheduledProcedureStepStartDate')),
      stepTime: parseTimeQuery(valueOf(step, 'ScheduledProcedureStepStartTime')),
      birthDate: parseDateQuery(valueOf(top, 'PatientBirthDate')),
    };
  } catch (err) {
    if (!(err instanceof QueryValueError)) throw err;
    // Error Comment is at most 64 characters.
    throw new MwlQueryError(
      0xc000,
      err.message === 'time' ? 'Unreadable time; use HHMMSS or HHMMSS-HHMMSS.' : 'Unreadable date; use YYYYMMDD or YYYYMMDD-YYYYMMDD.',
    );
  }
}
