// Plain words for the DICOM screens (settings, Sources, exam tiles, Queue): the listener's state,
// character sets, DIMSE statuses, how a photo was linked, and form fields checked by the shared
// zod schemas (the very checks the station makes). Pure, so test/unit/dicom-text.test.ts reads it.
import type { z } from 'zod';
import type { MethodOutput } from '../../shared/contract/index.ts';
import type { DicomCharset } from '../../shared/dicom-settings.ts';
import type { SyncJobView } from '../../shared/contract/sync.ts';
import type { PacsLane } from '../../shared/pacs.ts';

export type DicomStatus = MethodOutput<'dicom.status'>;
export type DicomListenerView = DicomStatus['listener'];
export type DicomActivity = DicomStatus['unknownCallers'][number];

const plural = (n: number, one: string, many = `${one}s`): string => `${n} ${n === 1 ? one : many}`;

/** "Listening on port 11112 as CAPTURE", or why not, in one sentence. */
export function listenerSentence(l: DicomListenerView): string {
  if (l.state === 'off') return 'The DICOM node is off: cameras cannot send images or ask for the worklist. Turn it on below.';
  if (l.state === 'failed') return `Not listening: ${l.problem ?? 'the listener could not start.'}`;
  const where = !l.address || l.address === '0.0.0.0' || l.address === '::' ? 'on every network address' : `on ${l.address}`;
  return `Listening on port ${l.port} as ${l.aeTitle}, ${where}${l.tls ? ', with TLS' : ''}.`;
}

/** "2 associations now, 1 receiving". */
export function associationsText(l: DicomListenerView): string {
  if (l.state !== 'listening') return 'No associations';
  return `${plural(l.openAssociations, 'association')} now${l.receiving ? `, ${l.receiving} receiving` : ''}`;
}

export const CHARSET_TEXT: Record<DicomCharset, { label: string; explain: string }> = {
  utf8: { label: 'UTF-8', explain: 'Names in any language (ISO_IR 192). Most cameras made in the last ten years.' },
  latin1: { label: 'Latin-1', explain: 'Western European accents (ISO_IR 100), for cameras that show UTF-8 names garbled.' },
  ascii: { label: 'Plain ASCII', explain: 'Accents are dropped (Müller becomes Muller), for cameras that know nothing else.' },
};

/** A DIMSE status as an operator would read it (the number stays in the tooltip). */
export function dimseStatusText(status: number | null): string {
  if (status === null) return '—';
  if (status === 0) return 'Stored';
  if (status >= 0xb000 && status <= 0xbfff) return 'Stored with a warning';
  if (status === 0x0122) return 'Refused: image type not accepted';
  if (status >= 0xa700 && status <= 0xa7ff) return 'Refused: out of resources (disk full or too large)';
  if (status >= 0xa900 && status <= 0xa9ff) return 'Refused: the object does not match its type';
  if (status >= 0xc000 && status <= 0xcfff) return 'Refused: the object could not be read';
  return `Refused (status 0x${status.toString(16).toUpperCase().padStart(4, '0')})`;
}

/** What a camera last sent: "12 images · last 09:42 · Stored". */
export function lastSentText(a: DicomActivity, formatTime: (iso: string | null) => string): string {
  const last = a.lastObjectAt ?? a.lastReceivedAt;
  if (!a.objectsEver && !a.objectsStored && !a.objectsRefused) return a.associations || a.echoes || a.worklistQueries ? 'Connected, sent no image yet' : 'Nothing yet';
  const parts = [plural(a.objectsEver, 'image'), last ? `last ${formatTime(last)}` : null, a.lastStatus !== null ? dimseStatusText(a.lastStatus) : null];
  return parts.filter(Boolean).join(' · ');
}

/** How a photo came to its exam, for the tile ("Linked by worklist item (Study Instance UID)"). */
export function linkedByText(matchRule: string | null, confidence: string | null): string | null {
  if (!matchRule) return null;
  const how: Record<string, string> = {
    'study-uid': 'worklist item (Study Instance UID)',
    accession: 'worklist item (accession number)',
    'patient-id': 'patient ID',
    'filename-rule': 'file name',
    'capturing-now': '"capturing now"',
    operator: 'the operator',
  };
  const base = `Linked by ${how[matchRule] ?? matchRule}`;
  return confidence === 'confirmed' && matchRule !== 'operator' ? `${base}, confirmed by the operator` : base;
}

/** "DICOM · CAM1" (the AE title: short, and what IT configured on the camera). */
export const dicomTagText = (origin: { callingAe: string }): string => `DICOM · ${origin.callingAe.trim()}`;

/**
 * A form's values checked by a shared schema: the parsed value, or the first message per field
 * (the field is the issue's first path element, as the form names its inputs).
 */
export function checkFields<S extends z.ZodType>(schema: S, values: unknown): { ok: true; value: z.output<S> } | { ok: false; errors: Record<string, string> } {
  const r = schema.safeParse(values);
  if (r.success) return { ok: true, value: r.data };
  const errors: Record<string, string> = {};
  for (const issue of r.error.issues) {
    const key = String(issue.path[0] ?? '_');
    errors[key] ??= issue.message;
  }
  return { ok: false, errors };
}

/** A number typed in a field: the number, or NaN when it is not a whole number (the form says so). */
export function wholeNumber(text: string): number {
  const t = text.trim();
  return /^\d+$/.test(t) ? Number(t) : Number.NaN;
}

/** Replaces zod's words for a number field that holds no number. */
export function numberErrors(errors: Record<string, string>, values: Record<string, unknown>, fields: readonly string[]): Record<string, string> {
  const out = { ...errors };
  for (const f of fields) if (Number.isNaN(values[f])) out[f] = 'Enter a whole number.';
  return out;
}

export interface ForwardGroup {
  key: string;
  name: string;
  lane: PacsLane | null;
  jobs: SyncJobView[];
}

/** The Queue's forwards per route, routes in the Queue's order (empty ones too); a removed route's forwards last. */
export function forwardsByRoute(lanes: readonly PacsLane[], jobs: readonly SyncJobView[]): ForwardGroup[] {
  const groups = new Map<string, ForwardGroup>(lanes.map((l) => [l.routeId, { key: l.routeId, name: l.name, lane: l, jobs: [] }]));
  for (const j of jobs) {
    const key = j.routeId && groups.has(j.routeId) ? j.routeId : 'removed';
    if (!groups.has(key)) groups.set(key, { key, name: 'A removed route', lane: null, jobs: [] });
    groups.get(key)!.jobs.push(j);
  }
  return [...groups.values()];
}
