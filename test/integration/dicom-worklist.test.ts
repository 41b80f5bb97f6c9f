// The worklist server (MWL C-FIND SCP) and exact linking, end to end, with DCMTK as the camera
// (issue 13 item 2): a real Station with its DICOM listener on loopback, orders made through its api
// (walk-ins) and its worklist folder (a provider), `findscu -W` with query files made by `dump2dcm`,
// responses read back with `dcmdump`, and an OP image made by `img2dcm` carrying the item's
// StudyInstanceUID sent with `dcmsend`.
import { execFile } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Station } from '../../src/main/core/station.ts';
import { silentLogger } from '../../src/main/core/kernel/logger.ts';
import { localDateString } from '../../src/shared/dates.ts';
import { tempDir, waitFor } from '../fixtures/headless.ts';
import { syntheticFundusJpeg } from '../fixtures/fundus.ts';
import { dcmtkSkipReason, hasDcmtk } from '../fixtures/storescp.ts';

const run = promisify(execFile);
const urls = { thumb: (id: string) => `/t/${id}`, full: (id: string) => `/f/${id}` };

const ymd = (offsetDays = 0) => localDateString(new Date(Date.now() + offsetDays * 86_400_000)).replace(/-/g, '');
const TODAY = ymd();
const PROVIDER_UID = '1.2.826.0.1.3680043.9.7777.1';

/** A DCMTK dump: top-level lines, then the step item's lines (null: no sequence asked). */
function dump(top: string[], step: string[] | null): string {
  const lines = [...top];
  if (step) lines.push('(0040,0100) SQ (Sequence with undefined length)', '(fffe,e000) na (Item with undefined length)', ...step, '(fffe,e00d) na', '(fffe,e0dd) na');
  return `${lines.join('\n')}\n`;
}

