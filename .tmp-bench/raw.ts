import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { createHash, randomUUID } from 'node:crypto';
import { ContainerClient } from '@azure/storage-blob';
import { startAzurite } from '/work/main/test/fixtures/azurite.ts';
import { syntheticFundusJpeg, withUniqueComment } from '/work/main/test/fixtures/fundus.ts';
import { tempDir } from '/work/main/test/fixtures/headless.ts';
import { createBlobUploader } from '/work/main/src/main/core/sync/blob-uploader.ts';
const base = await syntheticFundusJpeg({ width: 3000, height: 2000, seed: 300, grain: 32, quality: 92 });
const az = await startAzurite();
const N = 200, C = 8;
function files(tag: string) { const dir = tempDir('raw'); return Array.from({ length: N }, (_, i) => { const f = path.join(dir, `${i}.jpg`); const b = withUniqueComment(base, tag + i + randomUUID()); writeFileSync(f, b); return { f, md5: createHash('md5').update(b).digest() }; }); }
async function pool(fn: (i: number) => Promise<unknown>) { let next = 0; const t = performance.now(); await Promise.all(Array.from({ length: C }, async () => { while (next < N) await fn(next++); })); return N / ((performance.now() - t) / 1000); }
for (let r = 0; r < 3; r++) {
  for (const mode of ['sdk', 'uploader', 'sdk-md5']) {
    const c = `c-${mode}-${r}`; await az.createContainer(c);
    const fs = files(mode + r);
    let rate;
    if (mode === 'sdk') { const cc = new ContainerClient(az.writeOnlySasUrl(c)); rate = await pool((i) => cc.getBlockBlobClient(`${i}.jpg`).uploadFile(fs[i]!.f, { blobHTTPHeaders: { blobContentType: 'image/jpeg' } })); }
    else if (mode === 'sdk-md5') { const cc = new ContainerClient(az.writeOnlySasUrl(c)); rate = await pool((i) => cc.getBlockBlobClient(`${i}.jpg`).uploadFile(fs[i]!.f, { blobHTTPHeaders: { blobContentType: 'image/jpeg', blobContentMD5: fs[i]!.md5 }, conditions: { ifNoneMatch: '*' }, metadata: { a: 'b', localid: 'x' } })); }
    else { const u = createBlobUploader({ connectionString: az.writeOnlyConnectionString(c), container: c }); rate = await pool((i) => u.upload({ filePath: fs[i]!.f, blobName: `${i}.jpg`, contentType: 'image/jpeg', md5: fs[i]!.md5, metadata: { a: 'b' } })); }
    console.log(r, mode, rate.toFixed(1));
  }
}
await az.stop(); process.exit(0);
