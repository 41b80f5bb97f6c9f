// The thin adapter over dcmjs-dimse's Scp: one instance per TCP (or TLS) connection. Every
// decision is made elsewhere (association-policy.ts, negotiation.ts, intake.ts, store-status.ts);
// this file turns them into PDUs and DIMSE responses, streams C-STORE data sets to the spool
// (receiver.ts) and keeps the connection's state for busy() and the activity log.
import { createRequire } from 'node:module';
import { lookup } from 'node:dns/promises';
import { isIP, type Socket } from 'node:net';
import type { association as assoc, Dataset as DatasetType, requests, responses } from 'dcmjs-dimse';
import type { DicomCamera, DicomNodeSettings } from '../../../shared/dicom-settings.ts';
import type { Logger } from '../kernel/logger.ts';
import { decideAssociation, findCamera, normaliseAe } from './association-policy.ts';
import { decideContext, STORAGE_CLASSES } from './negotiation.ts';
import { part10Header } from './file-meta.ts';
import { syntaxOfTransfer } from '../dicom/vocabulary.ts';
import { pixelPlan, type DicomIntake } from './intake.ts';
import { SpoolReceiver } from './receiver.ts';
import { PduError, PduReader } from './pdu-reader.ts';
import type { ActivityLog } from './activity.ts';
import type { FindWorklist } from './types.ts';

export const dimse = createRequire(import.meta.url)('dcmjs-dimse') as typeof import('dcmjs-dimse');
// Its own logger writes every PDU to the console; the station logs ids, codes and counts itself.
dimse.log.setLevel('silent');

const { Status, PresentationContextResult: PcResult } = dimse.constants;

/**
 * The longest PDU the station receives, announced in its A-ASSOCIATE-AC (Maximum Length Received,
 * PS3.8 D.1.1): a camera then sends its data set in PDUs up to this size instead of its own
 * default (dcmsend: 16 KB), so a 730 KB photo is one or a few PDUs rather than 45.
 */
export const RECEIVE_MAX_PDU = 1024 * 1024;

/** What one connection needs from the listener. */
export interface ScpContext {
  associationId: string;
  settings: DicomNodeSettings;
  cameras: readonly DicomCamera[];
  /** Associations open on other connections now. */
  otherAssociations(): number;
  accepting(): boolean;
  tmpDir: string;
  intake: DicomIntake;
  findWorklist: FindWorklist | null;
  activity: ActivityLog;
  log: Logger;
  /** A C-STORE's work (receive + decide), so that stop() can wait for it. */
  track(work: Promise<unknown>): void;
}

type Ctx = assoc.PresentationContext;
type CStoreRequest = requests.CStoreRequest;

/** An extra argument after the library's own: dcmjs-dimse's Server is not used (see listener.ts). */
export function createScp(socket: Socket, opts: Record<string, unknown>, ctx: ScpContext): StationScp {
  return new StationScp(socket, opts, ctx);
}

export class StationScp extends dimse.Scp {
  readonly ctx: ScpContext;
  readonly remote: Socket;
  callingAe = '';
  calledAe = '';
  camera: DicomCamera | null = null;
  associated = false;
  private readonly receivers = new WeakMap<CStoreRequest, SpoolReceiver>();
  private readonly open = new Set<SpoolReceiver>();

  constructor(socket: Socket, opts: Record<string, unknown>, ctx: ScpContext) {
    super(socket, opts);
    this.ctx = ctx;
    this.remote = socket;
    // Server-side sockets are connected already: start the association timer the library keys on.
    const self = this as unknown as { connected: boolean; connectedTime: number };
    self.connected = true;
    self.connectedTime = Date.now();
    this.readPdusOurselves(socket);
    this.on('networkError', (err: Error) => {
      ctx.log.warn({ associationId: ctx.associationId, callingAe: this.callingAe || undefined, code: err.message.includes('timeout') ? 'timeout' : 'network' }, 'dicom connection closed after an error');
      socket.destroy();
    });
    socket.on('close', () => {
      // The peer went away mid-object: the receivers remove their temp files.
      for (const r of this.open) r.destroy();
      this.open.clear();
    });
  }

