// The tray (Windows notification area, macOS menu bar, Linux status area): the sync state at a
// glance, photos waiting, camera connected; Open, Pause/Resume sync, Quit; and native
// notifications. What it says is decided in the core (core/api/tray-view.ts); this only draws it.
import { Menu, Notification, Tray, nativeImage, type MenuItemConstructorOptions } from 'electron';
import type { EventName } from '../../shared/contract/index.ts';
import {
  hiddenNotification,
  trayFacts,
  trayNotifications,
  trayView,
  type TrayFacts,
  type TrayMenuItem,
  type TrayNotification,
  type TrayState,
} from '../core/api/tray-view.ts';
import { logUnexpected } from '../core/api/unexpected.ts';
import type { Station } from '../core/station.ts';
import { trayIconBitmap } from './tray-icon.ts';

export interface TrayActions {
  /** Show the window (made again if needed) and bring it to the front. */
  open(): void;
  /** Quit the app: the station closes, nothing is left running. */
  quit(): void;
}

export interface StationTray {
  /** Look at the facts now (events do this too, at most a few times a second). */
  refresh(): void;
  /** The one notification said when the window is first closed. */
  announceHidden(): void;
  close(): void;
}

const REFRESH_ON = new Set<EventName>(['sync.changed', 'cameras.changed', 'images.changed', 'orders.changed', 'notice']);
const COALESCE_MS = 250;

const icon = (state: TrayState) => nativeImage.createFromBitmap(trayIconBitmap(state, 32), { width: 32, height: 32, scaleFactor: 2 });

export function startTray(station: Station, actions: TrayActions): StationTray {
  const tray = new Tray(icon('not-set-up'));
  let prev: TrayFacts | null = null;
  let drawn = '';
  let timer: NodeJS.Timeout | null = null;
  let closed = false;

  const notify = (n: TrayNotification): void => {
    if (!Notification.isSupported()) return;
    const note = new Notification({ title: n.title, body: n.body });
    note.on('click', () => actions.open());
    note.show();
    station.log.info({ kind: n.kind }, 'tray: notification shown');
  };

  const click: Partial<Record<TrayMenuItem['id'], () => void>> = {
    open: () => actions.open(),
    pause: () => {
      station.sync.pause().catch((err: unknown) => station.log.warn({ code: (err as { code?: string }).code }, 'tray: pause failed'));
    },
    resume: () => station.sync.resume(),
    quit: () => actions.quit(),
  };
  const toItem = (m: TrayMenuItem): MenuItemConstructorOptions =>
    m.id === 'separator' ? { type: 'separator' } : { id: m.id, label: m.label, enabled: m.enabled, ...(click[m.id] && { click: click[m.id] }) };

  const refresh = (): void => {
    if (timer) clearTimeout(timer);
    timer = null;
    if (closed) return;
    let facts: TrayFacts;
    try {
      facts = trayFacts(station);
    } catch (err) {
      // The tray must never take the app down; the next event tries again.
      logUnexpected(station.log, err, { route: 'tray' });
      return;
    }
    for (const n of trayNotifications(prev, facts)) notify(n);
    prev = facts;
    const view = trayView(facts);
    const key = JSON.stringify(view);
    if (key === drawn) return;
    drawn = key;
    tray.setImage(icon(view.state));
    tray.setToolTip(view.tooltip);
    tray.setContextMenu(Menu.buildFromTemplate(view.menu.map(toItem)));
  };

  const unsubscribe = station.events.subscribe((event) => {
    if (!REFRESH_ON.has(event) || timer || closed) return;
    timer = setTimeout(refresh, COALESCE_MS);
    timer.unref();
  });
  // macOS opens the menu on click; elsewhere a click on the icon opens the window.
  if (process.platform !== 'darwin') tray.on('click', () => actions.open());
  refresh();

  return {
    refresh,
    announceHidden: () => notify(hiddenNotification(prev ?? trayFacts(station))),
    close: () => {
      closed = true;
      if (timer) clearTimeout(timer);
      unsubscribe();
      tray.destroy();
    },
  };
}
