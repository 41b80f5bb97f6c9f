// The DICOM listener: a TCP (or TLS) server on the configured address and port, one StationScp
// per connection. dcmjs-dimse's own Server is not used: it cannot bind an address, reports no
// port when given 0, and does not let the station count connections or close them itself.
import { readFile } from 'node:fs/promises';
import net, { type AddressInfo, type Server as NetServer, type Socket } from 'node:net';
import tls from 'node:tls';
import type { DicomCamera, DicomNodeSettings } from '../../../shared/dicom-settings.ts';
import { newId } from '../kernel/ids.ts';
import type { Logger } from '../kernel/logger.ts';
import type { ActivityLog } from './activity.ts';
import type { DicomIntake } from './intake.ts';
import { createScp, type StationScp } from './scp.ts';
import type { DicomNodeActivity, FindWorklist } from './types.ts';

export type ListenerState = 'off' | 'listening' | 'failed';

export interface ListenerStatus {
  state: ListenerState;
  /** Why it is not listening (plain words), when it failed. */
  problem: string | null;
  address: string | null;
  port: number | null;
  tls: boolean;
  aeTitle: string;
  openAssociations: number;
  receiving: number;
  since: string | null;
}

export interface ListenerDeps {
  settings(): DicomNodeSettings;
  cameras(): DicomCamera[];
  accepting(): boolean;
  tmpDir: string;
  intake: DicomIntake;
  activity: ActivityLog;
  findWorklist(): FindWorklist | null;
  log: Logger;
}

export class DicomListener implements DicomNodeActivity {
  private readonly d: ListenerDeps;
  private server: NetServer | null = null;
  private readonly connections = new Set<StationScp>();
  private readonly work = new Set<Promise<unknown>>();
  private state: ListenerState = 'off';
  private problem: string | null = null;
  private since: string | null = null;
  private bound: AddressInfo | null = null;
  private tlsOn = false;

  constructor(deps: ListenerDeps) {
    this.d = deps;
  }

  busy(): boolean {
    for (const c of this.connections) if (c.receiving) return true;
    return false;
  }

  /** The port actually bound (port 0 picks a free one), or null when not listening. */
  port(): number | null {
    return this.bound?.port ?? null;
  }

  status(): ListenerStatus {
    const s = this.d.settings();
    let open = 0;
    let receiving = 0;
    for (const c of this.connections) {
      if (c.associated) open++;
      if (c.receiving) receiving++;
    }
    return {
      state: this.state,
      problem: this.problem,
      address: this.bound?.address ?? null,
      port: this.bound?.port ?? null,
      tls: this.tlsOn,
      aeTitle: s.aeTitle,
      openAssociations: open,
      receiving,
      since: this.since,
    };
  }

  async start(): Promise<void> {
    const settings = this.d.settings();
    if (!settings.enabled) {
      this.state = 'off';
      this.problem = null;
      return;
    }
    let server: NetServer;
    try {
      server = await this.createServer(settings);
    } catch (err) {
      return this.failed(`The TLS certificate or key could not be read (${(err as NodeJS.ErrnoException).code ?? 'error'}). Check the file paths in the DICOM settings.`, err);
    }
    try {
      await new Promise<void>((resolve, reject) => {
        server.once('error', reject);
        server.listen(settings.port, settings.address, () => {
          server.off('error', reject);
          resolve();
        });
      });
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      const message =
        code === 'EADDRINUSE'
          ? `Port ${settings.port} is already in use by another program, so cameras cannot reach the station. Choose another port in the DICOM settings (and on the cameras), or stop the other program.`
          : code === 'EACCES'
            ? `The station may not use port ${settings.port} (ports below 1024 need administrator rights). Choose a port from 1024 up, such as 11112.`
            : code === 'EADDRNOTAVAIL'
              ? `This computer has no network address ${settings.address}. Set the listening address to one of its addresses, or 0.0.0.0 for all.`
              : `The DICOM listener could not start (${code ?? 'error'}).`;
      return this.failed(message, err);
    }
    server.on('error', (err) => this.d.log.error({ code: (err as NodeJS.ErrnoException).code }, 'dicom listener error'));
    this.server = server;
    this.bound = server.address() as AddressInfo;
    this.state = 'listening';
    this.problem = null;
    this.since = new Date().toISOString();
    this.tlsOn = settings.tls !== null;
    this.d.log.info({ port: this.bound.port, tls: this.tlsOn }, 'dicom listener started');
  }

  /** Stops listening, closes every association (a transfer in progress is dropped, its temp file removed). */
  async stop(): Promise<void> {
    const server = this.server;
    this.server = null;
    this.bound = null;
    this.state = 'off';
    for (const c of this.connections) c.remote.destroy();
    if (server) await new Promise<void>((resolve) => server.close(() => resolve()));
    while (this.work.size) await Promise.allSettled([...this.work]);
    this.connections.clear();
  }

  async restart(): Promise<void> {
    await this.stop();
    await this.start();
  }

  private failed(message: string, err: unknown): void {
    this.state = 'failed';
    this.problem = message;
    this.bound = null;
    this.d.log.error({ code: (err as NodeJS.ErrnoException).code ?? (err as Error).name }, 'dicom listener could not start');
  }

  private async createServer(settings: DicomNodeSettings): Promise<NetServer> {
    const onSocket = (socket: Socket): void => this.connection(socket);
    if (!settings.tls) return net.createServer(onSocket);
    const [cert, key, ca] = await Promise.all([
      readFile(settings.tls.certFile),
      readFile(settings.tls.keyFile),
      settings.tls.caFile ? readFile(settings.tls.caFile) : null,
    ]);
    // With a CA file, cameras must present a certificate it signed (mutual TLS).
    const server = tls.createServer({ cert, key, ...(ca && { ca, requestCert: true, rejectUnauthorized: true }), minVersion: 'TLSv1.2' }, onSocket);
    server.on('tlsClientError', (err) => this.d.log.warn({ code: (err as NodeJS.ErrnoException).code ?? 'tls' }, 'dicom TLS handshake failed'));
    return server;
  }

  private connection(socket: Socket): void {
    const settings = this.d.settings();
    const idleMs = settings.idleTimeoutSeconds * 1000;
    socket.setNoDelay(true);
    const scp = createScp(
      socket,
      // Socket idle, no A-ASSOCIATE-RQ, and silence between PDUs: all bounded by the idle timeout.
      { connectTimeout: idleMs, associationTimeout: Math.min(idleMs, 30_000), pduTimeout: idleMs },
      {
        associationId: newId(),
        settings,
        cameras: this.d.cameras(),
        otherAssociations: () => [...this.connections].filter((c) => c !== scp && c.associated).length,
        accepting: this.d.accepting,
        tmpDir: this.d.tmpDir,
        intake: this.d.intake,
        findWorklist: this.d.findWorklist(),
        activity: this.d.activity,
        log: this.d.log,
        track: (w) => {
          this.work.add(w);
          const done = (): void => void this.work.delete(w);
          w.then(done, done);
        },
      },
    );
    this.connections.add(scp);
    socket.on('error', () => undefined); // reported through the Scp's networkError
    socket.on('close', () => this.connections.delete(scp));
  }
}
