// The update UI's words (src/renderer/src/update-text.ts): when the header indicator shows and
// what it says, what the restart waits for, release notes as text (HTML tags never kept), the
// About box's status line, and the settings form checked by the shared zod schema with a plain
// sentence per field.
import { describe, expect, it } from 'vitest';
import type { UpdateStatus } from '../../src/shared/updates.ts';
import { defaultUpdateSettings } from '../../src/shared/updates.ts';
import { checkUpdateForm, formOf, indicatorView, listWords, releaseNotesText, restartSentence, updateStatusLine } from '../../src/renderer/src/update-text.ts';

const clock = { time: (iso: string) => iso.slice(11, 16) };

function status(over: Partial<UpdateStatus> = {}): UpdateStatus {
  return {
    phase: 'idle',
    currentVersion: '1.4.2',
    channel: 'stable',
    available: null,
    progress: null,
    restart: { allowed: false, waitingFor: [], armed: false },
    deferred: false,
    message: null,
    lastCheckAt: null,
    nextCheckAt: null,
    ...over,
  };
}
const found = { version: '1.5.0', releaseDate: '2025-03-01T10:00:00.000Z', releaseNotes: 'Faster import.' };

describe('the header indicator', () => {
  it('is absent unless a found update is downloading, ready or failed', () => {
    for (const phase of ['unsupported', 'managed', 'disabled', 'idle', 'checking', 'up-to-date'] as const) {
      expect(indicatorView(status({ phase }))).toBeNull();
    }
    expect(indicatorView(status({ phase: 'error', message: 'The update server cannot be reached.' }))).toBeNull();
    expect(indicatorView(null)).toBeNull();
  });

  it('shows the download progress, then "Update ready", then a quiet dot after "Later"', () => {
    const dl = indicatorView(status({ phase: 'downloading', available: found, progress: { percent: 42.7, transferred: 1, total: 2, bytesPerSecond: 3 } }));
    expect(dl).toMatchObject({ kind: 'downloading', text: 'Update 42 %', percent: 42 });
    expect(dl!.label).toBe('Capture Station 1.5.0 is downloading in the background (42 %). Open for details.');
    expect(indicatorView(status({ phase: 'ready', available: found }))).toMatchObject({ kind: 'ready', text: 'Update ready' });
    const quiet = indicatorView(status({ phase: 'ready', available: found, deferred: true }));
    expect(quiet).toMatchObject({ kind: 'quiet', text: '' });
    expect(quiet!.label).toBe('Update 1.5.0 installs when the station quits. Open for details.');
    expect(indicatorView(status({ phase: 'ready', available: found, restart: { allowed: false, waitingFor: ['x'], armed: true } }))).toMatchObject({ kind: 'waiting' });
    expect(indicatorView(status({ phase: 'error', available: found, message: 'checksum' }))).toMatchObject({ kind: 'failed', text: 'Update not installed' });
  });
});

describe('what the restart waits for', () => {
  it('joins the busy sources into one phrase', () => {
    expect(listWords(['a'])).toBe('a');
    expect(listWords(['a', 'b', 'c'])).toBe('a, b and c');
    expect(listWords([])).toBe('');
  });

  it('offers restart now only when nothing is busy, and says what it waits for otherwise', () => {
    const busy = status({ phase: 'ready', available: found, restart: { allowed: false, waitingFor: ['an exam is being captured'], armed: false } });
    expect(restartSentence(busy)).toBe('Not now: an exam is being captured.');
    expect(restartSentence({ ...busy, restart: { allowed: false, waitingFor: ['an exam is being captured', 'photos or orders are being sent'], armed: true } })).toBe(
      'Restarts by itself once nothing is busy. Waiting: an exam is being captured and photos or orders are being sent.',
    );
    expect(restartSentence({ ...busy, restart: { allowed: true, waitingFor: [], armed: false } })).toBe('Nothing is being captured, imported or sent: the station can restart now.');
    expect(restartSentence(status({ phase: 'downloading', available: found }))).toBe('');
  });
});