  /**
   * The library's accumulator copies a PDU once per socket chunk it arrives in (quadratic for a
   * large PDU); ours (pdu-reader.ts) copies it at most once and refuses one over RECEIVE_MAX_PDU.
   * Its 'data' listener is swapped for ours; each whole PDU goes to the library's own parser.
   */
  private readPdusOurselves(socket: Socket): void {
    const theirs = socket.listeners('data');
    // Not the library this was written against (pinned 0.3.3): keep its own reader.
    if (theirs.length !== 1 || typeof Reflect.get(this, '_processPdu') !== 'function') return;
    socket.off('data', theirs[0] as (chunk: Buffer) => void);
    const lib = this as unknown as { lastPduTime?: number; statistics: { addBytesReceived(n: number): void } };
    // The library's own parser of one whole PDU (what its accumulator calls).
    const processPdu = (Reflect.get(this, '_processPdu') as (pdu: Buffer) => Promise<void>).bind(this);
    const reader = new PduReader(RECEIVE_MAX_PDU, (pdu) => {
      lib.lastPduTime = Date.now();
      void processPdu(pdu);
    });
    socket.on('data', (chunk: Buffer) => {
      lib.statistics.addBytesReceived(chunk.length);
      if (socket.destroyed) return;
      try {
        reader.push(chunk);
      } catch (err) {
        if (!(err instanceof PduError)) throw err;
        this.ctx.log.warn({ associationId: this.ctx.associationId, callingAe: this.callingAe || undefined, code: err.problem }, 'dicom connection aborted: a PDU the station cannot take');
        const { AbortSource, AbortReason } = dimse.constants;
        this.sendAbort(AbortSource.ServiceProvider, err.problem === 'unknown-type' ? AbortReason.UnrecognizedPdu : AbortReason.InvalidPduParameter);
        socket.destroySoon();
      }
    });
  }

  /**
   * The AC's Maximum Length Received is what the station receives (RECEIVE_MAX_PDU). The library
   * would echo the smaller of the peer's and its own 256 KB; the association's value stays the
   * peer's afterwards, as it bounds the PDUs the station sends (responses, worklist items).
   */
  override sendAssociationAccept(): void {
    const a = (this as unknown as { association: assoc.Association }).association;
    const peerReceives = a.getMaxPduLength();
    const libraryMax = dimse.Implementation.getMaxPduLength();
    a.setMaxPduLength(RECEIVE_MAX_PDU);
    dimse.Implementation.setMaxPduLength(RECEIVE_MAX_PDU);
    try {
      super.sendAssociationAccept();
    } finally {
      dimse.Implementation.setMaxPduLength(libraryMax);
      a.setMaxPduLength(peerReceives);
    }
  }

  /** True while a C-STORE data set is being received on this connection. */
  get receiving(): boolean {
    return this.open.size > 0;
  }

  override associationRequested(association: assoc.Association): void {
    void this.decideAssociation(association).catch((err: unknown) => {
      this.ctx.log.error({ associationId: this.ctx.associationId, code: (err as Error).name }, 'dicom association could not be decided');
      this.remote.destroy();
    });
  }

