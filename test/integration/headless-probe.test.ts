// Probes the real headless host (a child process) with the malformed and hostile requests of
// issue 12: each must get its own plain answer, and the station must keep answering /api/health
// after every one of them. Raw sockets (node:net) where fetch would refuse or normalise a request.
import { mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { startHost, tempDir, waitFor, type RunningHost } from '../fixtures/headless.ts';
import { syntheticFundusJpeg } from '../fixtures/fundus.ts';
import { head, rawRequest, RawConnection, upgradeLines } from '../fixtures/raw-http.ts';

let host: RunningHost | null = null;
const started: RunningHost[] = [];

// A renderer folder of its own, so the probes do not depend on `npm run build` having run first
// (in `npm test` the unit and integration tests run before the build).
const rendererDir = tempDir('probe-renderer');
mkdirSync(path.join(rendererDir, 'assets'));
writeFileSync(path.join(rendererDir, 'index.html'), '<!doctype html><title>Capture Station</title><div id="root"></div>');
writeFileSync(path.join(rendererDir, 'assets', 'index.js'), 'console.log(1);');

/** The running host; a fresh one if a probe took the previous one down (so each probe is judged alone). */
beforeEach(async () => {
  if (!host || host.child.exitCode !== null || host.child.signalCode !== null) {
    host = await startHost({ extraArgs: ['--renderer-dir', rendererDir] });
    started.push(host);
  }
});

afterAll(async () => {
  for (const h of started) await h.stop();
});

const h = () => host!;
const port = () => Number(new URL(h().origin).port);
const bearer = () => `Authorization: Bearer ${h().token}`;

async function stillAnswers(): Promise<void> {
  const res = await fetch(`${h().origin}/api/health`, { headers: { authorization: `Bearer ${h().token}` } }).catch((e: Error) => e);
  expect(res instanceof Error ? `no answer: ${res.message}\n${h().output()}` : res.status).toBe(200);
}

async function probe(request: string | Buffer): Promise<{ status: number; body: string; headers: Record<string, string> }> {
  const res = await rawRequest(port(), request).catch((e: Error) => ({ status: 0, body: e.message, headers: {} }));
  await stillAnswers();
  return res;
}

const errorOf = (body: string) => (JSON.parse(body) as { error: { code: string; message: string; ref?: string } }).error;

describe('item 1: nothing on the WebSocket upgrade path stops the station', () => {
  it('refuses an upgrade whose token cookie holds a malformed percent-escape (401)', async () => {
    const res = await probe(head('GET', '/api/events', port(), [...upgradeLines, 'Cookie: capture_station_token=%E0%A4%A']));
    expect(res.status).toBe(401);
  });

  it('refuses an upgrade to //%zz/api/events: 401 without a token (?token= counts on /api/events only), 400 with one', async () => {
    expect((await probe(head('GET', '//%zz/api/events', port(), upgradeLines))).status).toBe(401);
    expect((await probe(head('GET', `//%zz/api/events?token=${h().token}`, port(), upgradeLines))).status).toBe(401);
    expect((await probe(head('GET', '//%zz/api/events', port(), [...upgradeLines, bearer()]))).status).toBe(400);
  });

  it('opens the WebSocket for the right token even beside an unrelated malformed cookie', async () => {
    const res = await probe(head('GET', `/api/events?token=${h().token}`, port(), [...upgradeLines, 'Cookie: other=%zz']));
    expect(res.status).toBe(101);
  });
});

describe('item 4: malformed percent-escapes are 400 (401 first when the token is missing)', () => {
  it('a malformed token cookie without any other token is 401', async () => {
    const res = await probe(head('GET', '/api/health', port(), ['Cookie: capture_station_token=%E0%A4%A']));
    expect(res.status).toBe(401);
    expect(errorOf(res.body).code).toBe('unauthorised');
  });

  it('an unrelated malformed cookie beside a good token does not matter', async () => {
    expect((await probe(head('GET', '/api/health', port(), [bearer(), 'Cookie: x=%E0%A4%A']))).status).toBe(200);
  });

  it.each([
    ['GET', '//%zz/api/health'],
    ['GET', '/media/thumb/%E0%A4%A'],
    ['GET', '/media/full/%zz'],
    ['POST', '/api/call/%E0%A4%A'],
    ['GET', '/assets/%E0%A4%A.js'],
    ['GET', '/%zz'],
  ])('%s %s with the token is 400, and 401 without it', async (method, target) => {
    const lines = method === 'POST' ? ['Content-Length: 2'] : [];
    const body = method === 'POST' ? '{}' : '';
    const withToken = await probe(head(method, target, port(), [bearer(), ...lines]) + body);
    expect(withToken.status).toBe(400);
    expect(errorOf(withToken.body).code).toBe('bad-input');
    expect((await probe(head(method, target, port(), lines) + body)).status).toBe(401);
  });
});

describe('item 6: a body too large gets 413 and the client is never left waiting', () => {
  /** Sends a too-large request and then GET /api/health on the same connection. */
  async function tooLarge(send: (c: RawConnection) => Promise<void>): Promise<void> {
    const c = await RawConnection.open(port());
    await send(c);
    await c.write(head('GET', '/api/health', port(), [bearer()]));
    const first = await c.response();
    if (first.headers.connection?.toLowerCase() === 'close') {
      expect((await c.closed).reset).toBe(false);
    } else {
      // Keep-alive was promised: the next request on this connection must be answered.
      expect((await c.response().catch((e: Error) => ({ status: e.message }))).status).toBe(200);
      c.destroy();
    }
    expect(first.status).toBe(413);
    await stillAnswers();
  }

  it('with a Content-Length over 1 MB', async () => {
    await tooLarge(async (c) => {
      const size = 1_100_000;
      await c.write(head('POST', '/api/call/station.info', port(), [bearer(), 'Content-Type: application/json', `Content-Length: ${size}`]));
      await c.write(Buffer.alloc(size, 0x20));
    });
  });

  it('with a chunked body that grows past 1 MB', async () => {
    await tooLarge(async (c) => {
      await c.write(head('POST', '/api/call/station.info', port(), [bearer(), 'Transfer-Encoding: chunked']));
      const chunk = Buffer.alloc(300_000, 0x20);
      for (let i = 0; i < 4; i++) await c.write(Buffer.concat([Buffer.from(`${chunk.length.toString(16)}\r\n`), chunk, Buffer.from('\r\n')]));
      await c.write('0\r\n\r\n');
    });
  });
});

describe('item 9: ?token= opens the page and the WebSocket only', () => {
  it.each([
    ['GET', '/api/health'],
    ['POST', '/api/call/station.info'],
    ['GET', '/media/thumb/x'],
  ])('%s %s?token= is 401', async (method, target) => {
    const lines = method === 'POST' ? ['Content-Length: 2'] : [];
    const res = await probe(head(method, `${target}?token=${h().token}`, port(), lines) + (method === 'POST' ? '{}' : ''));
    expect(res.status).toBe(401);
  });

  it('the page still opens with ?token= and sets the cookie its own requests use', async () => {
    const page = await probe(head('GET', `/?token=${h().token}`, port()));
    expect(page.status).toBe(200);
    const cookie = page.headers['set-cookie']!.split(';')[0]!;
    expect((await probe(head('GET', '/api/health', port(), [`Cookie: ${cookie}`]))).status).toBe(200);
  });
});

describe('item 5: an unexpected error is logged once with a reference the answer carries', () => {
  it('a thumbnail lost from the spool gives 500 with error.ref, and station.log has that ref and a stack', async () => {
    writeFileSync(path.join(h().watchDir, 'probe.jpg'), await syntheticFundusJpeg({ width: 600, height: 400, seed: 12 }));
    const image = await waitFor(
      async () => (await h().call<{ items: { id: string; sha256: string | null; status: string }[] }>('images.list', {})).items.find((i) => i.status === 'ready'),
      20_000,
      'the probe image',
    );
    const thumbs = path.join(h().dataDir, 'spool', 'thumbs', image.sha256!.slice(0, 2));
    for (const f of readdirSync(thumbs)) if (f.startsWith(image.sha256!)) rmSync(path.join(thumbs, f));

    const res = await probe(head('GET', `/media/thumb/${image.id}`, port(), [bearer()]));
    expect(res.status).toBe(500);
    const error = errorOf(res.body);
    expect(error.code).toBe('internal');
    expect(error.ref).toMatch(/^[A-Za-z0-9_-]{6,}$/);
    expect(error.message).toContain(error.ref);

    const logFile = path.join(h().dataDir, 'logs', 'station.log');
    const lines = await waitFor(() => {
      const found = readFileSync(logFile, 'utf8').split('\n').filter((l) => l.includes(error.ref!));
      return found.length ? found : undefined;
    }, 10_000, 'the log line');
    expect(lines).toHaveLength(1);
    const entry = JSON.parse(lines[0]!) as { ref: string; stack?: string; code?: string };
    expect(entry.stack).toMatch(/\n\s+at /);
    expect(entry.code).toBe('ENOENT');
    // Ids and codes only: the spool path (and so anything in a file name) is not in the log.
    expect(lines[0]).not.toContain(image.sha256!);
  });
});

describe('beyond the list', () => {
  it('closes a WebSocket that sends a large message (maxPayload), and the station goes on', async () => {
    const ws = new WebSocket(`${h().origin.replace('http', 'ws')}/api/events?token=${h().token}`, { headers: { origin: h().origin } });
    await new Promise<void>((resolve, reject) => {
      ws.once('open', () => resolve());
      ws.once('error', reject);
    });
    const closed = new Promise<number>((resolve) => ws.once('close', (code) => resolve(code)));
    ws.on('error', () => {});
    ws.send(Buffer.alloc(256 * 1024, 1));
    expect(await closed).toBe(1009);
    await stillAnswers();
  });

  it.each([
    ['[::1]', 403],
    ['localhost.', 403],
    ['evil.example', 403],
    ['127.0.0.1', 200],
    ['localhost', 200],
    ['LOCALHOST', 200],
  ])('Host %s:<port> is %i', async (name, status) => {
    expect((await probe(head('GET', '/api/health', port(), [bearer()], { host: `${name}:${port()}` }))).status).toBe(status);
  });

  it("gives the page a CSP whose connect-src names the port it listens on (started with port 0)", async () => {
    const res = await probe(head('GET', '/', port(), [bearer()]));
    expect(res.status).toBe(200);
    expect(res.headers['content-security-policy']).toContain(`connect-src 'self' ws://127.0.0.1:${port()} ws://localhost:${port()};`);
  });

  it('refuses a missing Host (Node itself, 400) and an Origin of null (403)', async () => {
    expect((await probe(head('GET', '/api/health', port(), [bearer()], { host: null }))).status).toBe(400);
    expect((await probe(head('GET', '/api/health', port(), [bearer(), 'Origin: null']))).status).toBe(403);
  });

  it.each(['/..%2f..%2fpackage.json', '/assets/..%2f..%2f..%2fpackage.json', '/%2e%2e/%2e%2e/package.json', '/media/thumb/..%2f..%2fstation.db'])(
    'keeps %s inside its folder (404)',
    async (target) => {
      expect((await probe(head('GET', target, port(), [bearer()]))).status).toBe(404);
    },
  );

  it.each(['__proto__', 'constructor', 'toString', '%00', 'station.info%2F..', 'a%20b'])('method name %s is 404', async (name) => {
    const res = await probe(head('POST', `/api/call/${name}`, port(), [bearer(), 'Content-Length: 2']) + '{}');
    expect(res.status).toBe(404);
  });

  it('answers deeply nested JSON with 400', async () => {
    const depth = 200_000;
    const body = '{"limit":' + '['.repeat(depth) + ']'.repeat(depth) + '}';
    const res = await probe(head('POST', '/api/call/images.list', port(), [bearer(), `Content-Length: ${body.length}`]) + body);
    expect(res.status).toBe(400);
  });

  it('answers huge headers with 431', async () => {
    const res = await probe(head('GET', '/api/health', port(), [bearer(), `X-Big: ${'a'.repeat(64 * 1024)}`]));
    expect(res.status).toBe(431);
  });

  it('answers HEAD like GET without a body, and other methods with 405', async () => {
    const headRes = await probe(head('HEAD', '/api/health', port(), [bearer()]));
    expect(headRes.status).toBe(200);
    expect(headRes.body).toBe('');
    const options = await probe(head('OPTIONS', '/', port(), [bearer()]));
    expect(options.status).toBe(405);
    expect((await probe(head('GET', '/api/call/station.info', port(), [bearer()]))).status).toBe(405);
  });

  it('refuses WebSockets beyond the limit with 503 and keeps the ones it has', async () => {
    const conns: RawConnection[] = [];
    try {
      let last = 0;
      for (let i = 0; i < 70 && last !== 503; i++) {
        const c = await RawConnection.open(port());
        conns.push(c);
        await c.write(head('GET', `/api/events?token=${h().token}`, port(), upgradeLines));
        last = (await c.response()).status;
      }
      expect(last).toBe(503);
      await stillAnswers();
    } finally {
      for (const c of conns) c.destroy();
    }
  });
});