describe('release notes', () => {
  it('keeps plain text and markdown as written', () => {
    expect(releaseNotesText('## 1.5.0\n\n- Faster import\n- <3 for the team\r\n')).toBe('## 1.5.0\n\n- Faster import\n- <3 for the team');
    expect(releaseNotesText(null)).toBe('');
  });

  it('turns HTML notes into text: no tag survives, scripts are dropped, entities decoded', () => {
    const html = '<h2>1.5.0</h2><ul><li>Faster &amp; safer import</li><li>Fix <b>OD/OS</b></li></ul><script>alert(1)</script><p>Thanks<br/>the team</p><img src=x onerror=alert(1)>';
    const text = releaseNotesText(html);
    expect(text).toBe('1.5.0\n\n• Faster & safer import\n• Fix OD/OS\n\nThanks\nthe team');
    expect(text).not.toMatch(/<|alert/);
  });
});

describe('the status line (About box, settings)', () => {
  it('says what the updater is doing, in words', () => {
    const headless = 'This station does not update itself (headless service or development run): IT installs new versions.';
    expect(updateStatusLine(status({ phase: 'unsupported', message: headless }), clock)).toBe(headless);
    expect(updateStatusLine(status({ nextCheckAt: '2025-03-01T14:05:00.000Z' }), clock)).toBe('Self-update is on; the next check is at 14:05.');
    expect(updateStatusLine(status({ phase: 'up-to-date', lastCheckAt: '2025-03-01T09:30:00.000Z' }), clock)).toBe('Up to date: 1.4.2 is the newest version on the stable channel.');
    expect(updateStatusLine(status({ phase: 'downloading', available: found, progress: { percent: 8, transferred: 1, total: 2, bytesPerSecond: 1 } }), clock)).toBe('Downloading 1.5.0 in the background (8 %).');
    expect(updateStatusLine(status({ phase: 'ready', available: found }), clock)).toBe('1.5.0 is downloaded and installs when the station quits, or now with "Restart".');
    expect(updateStatusLine(status({ phase: 'ready', available: found, deferred: true }), clock)).toBe('1.5.0 is downloaded and installs when the station quits.');
    expect(updateStatusLine(status({ phase: 'error', message: 'The update server cannot be reached.' }), clock)).toBe('The update server cannot be reached.');
  });
});

describe('the settings form', () => {
  const ok = formOf(defaultUpdateSettings());

  it('round-trips the saved settings into a patch the schema accepts (empty fields are null)', () => {
    expect(ok).toEqual({ enabled: true, channel: 'stable', checkIntervalHours: '4', bandwidthCapKbps: '4000', proxy: '', feedUrl: '' });
    const r = checkUpdateForm({ ...ok, channel: 'beta', bandwidthCapKbps: '', proxy: ' http://proxy.clinic.local:3128 ', feedUrl: 'https://updates.clinic.example/station/' });
    expect(r.problems).toEqual({});
    expect(r.patch).toEqual({ enabled: true, channel: 'beta', checkIntervalHours: 4, bandwidthCapKbps: null, proxy: 'http://proxy.clinic.local:3128', feedUrl: 'https://updates.clinic.example/station/' });
  });

  it('puts the schema\'s own sentence next to each wrong field', () => {
    const r = checkUpdateForm({ ...ok, checkIntervalHours: '0', bandwidthCapKbps: '10', proxy: 'socks5://p:1080', feedUrl: 'http://updates.clinic.example/' });
    expect(r.patch).toBeNull();
    expect(r.problems).toEqual({
      checkIntervalHours: 'Check at most once an hour.',
      bandwidthCapKbps: 'The cap must be at least 64 kbit/s.',
      proxy: 'The proxy address must start with http:// or https://.',
      feedUrl: 'The update feed address must start with https://.',
    });
    expect(checkUpdateForm({ ...ok, checkIntervalHours: '72' }).problems).toEqual({ checkIntervalHours: 'Check at least every 48 hours.' });
    expect(checkUpdateForm({ ...ok, feedUrl: 'https://it:secret@updates.clinic.example/' }).problems).toEqual({ feedUrl: 'The update feed address must not contain a user name or password.' });
  });

  it('never shows zod\'s own wording: not a number, or past a limit without a sentence, gets a plain one', () => {
    expect(checkUpdateForm({ ...ok, checkIntervalHours: 'four' }).problems).toEqual({ checkIntervalHours: 'Type a whole number of hours, from 1 to 48.' });
    expect(checkUpdateForm({ ...ok, bandwidthCapKbps: '2.5' }).problems.bandwidthCapKbps).toMatch(/^Type a whole number of kbit\/s/);
    expect(checkUpdateForm({ ...ok, bandwidthCapKbps: '5000000' }).problems.bandwidthCapKbps).toMatch(/^Type a whole number of kbit\/s/);
  });
});
