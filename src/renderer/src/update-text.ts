// What the update UI says, as pure functions over updates.status and the settings form (tested in
// test/unit/update-text.test.ts): the header indicator, the panel's sentences, the About box's
// status line, release notes as plain text, and the settings form's checks with the shared schema.
import { updateSettingsPatchSchema, updateUrlProblem, type UpdateSettings, type UpdateSettingsPatch, type UpdateStatus } from '../../shared/updates.ts';
import { timeHm } from './worklist-text.ts';
import { checkFields, wholeNumber } from './dicom-text.ts';

/** "a", "a and b", "a, b and c". */
export function listWords(items: readonly string[]): string {
  if (items.length <= 1) return items[0] ?? '';
  return `${items.slice(0, -1).join(', ')} and ${items[items.length - 1]}`;
}

const ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'", nbsp: ' ', '#39': "'" };

/**
 * Release notes as text. Feeds publish plain text or markdown (kept as written) and some publish
 * HTML: its tags are dropped (list items become "• ", paragraphs and <br> new lines) and a few
 * entities decoded. The result is always shown as text, never parsed as HTML.
 */
export function releaseNotesText(notes: string | null | undefined): string {
  if (!notes) return '';
  let t = notes.replace(/\r\n?/g, '\n');
  if (/<\/?[a-z][a-z0-9]*(\s[^<>]*)?\/?>/i.test(t)) {
    t = t
      .replace(/<(script|style)\b[^]*?<\/\1\s*>/gi, '')
      .replace(/<br\s*\/?>/gi, '\n')
      .replace(/<li\b[^>]*>/gi, '\n• ')
      .replace(/<\/?(p|div|h[1-6]|ul|ol|tr|pre|blockquote)\b[^>]*>/gi, '\n')
      .replace(/<[^>]*>/g, '')
      .replace(/&(#39|[a-z]+);/gi, (m, name: string) => ENTITIES[name.toLowerCase()] ?? m);
  }
  return t
    .split('\n')
    .map((l) => l.trimEnd())
    .join('\n')
    .replace(/\n{3,}/g, '\n\n')
    .trim();
}

const percentOf = (s: UpdateStatus): number | null => (s.progress ? Math.max(0, Math.min(100, Math.floor(s.progress.percent))) : null);

export type IndicatorKind = 'downloading' | 'ready' | 'waiting' | 'quiet' | 'failed';

export interface IndicatorView {
  kind: IndicatorKind;
  /** The words in the header ('' for the quiet dot). */
  text: string;
  /** The whole sentence, for the tooltip and screen readers. */
  label: string;
  /** Download progress 0..100, when downloading. */
  percent: number | null;
}

/**
 * The header's indicator, or null: shown only while a found update downloads, once it is ready,
 * or when the download of a found update failed (quietly: this version keeps running).
 * After "Later" it is a small dot.
 */
export function indicatorView(s: UpdateStatus | null): IndicatorView | null {
  if (!s || !s.available) return null;
  const v = s.available.version;
  if (s.phase === 'downloading') {
    const p = percentOf(s);
    return {
      kind: 'downloading',
      text: p === null ? 'Update downloading' : `Update ${p} %`,
      label: `Capture Station ${v} is downloading in the background${p === null ? '' : ` (${p} %)`}. Open for details.`,
      percent: p,
    };
  }
  if (s.phase === 'ready') {
    if (s.deferred) return { kind: 'quiet', text: '', label: `Update ${v} installs when the station quits. Open for details.`, percent: null };
    if (s.restart.armed) return { kind: 'waiting', text: 'Update: restarts when idle', label: `Capture Station ${v} installs as soon as nothing is busy. Open for details.`, percent: null };
    return { kind: 'ready', text: 'Update ready', label: `Capture Station ${v} is ready to install. Open to restart or choose later.`, percent: null };
  }
  if (s.phase === 'error') return { kind: 'failed', text: 'Update not installed', label: `Capture Station ${v} was not installed; this version keeps running. Open for the reason.`, percent: null };
  return null;
}

/** The panel's title. */
export function panelTitle(s: UpdateStatus): string {
  const v = s.available?.version ?? 'a new version';
  if (s.phase === 'downloading') return `Downloading Capture Station ${v}`;
  if (s.phase === 'ready') return `Capture Station ${v} is ready to install`;
  return `Capture Station ${v} was not installed`;
}

/** What "restart" would do now, in words (only while an update is ready). */
export function restartSentence(s: UpdateStatus): string {
  if (s.phase !== 'ready') return '';
  const { allowed, armed, waitingFor } = s.restart;
  if (allowed && armed) return 'Nothing is busy: the station is restarting to install it.';
  if (allowed) return 'Nothing is being captured, imported or sent: the station can restart now.';
  if (armed) return `Restarts by itself once nothing is busy. Waiting: ${listWords(waitingFor)}.`;
  return `Not now: ${listWords(waitingFor)}.`;
}

export interface Clock {
  /** "14:05" for an ISO time. */
  time(iso: string): string;
}

/** The local clock's hours and minutes. */
export const localClock: Clock = { time: timeHm };

/** One line for the About box and the settings screen: where the updater is, in words. */
export function updateStatusLine(s: UpdateStatus, clock: Clock): string {
  const v = s.available?.version;
  switch (s.phase) {
    case 'unsupported':
    case 'managed':
    case 'disabled':
      return s.message ?? 'This station does not update itself: IT installs new versions.';
    case 'idle':
      return s.nextCheckAt ? `Self-update is on; the next check is at ${clock.time(s.nextCheckAt)}.` : 'Self-update is on.';
    case 'checking':
      return 'Checking the update feed now…';
    case 'up-to-date':
      return `Up to date: ${s.currentVersion} is the newest version on the ${s.channel} channel.`;
    case 'downloading': {
      const p = percentOf(s);
      return `Downloading ${v ?? 'an update'} in the background${p === null ? '' : ` (${p} %)`}.`;
    }
    case 'ready':
      return s.restart.armed
        ? `${v} is downloaded and installs as soon as nothing is busy.`
        : `${v} is downloaded and installs when the station quits${s.deferred ? '' : ', or now with "Restart"'}.`;
    case 'error':
      return s.message ?? 'The last update check failed. This version keeps running.';
  }
}

// ---- The settings form: text in the fields -> a patch the core accepts, or a sentence per field.

const UPDATE_FIELDS = ['enabled', 'channel', 'checkIntervalHours', 'bandwidthCapKbps', 'proxy', 'feedUrl'] as const;
export type UpdateField = (typeof UPDATE_FIELDS)[number];

export interface UpdateForm {
  enabled: boolean;
  channel: UpdateSettings['channel'];
  checkIntervalHours: string;
  bandwidthCapKbps: string;
  proxy: string;
  feedUrl: string;
}

export const formOf = (s: UpdateSettings): UpdateForm => ({
  enabled: s.enabled,
  channel: s.channel,
  checkIntervalHours: String(s.checkIntervalHours),
  bandwidthCapKbps: s.bandwidthCapKbps === null ? '' : String(s.bandwidthCapKbps),
  proxy: s.proxy ?? '',
  feedUrl: s.feedUrl ?? '',
});

const FALLBACK: Record<UpdateField, string> = {
  enabled: 'Choose whether this station updates itself.',
  channel: 'Choose stable or beta.',
  checkIntervalHours: 'Type a whole number of hours, from 1 to 48.',
  bandwidthCapKbps: 'Type a whole number of kbit/s from 64 to 1000000, or leave it empty for no cap.',
  proxy: 'The proxy address is too long.',
  feedUrl: 'The update feed address is too long.',
};
// zod's own messages ("Too big: expected number to be <=1000000") are not for operators; the schema's custom ones are.
const zodDefault = /^(Invalid|Too (big|small)|Expected)\b/;

/** Checks the form with the shared schema: the patch to send, or a sentence for each wrong field. */
export function checkUpdateForm(f: UpdateForm): { patch: UpdateSettingsPatch | null; problems: Partial<Record<UpdateField, string>> } {
  const problems: Partial<Record<UpdateField, string>> = {};
  const hours = wholeNumber(f.checkIntervalHours);
  const cap = f.bandwidthCapKbps.trim() === '' ? null : wholeNumber(f.bandwidthCapKbps);
  if (Number.isNaN(hours)) problems.checkIntervalHours = FALLBACK.checkIntervalHours;
  if (Number.isNaN(cap)) problems.bandwidthCapKbps = FALLBACK.bandwidthCapKbps;
  const proxy = f.proxy.trim() || null;
  const feedUrl = f.feedUrl.trim() || null;
  const candidate = {
    enabled: f.enabled,
    channel: f.channel,
    checkIntervalHours: Number.isNaN(hours) ? 4 : hours,
    bandwidthCapKbps: Number.isNaN(cap) ? 64 : cap,
    proxy,
    feedUrl,
  };
  const checked = checkFields(updateSettingsPatchSchema, candidate);
  if (!checked.ok) {
    for (const [key, message] of Object.entries(checked.errors)) {
      const field = key as UpdateField;
      if (!UPDATE_FIELDS.includes(field) || problems[field]) continue;
      const precise = field === 'proxy' && proxy ? updateUrlProblem(proxy, 'proxy') : field === 'feedUrl' && feedUrl ? updateUrlProblem(feedUrl, 'feed') : null;
      problems[field] = precise ?? (zodDefault.test(message) ? FALLBACK[field] : message);
    }
    return { patch: null, problems };
  }
  return { patch: Object.keys(problems).length ? null : checked.value, problems };
}
