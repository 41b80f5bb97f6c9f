// `npm run headless -- --data DIR --watch DIR [--watch DIR ...] [--port N]`
// Runs the station core under plain Node and serves the built UI on loopback.
import { parseArgs } from 'node:util';
import { readFileSync, statSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import path from 'node:path';
import { Station } from '../core/station.ts';
import { mediaPaths, startHeadlessServer } from './server.ts';
import { headlessSecretStore } from '../core/sync/secrets.ts';
import { STANDIN_UPDATER_ENV, StandInUpdater } from './standin-updater.ts';
import { dicomOverrides, dicomUsage } from './dicom-args.ts';

const usage = `Usage: npm run headless -- --data DIR [--watch DIR ...] [--port N] [--token TOKEN]
  --data DIR     where the station keeps its database, spool and logs (created if missing)
  --watch DIR    a camera export folder to watch (repeatable; also stored for next time)
  --port N       loopback port (default 4780; 0 picks a free one)
  --token TOKEN  access token (default: random each start; or set CAPTURE_STATION_TOKEN)
  Secrets (cloud, worklist token) are kept in DIR/secrets.json (mode 0600), or come from the
  environment: CAPTURE_CONNECTION_STRING, CAPTURE_ORDER_TOKEN, CAPTURE_WORKLIST_TOKEN (these win)
  --volumes-root DIR
                 a folder standing in for the removable-drive mount root: each subfolder that
                 appears in it is a plugged-in USB volume (camera). Default: the platform's own
                 listing (Linux mount table, macOS /Volumes, Windows removable drive letters)
${dicomUsage}`;

// File reads, fsyncs and sharp's decodes share libuv's pool (4 threads by default); with four
// ingests in flight a larger pool keeps fsyncs from stalling decodes. Set before any async work.
process.env.UV_THREADPOOL_SIZE ??= '8';

const repoRoot = path.resolve(fileURLToPath(new URL('../../..', import.meta.url)));

async function main(): Promise<void> {
  let args;
  try {
    args = parseArgs({
      options: {
        data: { type: 'string' },
        watch: { type: 'string', multiple: true, default: [] },
        port: { type: 'string', default: '4780' },
        token: { type: 'string' },
        'renderer-dir': { type: 'string' },
        'volumes-root': { type: 'string' },
        'dicom-port': { type: 'string' },
        'dicom-ae-title': { type: 'string' },
        'dicom-address': { type: 'string' },
        'dicom-camera': { type: 'string', multiple: true },
        help: { type: 'boolean', default: false },
      },
      strict: true,
    }).values;
  } catch (err) {
    console.error(`${(err as Error).message}\n\n${usage}`);
    process.exit(2);
  }
  if (args.help) {
    console.log(usage);
    return;
  }
  if (!args.data) {
    console.error(`--data DIR is required.\n\n${usage}`);
    process.exit(2);
  }
  const port = Number(args.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    console.error(`--port must be a number from 0 to 65535.\n\n${usage}`);
    process.exit(2);
  }
  const volumesRoot = args['volumes-root'] === undefined ? undefined : path.resolve(args['volumes-root']);
  if (volumesRoot !== undefined && !statSync(volumesRoot, { throwIfNoEntry: false })?.isDirectory()) {
    console.error(`--volumes-root ${volumesRoot} is not a folder. Create it first.\n\n${usage}`);
    process.exit(2);
  }
  const dicom = dicomOverrides(args);
  if ('error' in dicom) {
    console.error(`${dicom.error}\n\n${usage}`);
    process.exit(2);
  }
  const version = (JSON.parse(readFileSync(path.join(repoRoot, 'package.json'), 'utf8')) as { version: string }).version;
  const station = await Station.open({
    dataDir: path.resolve(args.data),
    host: 'headless',
    version,
    urls: mediaPaths,
    watch: args.watch,
    volumesRoot,
    ...(dicom.overrides && { dicom: dicom.overrides }),
    secrets: headlessSecretStore(path.resolve(args.data)),
  });
  // Test seam only (test/e2e/updates.spec.ts): a stand-in for electron-updater; see standin-updater.ts.
  const standIn = process.env[STANDIN_UPDATER_ENV];
  if (standIn) station.updates.attach(new StandInUpdater(path.resolve(standIn)));
  const server = await startHeadlessServer({
    station,
    port,
    token: args.token ?? process.env.CAPTURE_STATION_TOKEN,
    rendererDir: args['renderer-dir'] ?? path.join(repoRoot, 'out', 'renderer'),
  });
  console.log(`Capture Station listening on ${server.url}`);
  const node = station.dicom.listener.status();
  if (node.state === 'listening') console.log(`DICOM node ${node.aeTitle} listening on ${node.address}:${node.port}${node.tls ? ' (TLS)' : ''}`);
  else if (node.state === 'failed') console.error(`DICOM node not listening: ${node.problem}`);

  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    station.log.info({ signal }, 'stopping');
    await server.close();
    const left = station.sync.pending();
    await station.close();
    if (left.uploads || left.orders) {
      console.log(
        `Capture Station stopped with ${left.uploads} photo upload${left.uploads === 1 ? '' : 's'} and ${left.orders} order${left.orders === 1 ? '' : 's'} still to send; they resume at the next start.`,
      );
    }
    process.exit(0);
  };
  process.on('SIGINT', () => void stop('SIGINT'));
  process.on('SIGTERM', () => void stop('SIGTERM'));
}

main().catch((err: unknown) => {
  console.error(`Capture Station could not start: ${(err as Error).message}`);
  process.exit(1);
});