describe.skipIf(!hasDcmtk)(hasDcmtk ? 'worklist server and exact linking, with DCMTK as the camera' : `worklist server: skipped, ${dcmtkSkipReason}`, () => {
  let s: Station;
  let port = 0;
  let work = '';
  let n = 0;
  let anna = '';

  /**
   * Makes the query file with dump2dcm, runs findscu -W, returns each response's raw bytes and its
   * dcmdump text. dcmdump prints text values as their bytes (its +U8 would convert them to UTF-8 and
   * rewrite the character set it shows), so the text is decoded here in the set the camera expects.
   */
  async function find(callingAe: string, top: string[], step: string[] | null, encoding: BufferEncoding = 'utf8'): Promise<{ text: string; bytes: Buffer }[]> {
    const dir = path.join(work, `q${++n}`);
    mkdirSync(dir);
    writeFileSync(path.join(dir, 'q.dump'), dump(top, step));
    await run('dump2dcm', [path.join(dir, 'q.dump'), path.join(dir, 'q.dcm')]);
    await run('findscu', ['-W', '-aet', callingAe, '-aec', 'CAPTURE', '127.0.0.1', String(port), path.join(dir, 'q.dcm'), '-X', '-od', dir]);
    const files = readdirSync(dir).filter((f) => f.startsWith('rsp')).sort();
    return Promise.all(
      files.map(async (f) => ({
        text: (await run('dcmdump', [path.join(dir, f)], { encoding: 'buffer' })).stdout.toString(encoding),
        bytes: readFileSync(path.join(dir, f)),
      })),
    );
  }
  const value = (text: string, tag: string): string | null => new RegExp(`\\(${tag}\\) \\w\\w \\[([^\\]]*)\\]`, 'i').exec(text)?.[1] ?? null;
  const patientIds = (rs: { text: string }[]) => rs.map((r) => value(r.text, '0010,0020')).sort();

  beforeAll(async () => {
    work = tempDir('mwl');
    const wlDir = path.join(work, 'worklist');
    mkdirSync(wlDir);
    // Two provider items: one for any camera here (with its own accession and UID), one for another station.
    for (const [file, id, name, ae, extra] of [
      ['prov.wl', 'PROV-1', 'Provider^Paula', '', [`(0008,0050) SH [PROV-ACC-1]`, `(0020,000d) UI [${PROVIDER_UID}]`]],
      ['ct.wl', 'CT-9', 'Elsewhere^Carl', 'CT_ROOM2', []],
    ] as const) {
      const text = dump(
        ['(0008,0005) CS [ISO_IR 192]', `(0010,0010) PN [${name}]`, `(0010,0020) LO [${id}]`, '(0010,0040) CS [M]', ...extra],
        ['(0008,0060) CS [OP]', ...(ae ? [`(0040,0001) AE [${ae}]`] : []), `(0040,0002) DA [${TODAY}]`, '(0040,0003) TM [100000]'],
      );
      writeFileSync(path.join(work, `${file}.dump`), text);
      await run('dump2dcm', ['+te', path.join(work, `${file}.dump`), path.join(wlDir, file)]);
    }

    s = await Station.open({
      dataDir: tempDir('data'),
      host: 'headless',
      version: 'test',
      urls,
      watch: [],
      logger: silentLogger(),
      quality: false,
      dicom: { port: 0, aeTitle: 'CAPTURE', address: '127.0.0.1', cameras: ['FUNDUS1', 'NOSSAET'] },
    });
    s.dicom.saveCamera({ aeTitle: 'LATIN1CAM', name: 'Old camera', host: null, charset: 'latin1', defaultModality: 'OP', worklistStationAeTitle: null }, null);
    port = (await s.api['dicom.status']({})).listener.port!;

    await s.api['operators.add']({ name: 'Op' });
    const walkIn = (patientId: string, name: string) => ({
      patientId,
      name,
      birthDate: '1956-04-30',
      sex: 'F' as const,
      scheduledAt: new Date().toISOString(),
      site: null,
      externalOrderId: null,
      accessionNumber: null,
    });
    const a = await s.api['orders.create']({ order: walkIn('MU-1', 'Müller, Anna'), allowDuplicate: false });
    const b = await s.api['orders.create']({ order: walkIn('SM-2', 'Smith, John'), allowDuplicate: false });
    if (!a.created || !b.created) throw new Error('orders not created');
    anna = a.order.id;
    await s.api['worklist.settings.update']({ folder: { enabled: true, path: wlDir, pollSeconds: 3600 } });
    await s.api['worklist.refresh']({});
    await waitFor(async () => (await s.api['worklist.list']({})).items.length === 4 || undefined, 10_000, 'provider orders');
  });

  afterAll(async () => {
    await s?.close();
  });

  it('a date range: today\'s items (walk-ins and the provider\'s), none for a range that ends yesterday', async () => {
    const step = (range: string) => ['(0008,0060) CS [OP]', '(0040,0001) AE [FUNDUS1]', `(0040,0002) DA [${range}]`];
    expect(patientIds(await find('FUNDUS1', ['(0010,0020) LO []'], step(`${ymd(-1)}-${ymd(1)}`)))).toEqual(['MU-1', 'PROV-1', 'SM-2']);
    expect(await find('FUNDUS1', ['(0010,0020) LO []'], step(`-${ymd(-1)}`))).toEqual([]);
  });

  it('a name wildcard, without case or accents', async () => {
    const rs = await find('FUNDUS1', ['(0010,0010) PN [mul*]', '(0010,0020) LO []'], ['(0040,0002) DA []']);
    expect(patientIds(rs)).toEqual(['MU-1']);
    expect(value(rs[0]!.text, '0010,0010')).toBe('Müller^Anna');
  });

  it('a camera that sends no Scheduled Station AE Title gets only this station\'s items', async () => {
    const rs = await find('NOSSAET', ['(0010,0020) LO []'], ['(0040,0001) AE []', `(0040,0002) DA [${TODAY}]`]);
    expect(patientIds(rs)).toEqual(['MU-1', 'PROV-1', 'SM-2']);
    // The other station's item exists: asked for by its AE title, it comes back.
    expect(patientIds(await find('NOSSAET', ['(0010,0020) LO []'], ['(0040,0001) AE [CT_ROOM2]']))).toContain('CT-9');
  });

  it('a Latin-1 camera: ISO_IR 100 and the name in Latin-1 bytes (dcmdump reads it back)', async () => {
    const [r] = await find('LATIN1CAM', ['(0010,0010) PN [M*]', '(0010,0020) LO [MU-1]'], null, 'latin1');
    expect(value(r!.text, '0008,0005')).toBe('ISO_IR 100');
    expect(value(r!.text, '0010,0010')).toBe('Müller^Anna');
    expect(r!.bytes.includes(Buffer.from([0x4d, 0xfc, 0x6c, 0x6c, 0x65, 0x72]))).toBe(true); // "Müller" in Latin-1
    expect(r!.bytes.includes(Buffer.from('Müller', 'utf8'))).toBe(false);
  });

  it('only the requested keys come back, step attributes inside the sequence', async () => {
    const [r] = await find('FUNDUS1', ['(0010,0010) PN []', '(0010,0020) LO [SM-2]'], ['(0008,0060) CS []', '(0040,0002) DA []']);
    const dataSet = r!.text.slice(r!.text.indexOf('# Dicom-Data-Set'));
    const tags = (indent: string) =>
      dataSet
        .split('\n')
        .filter((l) => new RegExp(`^${indent}\\([0-9a-f]{4},[0-9a-f]{4}\\)`, 'i').test(l) && !/^\s*\(fffe,/i.test(l))
        .map((l) => l.trim().slice(1, 10).toLowerCase());
    expect(tags('')).toEqual(['0008,0005', '0010,0010', '0010,0020', '0040,0100']);
    expect(tags('\\s+')).toEqual(['0008,0060', '0040,0002']);
    expect(value(r!.text, '0008,0060')).toBe('OP');
  });

  it('a provider order keeps its own accession number and Study Instance UID', async () => {
    const [r] = await find('FUNDUS1', ['(0010,0020) LO [PROV-1]', '(0008,0050) SH []', '(0020,000d) UI []'], null);
    expect(value(r!.text, '0008,0050')).toBe('PROV-ACC-1');
    expect(value(r!.text, '0020,000d')).toBe(PROVIDER_UID);
  });

  it('end to end: an OP image with the item\'s StudyInstanceUID, sent by dcmsend, lands in the right eye of that exam', async () => {
    const [item] = await find('FUNDUS1', ['(0010,0020) LO [MU-1]', '(0020,000d) UI []', '(0008,0050) SH []'], ['(0040,0009) SH []']);
    const uid = value(item!.text, '0020,000d')!;
    expect(uid).toMatch(/^2\.25\.\d+$/);
    const jpeg = path.join(work, 'photo.jpg');
    writeFileSync(jpeg, await syntheticFundusJpeg({ width: 640, height: 480, seed: 7 }));
    const op = path.join(work, 'op.dcm');
    // The camera copies the item's UID and patient id into the image, as IHE scheduled workflow says.
    await run('img2dcm', [
      '-oph',
      '-k', 'AcquisitionDeviceTypeCodeSequence[0].CodeValue=409899009',
      '-k', 'AcquisitionDeviceTypeCodeSequence[0].CodingSchemeDesignator=SCT',
      '-k', 'AcquisitionDeviceTypeCodeSequence[0].CodeMeaning=Fundus Camera',
      '-k', `StudyInstanceUID=${uid}`,
      '-k', 'ImageLaterality=R',
      '-k', 'PatientID=MU-1',
      jpeg,
      op,
    ]);
    await run('dcmsend', ['-aet', 'FUNDUS1', '-aec', 'CAPTURE', '127.0.0.1', String(port), op]);
    const exam = await waitFor(async () => {
      const e = await s.api['exam.get']({ orderId: anna });
      return e.eyes.OD.images.length ? e : undefined;
    }, 20_000, 'the image in the exam');
    const img = exam.eyes.OD.images[0]!;
    expect(img.matchRule).toBe('study-uid');
    expect(img.matchConfidence).toBe('strong');
    expect(exam.eyes.OS.images).toEqual([]);
  });
});
