// Worklist provider (b1): a CSV file exported from an EHR. Pure: bytes in, entries and rejected
// rows out. What is accepted (encodings, delimiters, column names, date forms) is listed in
// docs/WORKLIST.md.
import { parse } from 'csv-parse/sync';
import { firstIssueMessage, worklistEntrySchema, type WorklistEntry } from '../../../../shared/orders.ts';
import { mapCsvColumns, missingCsvColumns, type CsvColumnMap, type CsvField } from './csv-columns.ts';
import { localToUtcIso, parseDate, parseDateTime, parseSex, parseTime, slashDateOrder, text, ymdToString } from './fields.ts';
import { WorklistProviderError, type RejectedRow, type WorklistProviderResult } from './result.ts';
import { decodeText } from './text-encoding.ts';

export interface CsvWorklistOptions {
  /** Stored on each entry; default "csv". */
  source?: string;
}

/** The delimiter used most in the header line (outside quotes): comma, semicolon or tab. */
export function detectDelimiter(textValue: string): ',' | ';' | '\t' {
  const counts = { ',': 0, ';': 0, '\t': 0 };
  let quoted = false;
  for (const ch of textValue) {
    if (ch === '"') quoted = !quoted;
    else if (!quoted && (ch === '\n' || ch === '\r')) break;
    else if (!quoted && (ch === ',' || ch === ';' || ch === '\t')) counts[ch]++;
  }
  if (counts[';'] > counts[','] && counts[';'] >= counts['\t']) return ';';
  if (counts['\t'] > counts[','] && counts['\t'] > counts[';']) return '\t';
  return ',';
}

const readRecords = (textValue: string, delimiter: string): string[][] => {
  try {
    return parse(textValue, {
      delimiter,
      relax_column_count: true,
      relax_quotes: true,
      // Blank lines are kept (and skipped below) so row numbers match the spreadsheet's.
      skip_empty_lines: false,
      // Spaces around a delimiter ("a, "b,c"") are not part of the value; tabs are delimiters.
      ltrim: delimiter !== '\t',
      rtrim: delimiter !== '\t',
    });
  } catch (error) {
    // csv-parse's own message quotes the field's content: keep it out of ours.
    const line = (error as { lines?: unknown }).lines;
    const where = typeof line === 'number' ? ` near line ${line}` : '';
    throw new WorklistProviderError('bad-file', `The CSV file could not be read: a quoted field is broken${where}.`);
  }
};

const slashWarning = 'Dates in this file look month-first (MM/DD/YYYY); export dates as YYYY-MM-DD.';

type RowResult = { entry: WorklistEntry } | { reason: string };

const rowToEntry = (cells: readonly string[], map: CsvColumnMap, source: string, slashOk: boolean): RowResult => {
  const cell = (field: CsvField): string | null => {
    const index = map[field];
    return index === undefined ? null : text(cells[index]);
  };
  const isSlash = (v: string | null) => v !== null && v.includes('/');

  const rawBirth = cell('birthDate');
  if (!slashOk && isSlash(rawBirth)) return { reason: slashWarning };
  const birth = rawBirth === null ? null : parseDate(rawBirth);
  if (rawBirth !== null && birth === null) {
    return { reason: 'Birth date is not a date in a known form (YYYY-MM-DD, DD.MM.YYYY, DD/MM/YYYY or YYYYMMDD).' };
  }

  const sex = parseSex(cell('sex'));
  if (sex === null) return { reason: 'Sex must be M (male), F (female), O (other) or U (unknown).' };

  let scheduledAt: string | null;
  const rawAt = cell('scheduledAt');
  const rawDate = cell('date');
  if (!slashOk && (isSlash(rawAt) || isSlash(rawDate))) return { reason: slashWarning };
  if (rawAt !== null || map.time === undefined) {
    // One column with the date and perhaps a time ("Date" exports often carry both).
    scheduledAt = parseDateTime(rawAt ?? rawDate ?? '');
  } else {
    const date = rawDate === null ? null : parseDate(rawDate);
    const rawTime = cell('time');
    const time = rawTime === null ? undefined : parseTime(rawTime);
    scheduledAt = date && time !== null ? localToUtcIso(date, time) : null;
  }
  if (scheduledAt === null) return { reason: 'Scheduled date or time is missing or not in a known form.' };

  const last = cell('lastName');
  const first = cell('firstName');
  const name = cell('name') ?? (last && first ? `${last}, ${first}` : (last ?? first ?? ''));

  const checked = worklistEntrySchema.safeParse({
    patientId: cell('patientId') ?? '',
    name,
    birthDate: birth ? ymdToString(birth) : null,
    sex,
    scheduledAt,
    site: cell('site'),
    externalOrderId: cell('orderId'),
    accessionNumber: cell('accessionNumber'),
    scheduledStepId: cell('scheduledStepId'),
    source,
  });
  return checked.success ? { entry: checked.data } : { reason: firstIssueMessage(checked.error) };
};

/**
 * Parses a worklist CSV. The first non-blank line is the header. A header that lacks the patient
 * ID, name or scheduled date throws; a bad row is listed in `rejected` by its spreadsheet row
 * number (the header is row 1) and the other rows are kept.
 */
export function parseWorklistCsv(bytes: Buffer, options: CsvWorklistOptions = {}): WorklistProviderResult {
  const source = options.source ?? 'csv';
  const { text: content } = decodeText(bytes);
  const records = readRecords(content, detectDelimiter(content.replace(/^[\r\n]+/, '')));
  const isBlank = (r: readonly string[]) => r.every((c) => c.trim() === '');
  const headerIndex = records.findIndex((r) => !isBlank(r));
  if (headerIndex < 0) throw new WorklistProviderError('bad-file', 'The CSV file is empty.');

  const map = mapCsvColumns(records[headerIndex] ?? []);
  const missing = missingCsvColumns(map);
  if (missing) throw new WorklistProviderError('bad-file', missing);

  const rows = records.slice(headerIndex + 1);
  const dateColumns = [map.birthDate, map.scheduledAt, map.date].filter((i): i is number => i !== undefined);
  const order = slashDateOrder(rows.flatMap((r) => dateColumns.map((i) => r[i] ?? '')));
  const slashOk = order === 'day-first' || order === 'unknown';

  const entries: WorklistEntry[] = [];
  const rejected: RejectedRow[] = [];
  rows.forEach((cells, i) => {
    if (isBlank(cells)) return;
    const result = rowToEntry(cells, map, source, slashOk);
    if ('entry' in result) entries.push(result.entry);
    else rejected.push({ row: headerIndex + i + 2, reason: result.reason });
  });
  return { entries, rejected };
}
