// The listener's own PDU reader (dicom-node/pdu-reader.ts): whole PDUs whatever the chunking,
// views rather than copies when a PDU lies in one chunk, and a PDU longer than announced or of an
// unknown type refused from its header.
import { describe, expect, it } from 'vitest';
import { PduError, PduReader } from '../../src/main/core/dicom-node/pdu-reader.ts';

function pdu(type: number, length: number, fill: number): Buffer {
  const b = Buffer.alloc(6 + length, fill);
  b.writeUInt8(type, 0);
  b.writeUInt8(0, 1);
  b.writeUInt32BE(length, 2);
  return b;
}

function read(stream: Buffer, chunk: number, max = 1 << 20): Buffer[] {
  const out: Buffer[] = [];
  const r = new PduReader(max, (p) => out.push(Buffer.from(p)));
  for (let i = 0; i < stream.length; i += chunk) r.push(stream.subarray(i, i + chunk));
  expect(r.buffered).toBe(0);
  return out;
}

describe('PDU reader', () => {
  const pdus = [pdu(1, 60, 0x11), pdu(4, 16_000, 0x44), pdu(4, 3, 0x45), pdu(4, 131_066, 0x46), pdu(5, 4, 0x55), pdu(7, 4, 0x77)];
  const stream = Buffer.concat(pdus);

  it('gives every PDU whole and in order, whatever the chunk size (split headers included)', () => {
    for (const chunk of [1, 2, 5, 6, 7, 1000, 65_536, stream.length]) expect(read(stream, chunk)).toEqual(pdus);
  });

  it('hands a PDU that lies within one chunk on as a view of that chunk (no copy)', () => {
    const seen: Buffer[] = [];
    const r = new PduReader(1 << 20, (p) => seen.push(p));
    r.push(stream);
    expect(seen).toHaveLength(pdus.length);
    for (const p of seen) expect(p.buffer).toBe(stream.buffer);
  });

  it('refuses a PDU longer than the announced maximum from its header, before buffering it', () => {
    const r = new PduReader(16_384, () => undefined);
    const big = pdu(4, 16_385, 0);
    expect(() => r.push(big.subarray(0, 6))).toThrow(PduError);
    expect(r.buffered).toBe(0);
    expect(() => r.push(big.subarray(6))).toThrow(/over the 16384 announced/);
  });

  it('refuses an unknown PDU type', () => {
    const r = new PduReader(1 << 20, () => undefined);
    try {
      r.push(Buffer.from('GET / HTTP/1.1\r\n'));
      expect.unreachable();
    } catch (err) {
      expect((err as PduError).problem).toBe('unknown-type');
    }
  });
});
