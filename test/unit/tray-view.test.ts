// The tray's mapping (src/main/core/api/tray-view.ts): pure functions over the queue summary and
// the cameras, so every state the operator can see at a glance is checked here without Electron.
import { describe, expect, it } from 'vitest';
import { hiddenNotification, trayNotifications, trayState, trayView, type TrayFacts } from '../../src/main/core/api/tray-view.ts';

function facts(over: Partial<Omit<TrayFacts, 'queue'>> & { queue?: Partial<TrayFacts['queue']> } = {}): TrayFacts {
  const { queue, ...rest } = over;
  return {
    queue: {
      state: 'idle',
      pausedReason: null,
      message: null,
      uploads: { waiting: 0, running: 0, failed: 0, done: 0, bytesWaiting: 0 },
      orders: { waiting: 0, running: 0, failed: 0, done: 0, blocked: 0 },
      ...queue,
    },
    cameras: [],
    refused: 0,
    capturing: false,
    ...rest,
  };
}

const uploads = (o: Partial<TrayFacts['queue']['uploads']>) => ({ waiting: 0, running: 0, failed: 0, done: 0, bytesWaiting: 0, ...o });
const labels = (f: TrayFacts) => trayView(f).menu.map((m) => m.label);

describe('tray state at a glance', () => {
  it('maps every queue state to online, offline, paused, failed or not set up', () => {
    expect(trayState(facts().queue)).toBe('online');
    expect(trayState(facts({ queue: { state: 'syncing' } }).queue)).toBe('online');
    expect(trayState(facts({ queue: { state: 'offline' } }).queue)).toBe('offline');
    expect(trayState(facts({ queue: { state: 'paused', pausedReason: 'auth' } }).queue)).toBe('paused');
    expect(trayState(facts({ queue: { state: 'not-configured' } }).queue)).toBe('not-set-up');
    expect(trayState(facts({ queue: { uploads: uploads({ failed: 1 }) } }).queue)).toBe('failed');
  });

  it('failed items (waiting for a person) outrank offline; a pause outranks both', () => {
    expect(trayState(facts({ queue: { state: 'offline', uploads: uploads({ failed: 2 }) } }).queue)).toBe('failed');
    expect(trayState(facts({ queue: { state: 'paused', pausedReason: 'operator', uploads: uploads({ failed: 2 }) } }).queue)).toBe('paused');
  });

  it('counts photos waiting (waiting and on their way) and names the camera', () => {
    const f = facts({ queue: { state: 'syncing', uploads: uploads({ waiting: 3, running: 1, done: 9 }) }, cameras: [{ volumeId: 'v1', name: 'Canon CR-2', headline: null }] });
    expect(labels(f)).toEqual(['Sync: online', '4 photos waiting to be sent', 'Camera connected: Canon CR-2', '', 'Open Capture Station', 'Pause sync', '', 'Quit']);
    expect(trayView(f).tooltip).toBe('Capture Station: online; 4 photos waiting to be sent; camera connected: canon cr-2');
    expect(labels(facts({ queue: { uploads: uploads({ waiting: 1 }) } }))[1]).toBe('1 photo waiting to be sent');
    expect(labels(facts())[1]).toBe('No photos waiting to be sent');
    expect(labels(facts())[2]).toBe('No camera connected');
    const two = facts({ cameras: [{ volumeId: 'a', name: 'A', headline: null }, { volumeId: 'b', name: 'B', headline: null }] });
    expect(labels(two)[2]).toBe('2 cameras connected');
  });

  it('offers Resume when paused, Pause otherwise, and no Pause when there is nothing to send to', () => {
    const menu = (f: TrayFacts) => trayView(f).menu.filter((m) => m.id === 'pause' || m.id === 'resume');
    expect(menu(facts({ queue: { state: 'paused', pausedReason: 'operator' } }))).toEqual([{ id: 'resume', label: 'Resume sync', enabled: true }]);
    expect(menu(facts({ queue: { state: 'paused', pausedReason: 'auth' } }))).toEqual([{ id: 'resume', label: 'Resume sync', enabled: true }]);
    expect(menu(facts({ queue: { state: 'offline' } }))).toEqual([{ id: 'pause', label: 'Pause sync', enabled: true }]);
    expect(menu(facts({ queue: { state: 'not-configured' } }))).toEqual([{ id: 'pause', label: 'Pause sync', enabled: false }]);
    // The information lines cannot be clicked; Open and Quit always can.
    const enabled = trayView(facts()).menu.filter((m) => m.enabled).map((m) => m.id);
    expect(enabled).toEqual(['open', 'pause', 'quit']);
  });
});

