// What the status strip says, decided from what the station reports: one list, most urgent first,
// each item a plain sentence with the action to take. Pure, so the order and the words are tested
// without a browser; components/StatusStrip.tsx draws it.
import type { MethodOutput } from '../../shared/contract/index.ts';
import { localDateString } from '../../shared/dates.ts';

type Source = MethodOutput<'sources.list'>['items'][number];
type Notice = MethodOutput<'station.info'>['notices'][number];
type Refused = MethodOutput<'images.list'>['items'][number];

export interface StripAction {
  label: string;
  /** A screen to open ("#/inbox"); without one the action dismisses the item. */
  href?: string;
}

export interface StripItem {
  /** Stable per thing (a dismissal names it). */
  id: string;
  kind: 'folder-gone' | 'notice' | 'camera' | 'refused' | 'duplicate';
  level: 'error' | 'warning' | 'info';
  text: string;
  actions: StripAction[];
}

export interface Duplicate {
  imageId: string;
  fileName: string;
  sameAs: string;
  at: string;
}

export interface StripInput {
  sources: Source[];
  notices: Notice[];
  refused: Refused[];
  duplicates: Duplicate[];
  /** Ids the operator dismissed in this window. */
  dismissed: ReadonlySet<string>;
  /** Local day of "now" (YYYY-MM-DD): refusals of earlier days are the Inbox's business. */
  today: string;
}

const LEVEL = { error: 0, warning: 1, info: 2 } as const;
const KIND = { 'folder-gone': 0, notice: 1, camera: 2, refused: 3, duplicate: 4 } as const;

/** "Camera folder D:\\Export is gone: reconnect the camera or check the cable." */
export const folderGoneText = (path: string): string => `Camera folder ${path} is gone: reconnect the camera or check the cable.`;

export function duplicateText(d: Duplicate[]): string {
  const last = d[0]!;
  const one = `Already taken in: ${last.fileName} is the same as ${last.sameAs}, so it is not added again.`;
  return d.length === 1 ? one : `${one} (${d.length} such files.)`;
}

function refusedText(r: Refused[]): string {
  const last = r[0]!;
  const reason = last.error ? ` ${last.error}` : '';
  return r.length === 1 ? `Refused: ${last.fileName}.${reason}` : `${r.length} files refused today; the newest: ${last.fileName}.${reason}`;
}

/** Everything the strip has to say, most urgent first (camera imports are added by the strip itself). */
export function stripItems(input: StripInput): StripItem[] {
  const items: StripItem[] = [];
  for (const s of input.sources) {
    if (s.kind !== 'folder' || (s.state !== 'unreachable' && s.state !== 'error')) continue;
    items.push({ id: `folder:${s.id}`, kind: 'folder-gone', level: 'error', text: folderGoneText(s.path), actions: [{ label: 'Open Sources', href: '#/sources' }] });
  }
  for (const n of input.notices) {
    if (n.level === 'info') continue;
    items.push({ id: `notice:${n.at}:${n.message}`, kind: 'notice', level: n.level, text: n.message, actions: [] });
  }
  const refused = input.refused.filter((r) => r.status === 'error' && localDateString(new Date(r.ingestedAt)) === input.today);
  if (refused.length > 0 && !input.dismissed.has(`refused:${refused[0]!.id}`)) {
    items.push({ id: `refused:${refused[0]!.id}`, kind: 'refused', level: 'warning', text: refusedText(refused), actions: [{ label: 'Open Inbox', href: '#/inbox' }, { label: 'Dismiss' }] });
  }
  const dups = input.duplicates.filter((d) => !input.dismissed.has(`duplicate:${d.imageId}:${d.fileName}`));
  if (dups.length > 0) {
    items.push({ id: `duplicate:${dups[0]!.imageId}:${dups[0]!.fileName}`, kind: 'duplicate', level: 'info', text: duplicateText(dups), actions: [{ label: 'Dismiss' }] });
  }
  return sortStrip(items);
}

export function sortStrip(items: StripItem[]): StripItem[] {
  return [...items].sort((a, b) => LEVEL[a.level] - LEVEL[b.level] || KIND[a.kind] - KIND[b.kind]);
}