  private async decideAssociation(association: assoc.Association): Promise<void> {
    const { ctx } = this;
    this.callingAe = normaliseAe(association.getCallingAeTitle());
    this.calledAe = normaliseAe(association.getCalledAeTitle());
    const remoteAddress = this.remote.remoteAddress ?? null;
    const known = findCamera(ctx.cameras, this.callingAe);
    const resolved = known?.host && !isIP(known.host) ? await resolveHost(known.host) : null;
    const decision = decideAssociation(
      { calledAe: this.calledAe, callingAe: this.callingAe, remoteAddress, openAssociations: ctx.otherAssociations() },
      ctx.settings,
      ctx.cameras,
      resolved,
    );
    if (!decision.accept) {
      ctx.activity.association(this.callingAe, remoteAddress, decision.message);
      ctx.log.warn({ associationId: ctx.associationId, callingAe: this.callingAe, calledAe: this.calledAe, code: decision.code }, 'dicom association refused');
      this.sendAssociationReject(decision.reject.result, decision.reject.source, decision.reject.reason);
      this.remote.end();
      return;
    }
    this.camera = decision.camera;
    const accepted: string[] = [];
    for (const { id } of association.getPresentationContexts()) {
      const context: Ctx = association.getPresentationContext(id);
      // A copy: the library's list is live, and setResult truncates it.
      const proposed = [...context.getTransferSyntaxUids()];
      const d = decideContext(context.getAbstractSyntaxUid(), proposed);
      if (d.accept) {
        context.setResult(PcResult.Accept, d.transferSyntaxUid);
        accepted.push(d.transferSyntaxUid);
      } else {
        context.setResult(d.reason === 'abstract-syntax-not-supported' ? PcResult.RejectAbstractSyntaxNotSupported : PcResult.RejectTransferSyntaxesNotSupported);
      }
    }
    this.associated = true;
    ctx.activity.association(this.callingAe, remoteAddress, null);
    ctx.log.info({ associationId: ctx.associationId, callingAe: this.callingAe, contexts: association.getPresentationContexts().length, accepted: accepted.length }, 'dicom association accepted');
    this.sendAssociationAccept();
  }

  override associationReleaseRequested(): void {
    this.sendAssociationReleaseResponse();
  }

  override abort(): void {
    this.ctx.log.warn({ associationId: this.ctx.associationId, callingAe: this.callingAe }, 'dicom association aborted by the peer');
    this.remote.destroy();
  }

  override cEchoRequest(request: requests.CEchoRequest, callback: (response: responses.CEchoResponse) => void): void {
    const response = dimse.responses.CEchoResponse.fromRequest(request);
    response.setStatus(Status.Success);
    this.ctx.activity.echo(this.callingAe);
    callback(response);
  }

  override cFindRequest(request: requests.CFindRequest, callback: (responses: responses.CFindResponse[]) => void): void {
    const { ctx } = this;
    ctx.activity.worklistQuery(this.callingAe);
    const fail = (comment: string): void => {
      const response = dimse.responses.CFindResponse.fromRequest(request);
      response.setAffectedSopClassUid(request.getAffectedSopClassUid()); // the library's default is Study Root
      response.setStatus(0xc001); // Failed: unable to process
      response.setErrorComment(comment);
      callback([response]);
    };
    if (!ctx.findWorklist) return fail('No worklist on this station');
    // The library writes each response as its own PDUs, one socket write each (1,000 for a list of
    // 500): corked, they leave in one writev and as few, full TCP segments as the list needs.
    const send = (list: responses.CFindResponse[]): void => {
      this.remote.cork();
      try {
        callback(list);
      } finally {
        this.remote.uncork();
      }
    };
    ctx.findWorklist(request, { callingAe: this.callingAe, calledAe: this.calledAe, camera: this.camera }).then(send, (err: unknown) => {
      ctx.log.error({ associationId: ctx.associationId, code: (err as Error).name }, 'worklist query failed');
      fail('Worklist query failed');
    });
  }