describe('tray notifications', () => {
  it('announces a pause for credentials once (also at start), never the operator’s own pause', () => {
    const auth = facts({ queue: { state: 'paused', pausedReason: 'auth', message: 'The storage key was refused. Ask IT.' } });
    expect(trayNotifications(facts(), auth)).toEqual([{ kind: 'paused', title: 'Sending to the cloud is paused', body: 'The storage key was refused. Ask IT.' }]);
    expect(trayNotifications(null, auth).map((n) => n.kind)).toEqual(['paused']);
    expect(trayNotifications(auth, auth)).toEqual([]);
    expect(trayNotifications(facts(), facts({ queue: { state: 'paused', pausedReason: 'operator' } }))).toEqual([]);
  });

  it('announces a refused file only while capturing, and only a new one', () => {
    expect(trayNotifications(facts({ refused: 2 }), facts({ refused: 3, capturing: true })).map((n) => n.title)).toEqual(['A file was refused']);
    expect(trayNotifications(facts({ refused: 2 }), facts({ refused: 4, capturing: true })).map((n) => n.title)).toEqual(['2 files were refused']);
    expect(trayNotifications(facts({ refused: 2 }), facts({ refused: 3, capturing: false }))).toEqual([]);
    expect(trayNotifications(facts({ refused: 3, capturing: true }), facts({ refused: 3, capturing: true }))).toEqual([]);
    // At start there is no "before": files refused on earlier days are not news.
    expect(trayNotifications(null, facts({ refused: 5, capturing: true }))).toEqual([]);
  });

  it('announces a camera once it is recognised, once per plug-in', () => {
    const looking = facts({ cameras: [{ volumeId: 'v1', name: 'Canon CR-2', headline: null }] });
    const known = facts({ cameras: [{ volumeId: 'v1', name: 'Canon CR-2', headline: 'Camera connected: 14 new photos' }] });
    expect(trayNotifications(facts(), looking)).toEqual([]);
    expect(trayNotifications(looking, known)).toEqual([{ kind: 'camera', title: 'Canon CR-2', body: 'Camera connected: 14 new photos' }]);
    expect(trayNotifications(known, known)).toEqual([]);
    // Pulled out and plugged in again: news again.
    expect(trayNotifications(facts(), known).map((n) => n.kind)).toEqual(['camera']);
  });

  it('says once, on hiding, that the station goes on and how to quit', () => {
    expect(hiddenNotification(facts({ queue: { uploads: uploads({ waiting: 2 }) } })).body).toBe(
      'It keeps taking in photos from the cameras and sending them. 2 photos still wait to be sent. Open it again from its icon; to stop it, choose Quit there.',
    );
    expect(hiddenNotification(facts()).body).not.toMatch(/still wait/);
  });
});

describe('tray icon (src/main/electron/tray-icon.ts, no electron import)', () => {
  it('is a dot in the state colour, BGRA, transparent in the corners, one colour per state', async () => {
    const { trayIconBitmap, TRAY_COLOURS } = await import('../../src/main/electron/tray-icon.ts');
    const px = (buf: Buffer, x: number, y: number) => [...buf.subarray((y * 32 + x) * 4, (y * 32 + x) * 4 + 4)];
    for (const state of ['online', 'offline', 'paused', 'failed', 'not-set-up'] as const) {
      const bmp = trayIconBitmap(state, 32);
      expect(bmp.length).toBe(32 * 32 * 4);
      const [r, g, b] = TRAY_COLOURS[state];
      expect(px(bmp, 16, 16)).toEqual([b, g, r, 255]);
      expect(px(bmp, 0, 0)[3]).toBe(0);
    }
    expect(new Set(Object.values(TRAY_COLOURS).map((c) => c.join())).size).toBe(5);
  });
});
