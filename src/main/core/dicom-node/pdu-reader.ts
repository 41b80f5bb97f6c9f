// Cuts the bytes of one DICOM Upper Layer connection into whole PDUs (PS3.8 9.3: a 1-byte type,
// a reserved byte, a 4-byte big endian length, then that many bytes). It replaces dcmjs-dimse's own
// accumulator, which concatenates the whole buffered PDU with every new socket chunk (a PDU
// arriving in n chunks is copied n times, quadratic in its size, and each copy is garbage): here a
// PDU inside one chunk is a view of that chunk (no copy), and one spread over several chunks is
// copied once, when its last byte arrives. A PDU is never held past its declared length, and one
// longer than the station announced (its Maximum Length Received) or of an unknown type is an
// error before any of it is buffered.

/** A-ASSOCIATE-RQ, -AC, -RJ, P-DATA-TF, A-RELEASE-RQ, -RP, A-ABORT. */
const PDU_TYPES = new Set([1, 2, 3, 4, 5, 6, 7]);
const HEADER = 6;

export type PduProblem = 'unknown-type' | 'too-long';

export class PduError extends Error {
  readonly problem: PduProblem;
  constructor(problem: PduProblem, detail: string) {
    super(detail);
    this.name = 'PduError';
    this.problem = problem;
  }
}

export class PduReader {
  private readonly maxLength: number;
  private readonly onPdu: (pdu: Buffer) => void;
  /** The PDU being gathered: its parts, their bytes, and its whole size (header included; -1 until the header is in). */
  private parts: Buffer[] = [];
  private have = 0;
  private need = -1;
  private failed: PduError | null = null;

  /** `maxLength`: the longest PDU (after its 6-byte header) accepted. */
  constructor(maxLength: number, onPdu: (pdu: Buffer) => void) {
    this.maxLength = maxLength;
    this.onPdu = onPdu;
  }

  /** Bytes of an unfinished PDU held now. */
  get buffered(): number {
    return this.have;
  }

  /** Feeds the next bytes from the socket; calls onPdu for each whole PDU, in order. Throws PduError. */
  push(chunk: Buffer): void {
    if (this.failed) throw this.failed;
    try {
      this.take(chunk);
    } catch (err) {
      if (err instanceof PduError) {
        this.failed = err;
        this.parts = [];
        this.have = 0;
      }
      throw err;
    }
  }

  private take(chunk: Buffer): void {
    let rest = chunk;
    while (rest.length > 0) {
      if (this.have === 0 && rest.length >= HEADER) {
        const size = HEADER + this.length(rest);
        if (rest.length >= size) {
          // The whole PDU is in this chunk: a view, no copy.
          const pdu = rest.subarray(0, size);
          rest = rest.subarray(size);
          this.onPdu(pdu);
          continue;
        }
        this.need = size;
      }
      if (this.need < 0) {
        // The header itself is split: a few bytes are copied to read it.
        const missing = HEADER - this.have;
        if (rest.length < missing) {
          this.gather(rest);
          return;
        }
        this.need = HEADER + this.length(Buffer.concat([...this.parts, rest.subarray(0, missing)], HEADER));
      }
      const part = rest.subarray(0, Math.min(this.need - this.have, rest.length));
      rest = rest.subarray(part.length);
      this.gather(part);
      if (this.have < this.need) return;
      const pdu = this.parts.length === 1 ? this.parts[0] : Buffer.concat(this.parts, this.need);
      this.parts = [];
      this.have = 0;
      this.need = -1;
      this.onPdu(pdu);
    }
  }

  private gather(part: Buffer): void {
    this.parts.push(part);
    this.have += part.length;
  }

  /** The PDU's declared length, checked (its type too) before any of it is kept. */
  private length(header: Buffer): number {
    const type = header[0];
    if (!PDU_TYPES.has(type)) throw new PduError('unknown-type', `Unknown PDU type: ${type}`);
    const length = header.readUInt32BE(2);
    if (length > this.maxLength) throw new PduError('too-long', `PDU of ${length} bytes, over the ${this.maxLength} announced`);
    return length;
  }
}