  override createStoreWritableStream(context: Ctx, request: CStoreRequest): SpoolReceiver {
    const { ctx } = this;
    const ts = context.getAcceptedTransferSyntaxUid() ?? '';
    const syntax = syntaxOfTransfer(ts);
    const receiver = new SpoolReceiver({
      tmpDir: ctx.tmpDir,
      header: part10Header({ sopClassUid: request.getAffectedSopClassUid(), sopInstanceUid: request.getAffectedSopInstanceUid(), transferSyntaxUid: ts, sourceAe: this.callingAe }),
      syntax,
      maxBytes: ctx.settings.maxObjectMegabytes * 1024 * 1024,
      accepting: ctx.accepting(),
      pixelPlan: (head) => pixelPlan(head, syntax),
      onTooLarge: () => {
        ctx.log.warn({ associationId: ctx.associationId, callingAe: this.callingAe, limitMb: ctx.settings.maxObjectMegabytes }, 'dicom object over the size limit: association aborted');
        this.sendAbort(dimse.constants.AbortSource.ServiceProvider, dimse.constants.AbortReason.NotSpecified);
        this.remote.destroySoon();
      },
      pause: () => this.remote.pause(),
      resume: () => this.remote.resume(),
    });
    this.receivers.set(request, receiver);
    this.open.add(receiver);
    const work = receiver.outcome().then(async (outcome) => {
      this.open.delete(receiver);
      if (outcome.kind !== 'too-large' && outcome.kind !== 'aborted') return;
      // No response can go back: the association is gone. The refusal is still visible.
      const result = await ctx.intake.complete(outcome, storeCommand(request), this.associationInfo(ts));
      ctx.activity.object(this.callingAe, result.verdict.status, 'refused');
    });
    ctx.track(work);
    return receiver;
  }

  override createDatasetFromStoreWritableStream(writable: SpoolReceiver, context: Ctx, callback: (dataset: DatasetType) => void): void {
    // The data set stays in the spool file; the request carries an empty one.
    void writable.outcome().then((o) => {
      if (o.kind !== 'aborted' && o.kind !== 'too-large') callback(new dimse.Dataset({}, context.getAcceptedTransferSyntaxUid()));
    });
  }

  override cStoreRequest(request: CStoreRequest, callback: (response: responses.CStoreResponse) => void): void {
    const { ctx } = this;
    const receiver = this.receivers.get(request);
    const ts = this.associationTs(request);
    const work = (async () => {
      const outcome = receiver ? await receiver.outcome() : ({ kind: 'malformed', truncated: false, size: 0 } as const);
      const result = await ctx.intake.complete(outcome, storeCommand(request), this.associationInfo(ts));
      const response = dimse.responses.CStoreResponse.fromRequest(request);
      response.setStatus(result.verdict.status);
      if (result.verdict.comment) response.setErrorComment(result.verdict.comment);
      const how = result.end.kind === 'stored' ? 'stored' : result.end.kind === 'resend' ? 'resend' : 'refused';
      ctx.activity.object(this.callingAe, result.verdict.status, how);
      ctx.log.info(
        { associationId: ctx.associationId, callingAe: this.callingAe, sopClass: STORAGE_CLASSES[request.getAffectedSopClassUid()] ?? 'other', status: result.verdict.status, bytes: outcome.size, end: result.end.kind },
        'dicom object received',
      );
      if (!this.remote.destroyed) callback(response);
    })().catch((err: unknown) => {
      ctx.log.error({ associationId: ctx.associationId, code: (err as Error).name }, 'dicom object could not be decided');
      const response = dimse.responses.CStoreResponse.fromRequest(request);
      response.setStatus(0x0110);
      if (!this.remote.destroyed) callback(response);
    });
    ctx.track(work);
  }

  private associationTs(request: CStoreRequest): string {
    const a = (this as unknown as { association?: assoc.Association }).association;
    const pc = a?.getAcceptedPresentationContextFromRequest(request);
    return pc?.getAcceptedTransferSyntaxUid() ?? '';
  }

  private associationInfo(ts: string) {
    return {
      associationId: this.ctx.associationId,
      callingAe: this.callingAe,
      calledAe: this.calledAe,
      transferSyntaxUid: ts,
      maxBytes: this.ctx.settings.maxObjectMegabytes * 1024 * 1024,
    };
  }
}

const storeCommand = (request: CStoreRequest) => ({
  sopClassUid: (request.getAffectedSopClassUid() ?? '').replace(/\0/g, '').trim(),
  sopInstanceUid: (request.getAffectedSopInstanceUid() ?? '').replace(/\0/g, '').trim(),
});

async function resolveHost(name: string): Promise<string[] | null> {
  try {
    return (await lookup(name, { all: true })).map((a) => a.address);
  } catch {
    return null;
  }
}

export type { DicomCamera };
