// The DICOM listener with a 150 MB multi-frame object (streamed to the spool, never whole in
// memory: the file and the row are asserted here, the memory in bench/dicom.ts), over TLS with a
// self-signed certificate made by openssl, and started from the headless host's command line.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { existsSync, statSync } from 'node:fs';
import path from 'node:path';
import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { repoRoot, tempDir } from '../fixtures/headless.ts';
import { datasetHash, dcmtkSkipReason, echo, hasDcmtk, makeOp, openDicomStation, run, send, sopInstanceOf, writeMultiFrame, type DicomStation } from '../fixtures/dicom-camera.ts';

const hasOpenssl = existsSync('/usr/bin/openssl');

describe.skipIf(!hasDcmtk)(`DICOM listener: large objects, TLS, the command line${hasDcmtk ? '' : ` (skipped: ${dcmtkSkipReason})`}`, () => {
  let node: DicomStation;
  let dir: string;
  beforeAll(async () => {
    node = await openDicomStation();
    dir = tempDir('dicom-large');
  });
  afterAll(async () => {
    await node?.station.close();
  });

  it('receives a 150 MB multi-frame OCT object into the spool as sent, and makes its image from its middle frame', async () => {
    const file = path.join(dir, 'oct.dcm');
    await writeMultiFrame(file, { frames: 150, rows: 1000, columns: 1000, laterality: 'L' });
    expect(statSync(file).size).toBeGreaterThan(150_000_000);
    const r = await send(node.port, [file]);
    expect(r.code, r.out).toBe(0);
    await node.station.dicom.intake.idle();
    await node.station.pipeline.idle();
    const sop = await sopInstanceOf(file);
    const row = node.station.dicom.repo.instance(sop)!;
    expect(row.state).toBe('image');
    const stored = node.station.spool.pathFor(row.sha256);
    expect(await datasetHash(stored)).toBe(await datasetHash(file));
    const image = (await node.station.api['images.list']({ limit: 50 })).items.find((i) => i.id === row.image_id)!;
    expect(image).toMatchObject({ status: 'ready', laterality: 'OS', previewNote: null });
    expect(image.sizeBytes).toBe(statSync(stored).size);
    expect(node.tmpFiles()).toEqual([]);
  }, 120_000);

  it.skipIf(!hasOpenssl)('speaks TLS with a self-signed certificate when the settings name one', async () => {
    const key = path.join(dir, 'key.pem');
    const cert = path.join(dir, 'cert.pem');
    const made = await run('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', key, '-out', cert, '-days', '2', '-subj', '/CN=localhost']);
    expect(made.code, made.out).toBe(0);
    const status = await node.station.api['dicom.settings.update']({ tls: { certFile: cert, keyFile: key, caFile: null } });
    expect(status.listener).toMatchObject({ state: 'listening', tls: true });
    const port = status.listener.port!;
    // Plain TCP no longer reaches it; TLS (trusting that certificate) does, for echo and store.
    expect((await echo(port)).code).not.toBe(0);
    const tls = ['+tla', '+cf', cert];
    const e = await echo(port, 'CAM1', 'STATION', tls);
    expect(e.code, e.out).toBe(0);
    const op = await makeOp({ dir, name: 'tls', laterality: 'R', seed: 31, syntax: 'explicit' });
    const s = await run('storescu', ['-v', ...tls, '-aet', 'CAM1', '-aec', 'STATION', '127.0.0.1', String(port), op]);
    expect(s.out).toMatch(/Received Store Response \(Success\)/);
    const failed = await node.station.api['dicom.settings.update']({ tls: { certFile: path.join(dir, 'missing.pem'), keyFile: key, caFile: null } });
    expect(failed.listener.state).toBe('failed');
    expect(failed.listener.problem).toMatch(/TLS certificate or key could not be read/);
    const back = await node.station.api['dicom.settings.update']({ tls: null });
    node.port = back.listener.port!;
  });
});

describe.skipIf(!hasDcmtk)('the headless host as a DICOM node', () => {
  it('listens with --dicom-port, --dicom-ae-title, --dicom-address and --dicom-camera', async () => {
    const data = tempDir('dicom-cli');
    const child = spawn(
      process.execPath,
      ['--disable-warning=ExperimentalWarning', 'src/main/headless/cli.ts', '--data', data, '--port', '0', '--renderer-dir', data, '--volumes-root', data, '--dicom-port', '0', '--dicom-ae-title', 'CLINODE', '--dicom-address', '127.0.0.1', '--dicom-camera', 'CAM9'],
      { cwd: repoRoot, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    try {
      const port = await new Promise<number>((resolve, reject) => {
        const lines = createInterface({ input: child.stdout! });
        lines.on('line', (line) => {
          const m = line.match(/^DICOM node CLINODE listening on 127\.0\.0\.1:(\d+)/);
          if (m) resolve(Number(m[1]));
        });
        child.once('exit', (code) => reject(new Error(`exited with ${code}`)));
      });
      expect((await echo(port, 'CAM9', 'CLINODE')).code).toBe(0);
      expect((await echo(port, 'CAM1', 'CLINODE')).out).toMatch(/Calling AE Title Not Recognized/);
      const op = await makeOp({ dir: data, name: 'cli', laterality: 'L', seed: 41 });
      expect((await send(port, [op], 'CAM9', 'CLINODE')).code).toBe(0);
    } finally {
      child.kill('SIGTERM');
      await new Promise((r) => child.once('exit', r));
    }
  });
});
