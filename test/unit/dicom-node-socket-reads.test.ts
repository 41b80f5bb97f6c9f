// Reading an accepted connection into one reused buffer (dicom-node/socket-reads.ts), on real
// loopback TCP: every byte arrives, in order, each read a view of the same memory; the socket
// still writes back, and the server still closes once the connection has gone.
import net, { type Socket } from 'node:net';
import { once } from 'node:events';
import { afterEach, describe, expect, it } from 'vitest';
import { withReusedReadBuffer } from '../../src/main/core/dicom-node/socket-reads.ts';

const servers: net.Server[] = [];
afterEach(() => {
  for (const s of servers.splice(0)) s.close();
});

describe('reused read buffer', () => {
  it('delivers every byte through one buffer and still answers', async () => {
    const sent = Buffer.alloc(3 * 1024 * 1024);
    for (let i = 0; i < sent.length; i++) sent[i] = (i * 31 + (i >> 12)) & 0xff;
    const got: Buffer[] = [];
    const memories = new Set<ArrayBufferLike>();
    let adopted: Socket | null = null;
    const server = net.createServer({ pauseOnConnect: true }, (accepted) => {
      adopted = withReusedReadBuffer(accepted, (chunk) => {
        memories.add(chunk.buffer);
        got.push(Buffer.from(chunk)); // a view: copied before the next read reuses it
      }, 64 * 1024);
      adopted?.on('end', () => adopted!.end('done'));
    });
    servers.push(server);
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    const client = net.connect((server.address() as net.AddressInfo).port, '127.0.0.1');
    await once(client, 'connect');
    client.end(sent);
    const [reply] = (await once(client, 'data')) as [Buffer];
    expect(reply.toString()).toBe('done');
    expect(adopted).not.toBeNull();
    expect(Buffer.concat(got).equals(sent)).toBe(true);
    expect(got.length).toBeGreaterThan(1);
    expect(memories.size).toBe(1);
    await once(client, 'close');
    server.close();
    await once(server, 'close');
  });
});
