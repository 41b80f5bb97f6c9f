// Reading a camera's bytes into one buffer per connection, reused for every read. A Node socket
// otherwise allocates a fresh 64 KB buffer for each read (and shrinks it with a copy), so a 730 KB
// photo leaves about a dozen buffers behind, and with 200 photos in a burst the garbage collector
// marks the whole heap several times a second for them. `onread` (a net.Socket option) reads into
// a buffer the caller owns instead; Node offers it only for sockets it creates, so the accepted
// connection's handle is moved into a new socket that has it. This relies on the socket's `_handle`
// (not a public API): when it is not there (a TLS socket, another Node), the accepted socket is
// kept as it is and read as usual.
import { Socket } from 'node:net';
import { TLSSocket } from 'node:tls';

/** Bytes of the buffer each connection reads into: a whole 128 KB PDU (dcmsend's largest) fits. */
export const READ_BUFFER_BYTES = 256 * 1024;

/**
 * The accepted socket (from a server created with `pauseOnConnect`) as a socket that reads into
 * one reused buffer and hands each read to `onChunk`, a view valid only during the call; null when
 * that cannot be done, and then the accepted socket is resumed and reads as usual ('data' events).
 */
export function withReusedReadBuffer(accepted: Socket, onChunk: (chunk: Buffer) => void, size = READ_BUFFER_BYTES): Socket | null {
  const handle: unknown = Reflect.get(accepted, '_handle');
  if (accepted instanceof TLSSocket || !handle || typeof (handle as { readStart?: unknown }).readStart !== 'function' || accepted.readableLength > 0) {
    accepted.resume();
    return null;
  }
  const buffer = Buffer.allocUnsafeSlow(size);
  // The accepted socket lets go of the connection (its destroy() then closes nothing) and the new one takes it.
  Reflect.set(accepted, '_handle', null);
  accepted.destroy();
  const socket = new Socket({
    handle: handle as never,
    readable: true,
    writable: true,
    onread: {
      buffer,
      callback: (n: number, buf: Uint8Array) => {
        onChunk((buf as Buffer).subarray(0, n));
      },
    },
  } as unknown as ConstructorParameters<typeof Socket>[0]);
  socket.resume();
  return socket;
}
