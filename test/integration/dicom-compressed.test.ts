// Compressed DICOM becomes visible (issue 13 item 4): JPEG 2000, JPEG-LS, RLE and lossless JPEG
// frames are decoded in the codec worker, and the thumbnail and quality hint come out like the
// JPEG the object was made from. The objects are made by DCMTK and GDCM, not by our own writer.
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import sharp from 'sharp';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { Station } from '../../src/main/core/station.ts';
import { silentLogger } from '../../src/main/core/kernel/logger.ts';
import { parseDicom } from '../../src/main/core/metadata/dicom.ts';
import { renderPreview } from '../../src/main/core/imaging/render.ts';
import { assessQuality } from '../../src/main/core/imaging/quality/index.ts';
import { readImage } from '../../src/main/core/metadata/index.ts';
import type { DecodableInput, RawImage } from '../../src/main/core/imaging/decode.ts';
import type { QualityResult } from '../../src/shared/domain.ts';
import { dicomToolsSkipReason, frameLevel, gdcmconv, hasDicomTools, multiFrameGrey, opFromJpeg } from '../fixtures/compressed-dicom.ts';
import { syntheticFundusJpeg } from '../fixtures/fundus.ts';
import { tempDir, waitFor } from '../fixtures/headless.ts';
import { hasSharedData, sharedDataSkipReason, sharedPath } from '../fixtures/shared-data.ts';

const assess = async (raw: RawImage): Promise<QualityResult | null> => assessQuality(raw);

/** A 64x48 greyscale version of a picture, for comparing what two previews show. */
const smallGrey = (jpeg: Buffer): Promise<Buffer> => sharp(jpeg).resize(64, 48, { fit: 'fill' }).greyscale().raw().toBuffer();

function meanAbsDiff(a: Buffer, b: Buffer): number {
  expect(a.length).toBe(b.length);
  let sum = 0;
  for (let i = 0; i < a.length; i++) sum += Math.abs(a[i]! - b[i]!);
  return sum / a.length;
}

async function stats(jpeg: Buffer): Promise<{ mean: number[]; stdev: number }> {
  const s = await sharp(jpeg).stats();
  return { mean: s.channels.slice(0, 3).map((c) => c.mean), stdev: Math.max(...s.channels.slice(0, 3).map((c) => c.stdev)) };
}

async function preview(file: string): Promise<DecodableInput> {
  const { preview: p } = await readImage(readFileSync(file), path.basename(file), []);
  if (p.kind === 'none') throw new Error(`${path.basename(file)}: ${p.reason}`);
  return p;
}

describe.skipIf(!hasSharedData)(`the real JPEG 2000 fundus photograph${hasSharedData ? '' : ` (skipped: ${sharedDataSkipReason})`}`, () => {
  it('gets a thumbnail that shows a fundus, and a quality hint', async () => {
    const input = await preview(sharedPath('dicom', 'wg04_VL4_J2KI_fundoscopy.dcm'));
    expect(input.kind).toBe('frame');
    const { thumbnail, quality } = await renderPreview(input, assess);
    const meta = await sharp(thumbnail).metadata();
    expect(Math.max(meta.width!, meta.height!)).toBe(512); // 2226x1868 decoded at a quarter, then fitted
    const { mean, stdev } = await stats(thumbnail);
    // Not blank, and a fundus: red over green over blue (YBR_ICT undone), with structure in it.
    expect(stdev).toBeGreaterThan(20);
    expect(mean[0]!).toBeGreaterThan(mean[1]! + 20);
    expect(mean[1]!).toBeGreaterThan(mean[2]!);
    expect(quality).not.toBeNull();
    expect(quality!.score).toBeGreaterThanOrEqual(0);
    expect(['good', 'check', 'retake']).toContain(quality!.verdict);
  });
});

describe.skipIf(!hasDicomTools)(`OP images compressed by GDCM${hasDicomTools ? '' : ` (skipped: ${dicomToolsSkipReason})`}`, () => {
  let dir: string;
  let jpeg: Buffer;
  const files = new Map<string, string>();

  beforeAll(async () => {
    dir = tempDir('codecs');
    // 2400x1800: the JPEG 2000 decode takes resolution level 2 (600x450) for the 512 px analysis image.
    jpeg = await syntheticFundusJpeg({ width: 2400, height: 1800, seed: 13, grain: 6, quality: 92 });
    const op = await opFromJpeg(jpeg, dir);
    files.set('baseline', op);
    const raw = await gdcmconv('raw', op, path.join(dir, 'raw.dcm'));
    files.set('raw', raw);
    // GDCM keeps the JPEG's YBR_FULL when it decompresses; an RGB copy covers the other colour model
    // (JPEG 2000 with its reversible colour transform, RLE in colour planes).
    const rgb = await gdcmconv('raw', raw, path.join(dir, 'rgb.dcm'), ['-P', 'RGB']);
    for (const enc of ['j2k', 'jpegls', 'rle', 'lossless'] as const) {
      files.set(enc, await gdcmconv(enc, raw, path.join(dir, `${enc}.dcm`)));
      files.set(`${enc}-rgb`, await gdcmconv(enc, rgb, path.join(dir, `${enc}-rgb.dcm`)));
    }
  }, 60_000);

  it('each encoding gives a thumbnail like the JPEG it was made from, and the same quality hint', async () => {
    const reference = await renderPreview({ kind: 'encoded', bytes: jpeg }, assess);
    const refGrey = await smallGrey(reference.thumbnail);
    expect(reference.quality).not.toBeNull();
    for (const [enc, file] of files) {
      if (enc === 'baseline') continue;
      const input = await preview(file);
      expect(input.kind, enc).toBe(enc === 'raw' ? 'raw' : 'frame');
      const { thumbnail, quality } = await renderPreview(input, assess);
      // Lossless encodings of the same pixels: what differs is libjpeg's vs GDCM's JPEG decode and
      // YBR->RGB rounding (about 1 level) and resampling from a different size (the J2K path
      // starts at 600 px, the others at 2400 px): measured 0.2-0.6 of 255. 2 leaves room for that;
      // YBR shown as RGB, swapped planes or a garbled decode measured 20 to 66.
      const diff = meanAbsDiff(await smallGrey(thumbnail), refGrey);
      expect(diff, enc).toBeLessThan(2);
      const [ours, theirs] = [await stats(thumbnail), await stats(reference.thumbnail)];
      for (let c = 0; c < 3; c++) expect(Math.abs(ours.mean[c]! - theirs.mean[c]!), `${enc} channel ${c}`).toBeLessThan(2);
      expect(quality?.verdict, enc).toBe(reference.quality!.verdict);
      expect(Math.abs(quality!.score - reference.quality!.score), enc).toBeLessThan(0.05);
    }
  });
});

