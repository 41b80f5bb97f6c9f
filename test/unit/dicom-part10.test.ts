// The one File Meta reader (src/main/core/dicom/part10.ts readFileMeta) that the structure walk
// (walkDicom) and the PACS sender (readPart10Head) share: it reads what the listener writes in
// front of a received data set, and says whether a cut or broken group is truncated or malformed.
import { describe, expect, it } from 'vitest';
import { readFileMeta } from '../../src/main/core/dicom/part10.ts';
import { part10Header } from '../../src/main/core/dicom-node/file-meta.ts';
import { readPart10Head } from '../../src/main/core/pacs/dimse-client.ts';

const fields = { sopClassUid: '1.2.840.10008.5.1.4.1.1.77.1.5.1', sopInstanceUid: '1.2.3.4.5', transferSyntaxUid: '1.2.840.10008.1.2.4.50', sourceAe: 'CAM1' };
// One element of group 0008 after the header: where the data set starts.
const dataset = Buffer.from([0x08, 0x00, 0x16, 0x00, 0x55, 0x49, 0x02, 0x00, 0x31, 0x00]);

describe('readFileMeta', () => {
  it('reads the group the listener writes: its end and its values without padding', () => {
    const header = part10Header(fields);
    const meta = readFileMeta(Buffer.concat([header, dataset]), 132);
    expect(meta).toEqual({ end: header.length, values: expect.any(Map) });
    if ('problem' in meta) throw new Error('unreachable');
    expect(meta.values.get(0x0002)).toBe(fields.sopClassUid);
    expect(meta.values.get(0x0003)).toBe(fields.sopInstanceUid); // odd length: NUL-padded on disk
    expect(meta.values.get(0x0010)).toBe(fields.transferSyntaxUid);
    expect(meta.values.get(0x0016)).toBe('CAM1');
    const { sopClassUid, sopInstanceUid, transferSyntaxUid } = fields;
    expect(readPart10Head(Buffer.concat([header, dataset]))).toEqual({ sopClassUid, sopInstanceUid, transferSyntaxUid, datasetOffset: header.length });
  });

  it('ends where it starts when there is no group 0002', () => {
    expect(readFileMeta(dataset, 0)).toEqual({ end: 0, values: new Map() });
  });

  it('tells a group cut short from one that cannot be File Meta', () => {
    const header = part10Header(fields);
    expect(readFileMeta(header.subarray(0, header.length - 3), 132)).toMatchObject({ problem: 'truncated' });
    expect(readFileMeta(header.subarray(0, 132 + 5), 132)).toMatchObject({ problem: 'truncated' });
    const badVr = Buffer.from(header);
    badVr.write('\0\0', 132 + 4, 'latin1');
    expect(readFileMeta(badVr, 132)).toMatchObject({ problem: 'malformed' });
    expect(readPart10Head(badVr)).toBeNull();
    const undefinedLength = Buffer.from(header);
    // (0002,0000) is UL (short); the next, (0002,0001), is OB: a long length, here undefined.
    const ob = 132 + 12;
    undefinedLength.writeUInt32LE(0xffffffff, ob + 8);
    expect(readFileMeta(undefinedLength, 132)).toMatchObject({ problem: 'malformed' });
  });
});
