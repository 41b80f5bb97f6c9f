// "Later" lasts until the station quits: the periodic re-check (every few hours) finds the same
// version again, and the real electron-updater then re-emits update-available and, from its cache,
// update-downloaded. That must neither bring the prompt back nor show the update as downloading
// again; a newer version found later is a new prompt. The real AppImageUpdater against a feed
// electron-builder wrote (update-feed.ts); an AppAdapter object stands in for Electron's `app`,
// the Node executor for Electron's net, and the restart callback only records that it was called.
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { Station } from '../../src/main/core/station.ts';
import type { UpdaterLike } from '../../src/main/core/updates/service.ts';
import { builtVersion, feedFiles } from '../fixtures/update-feed.ts';
import { appImageUpdater, appUpdateYml, linuxFeed, openDesktopStation, testApp, type FeedServer } from '../fixtures/update-client.ts';

let feed: FeedServer;
let station: Station | null = null;

beforeAll(async () => {
  feed = await linuxFeed('1.2.3');
}, 120_000);
afterAll(() => feed.close());
afterEach(async () => {
  await station?.close();
  station = null;
});

describe('"Later" on a downloaded update', () => {
  it('stays chosen when the periodic re-check finds the same version again', async () => {
    station = await openDesktopStation();
    const s = station;
    const restarts: string[] = [];
    const updater = appImageUpdater(testApp('1.0.0', appUpdateYml(feed.url)));
    await s.api['updates.settings.update']({ bandwidthCapKbps: null });
    s.updates.attach(updater as unknown as UpdaterLike, { restart: () => void restarts.push('restart') });
    let downloaded = new Promise((resolve) => updater.once('update-downloaded', resolve));
    await s.api['updates.check']({});
    await downloaded;
    expect((await s.api['updates.later']({})).deferred).toBe(true);

    // The next scheduled check: electron-updater announces 1.2.3 again and re-validates its cached download.
    const phases: string[] = [];
    // (The station's own listener, attached first, has already run when this one sees the event.)
    updater.on('update-available', () => void phases.push(s.updates.status().phase));
    downloaded = new Promise((resolve) => updater.once('update-downloaded', resolve));
    await s.api['updates.check']({});
    await downloaded;
    const status = await s.api['updates.status']({});
    expect(status).toMatchObject({ phase: 'ready', deferred: true, available: { version: '1.2.3' } });
    expect(phases).not.toContain('downloading');
    expect(restarts).toEqual([]);

    // A newer version lands on the feed: that one is a new question, so the prompt comes back.
    const next = await builtVersion('linux', '1.2.4');
    for (const f of feedFiles(next)) feed.put(f, path.join(next.outDir, f));
    downloaded = new Promise((resolve) => updater.once('update-downloaded', resolve));
    await s.api['updates.check']({});
    await downloaded;
    expect(await s.api['updates.status']({})).toMatchObject({ phase: 'ready', deferred: false, available: { version: '1.2.4' } });
    expect(phases).toContain('downloading');
    expect(restarts).toEqual([]);
  }, 120_000);
});