describe.skipIf(!hasDicomTools)(`multi-frame objects${hasDicomTools ? '' : ` (skipped: ${dicomToolsSkipReason})`}`, () => {
  it('show their middle frame, uncompressed and in every compressed encoding', async () => {
    const dir = tempDir('frames');
    const native = path.join(dir, 'native.dcm');
    writeFileSync(native, multiFrameGrey(5)); // frames at grey 30, 70, 110, 150, 190
    const files: [string, string][] = [['native', native]];
    for (const enc of ['j2k', 'jpegls', 'rle', 'lossless'] as const) files.push([enc, await gdcmconv(enc, native, path.join(dir, `${enc}.dcm`))]);
    for (const [enc, file] of files) {
      const bytes = readFileSync(file);
      const parsed = parseDicom(bytes);
      expect(parsed.pixel.numberOfFrames, enc).toBe(5);
      const input = await preview(file);
      if (input.kind === 'frame') expect(input.frame.bytes.length, `${enc}: one frame, not all`).toBeLessThan(bytes.length / 3);
      const { thumbnail } = await renderPreview(input, null);
      const { mean } = await stats(thumbnail);
      expect(Math.abs(mean[0]! - frameLevel(2)), `${enc} shows frame 3 of 5`).toBeLessThan(5);
    }
  });
});

describe.skipIf(!hasDicomTools)(`a damaged compressed stream${hasDicomTools ? '' : ` (skipped: ${dicomToolsSkipReason})`}`, () => {
  let open: Station | null = null;
  afterEach(async () => {
    await open?.close();
    open = null;
  });

  it('is kept with "No preview: ...", and the station goes on taking pictures', async () => {
    const dir = tempDir('damaged');
    const op = await opFromJpeg(await syntheticFundusJpeg({ width: 800, height: 600, seed: 21 }), dir);
    const raw = await gdcmconv('raw', op, path.join(dir, 'raw.dcm'));
    const good = readFileSync(await gdcmconv('j2k', raw, path.join(dir, 'j2k.dcm')));
    const rle = readFileSync(await gdcmconv('rle', raw, path.join(dir, 'rle.dcm')));
    // The DICOM structure stays whole; the codestreams inside do not: the JPEG 2000 main header
    // (SOC, SIZ) is zeroed, and the RLE header claims segments beyond the frame.
    const j2kBroken = Buffer.from(good);
    const soc = j2kBroken.indexOf(Buffer.from([0xff, 0x4f, 0xff, 0x51]));
    expect(soc).toBeGreaterThan(0);
    j2kBroken.fill(0, soc, soc + 64);
    const rleBroken = Buffer.from(rle);
    const header = rleBroken.indexOf(Buffer.from([3, 0, 0, 0, 64, 0, 0, 0]));
    expect(header).toBeGreaterThan(0);
    rleBroken.writeUInt32LE(0x7fffffff, header + 8);

    const watch = tempDir('watch');
    const s = await Station.open({ dataDir: tempDir('data'), host: 'headless', version: 'test', urls, watch: [watch], logger: silentLogger() });
    open = s;
    writeFileSync(path.join(watch, 'broken-j2k.dcm'), j2kBroken);
    writeFileSync(path.join(watch, 'broken-rle.dcm'), rleBroken);
    for (const name of ['broken-j2k.dcm', 'broken-rle.dcm']) {
      const img = await waitFor(() => byName(s, name), 15_000, name);
      expect(img, name).toMatchObject({ status: 'ready', preview: 'none' });
      expect(img.previewNote, name).toMatch(/^No preview: .* The file is kept and will be sent as it is\.$/);
      expect(readFileSync(s.spool.pathFor(img.sha256!)).equals(name.includes('j2k') ? j2kBroken : rleBroken), name).toBe(true);
    }
    writeFileSync(path.join(watch, 'good.dcm'), good);
    expect(await waitFor(() => byName(s, 'good.dcm'), 15_000, 'good.dcm')).toMatchObject({ status: 'ready', preview: 'ok' });
  });
});

const urls = { thumb: (id: string) => `/t/${id}`, full: (id: string) => `/f/${id}` };
const byName = async (s: Station, name: string) => (await s.api['images.list']({ limit: 500 })).items.find((i) => i.fileName === name);
