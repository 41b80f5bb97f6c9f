// MD5 (what Azure checks a Put Blob against) and SHA-256 (the station's content id) of a spool
// file, in one streaming pass, for callers that did not keep them from ingest.
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';

export interface FileDigests {
  md5: Buffer;
  sha256: string; // hex
  size: number;
}

export async function digestFile(filePath: string): Promise<FileDigests> {
  const md5 = createHash('md5');
  const sha = createHash('sha256');
  let size = 0;
  for await (const chunk of createReadStream(filePath)) {
    const b = chunk as Buffer;
    md5.update(b);
    sha.update(b);
    size += b.length;
  }
  return { md5: md5.digest(), sha256: sha.digest('hex'), size };
}
