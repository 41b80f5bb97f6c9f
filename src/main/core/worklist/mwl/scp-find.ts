// The worklist server's C-FIND handler (issue 13 item 2), the thin adapter around find.ts: reads the
// open orders of the asked days from the store and answers with dcmjs-dimse's CFindResponse, one
// Pending response per item and a final Success, or one failure status with a plain comment. The
// DICOM listener (dicom-node/) calls it through its injected `findWorklist`.
import { createRequire } from 'node:module';
import type { requests, responses } from 'dcmjs-dimse';
import type { DicomCamera } from '../../../../shared/dicom-settings.ts';
import type { Logger } from '../../kernel/logger.ts';
import type { OrderRow, OrdersRepo } from '../../store/orders.ts';
import { encodeIdentifier } from './encode.ts';
import { dayRange, findWorklistItems, type MwlCaller, type MwlOrder } from './find.ts';
import { MwlQueryError, parseMwlQuery } from './query.ts';

const dimse = createRequire(import.meta.url)('dcmjs-dimse') as typeof import('dcmjs-dimse');
const { Dataset } = dimse;
const { CFindResponse } = dimse.responses;
const { Status } = dimse.constants;

export const MWL_FIND_SOP_CLASS = '1.2.840.10008.5.1.4.31';

/** Who is asking, as the listener's association established it. */
export interface WorklistCaller {
  callingAe: string;
  calledAe: string;
  camera: DicomCamera | null;
}

export type FindWorklistHandler = (request: requests.CFindRequest, ctx: WorklistCaller) => Promise<responses.CFindResponse[]>;

/** A response identifier already encoded (in the camera's character set): dcmjs writes every text as UTF-8. */
class EncodedDataset extends Dataset {
  private readonly bytes: Buffer;
  constructor(bytes: Buffer, transferSyntaxUid: string) {
    super({}, transferSyntaxUid);
    this.bytes = bytes;
  }
  override getDenaturalizedDataset(): Buffer {
    return this.bytes;
  }
}

/**
 * The command set every Pending response of one query shares, encoded once. dcmjs-dimse encodes a
 * response's command set through dcmjs for every response it sends (about 0.4 ms each, most of the
 * server's time for a day's list of 500 items); these responses are the same bytes (same message
 * id, status and data set type), so the first encoding is kept. A change to an element drops it.
 */
class SharedCommandSet extends Dataset {
  private bytes: Buffer | null = null;
  override setElement(tag: string, value: string): void {
    this.bytes = null;
    super.setElement(tag, value);
  }
  override getDenaturalizedCommandDataset(writeOptions?: Record<string, unknown>): Buffer {
    return (this.bytes ??= super.getDenaturalizedCommandDataset(writeOptions));
  }
}

/**
 * A response to the request, naming the request's SOP class: dcmjs-dimse's C-FIND response says
 * Study Root Query/Retrieve whatever was asked (PS3.7 9.3.2.2: if sent, it equals the request's).
 */
function responseTo(request: requests.CFindRequest, status: number): responses.CFindResponse {
  const r = CFindResponse.fromRequest(request);
  r.setAffectedSopClassUid(request.getAffectedSopClassUid());
  r.setStatus(status);
  return r;
}

/** One Pending response per identifier, all with one command set (encoded once). */
export function pendingResponses(request: requests.CFindRequest, identifiers: readonly Buffer[], transferSyntaxUid: string): responses.CFindResponse[] {
  let shared: SharedCommandSet | null = null;
  return identifiers.map((bytes) => {
    const r = responseTo(request, Status.Pending);
    r.setDataset(new EncodedDataset(bytes, transferSyntaxUid));
    shared ??= new SharedCommandSet(r.getCommandDataset().getElements());
    r.setCommandDataset(shared);
    return r;
  });
}

export const toMwlOrder = (r: OrderRow): MwlOrder => ({
  patientId: r.patient_id,
  patientName: r.patient_name,
  birthDate: r.birth_date,
  sex: r.sex,
  scheduledAt: r.scheduled_at,
  site: r.site,
  status: r.status,
  studyInstanceUid: r.study_instance_uid ?? '',
  accessionNumber: r.mwl_accession_number ?? r.accession_number ?? '',
  requestedProcedureId: r.mwl_requested_procedure_id ?? '',
  stepId: r.mwl_step_id ?? '',
  stationAe: r.scheduled_station_ae,
});

export const callerOf = (ctx: WorklistCaller): MwlCaller => ({
  callingAe: ctx.callingAe,
  calledAe: ctx.calledAe,
  charset: ctx.camera?.charset ?? 'utf8',
  modality: ctx.camera?.defaultModality || 'OP',
  stationFilter: ctx.camera?.worklistStationAeTitle ?? null,
});

export interface WorklistServerDeps {
  repo: OrdersRepo;
  /** The station's site (settings.siteId); '' = one site, every order. */
  siteId(): string;
  log: Logger;
}

function final(request: requests.CFindRequest, status: number, comment?: string): responses.CFindResponse {
  const r = responseTo(request, status);
  if (comment) r.setErrorComment(comment.slice(0, 64));
  return r;
}

/** The listener's `findWorklist`. Never throws: a failure is a status the camera can show. */
export function createFindWorklist(deps: WorklistServerDeps): FindWorklistHandler {
  return async (request, ctx) => {
    if (request.getAffectedSopClassUid() !== MWL_FIND_SOP_CLASS) {
      return [final(request, Status.SopClassNotSupported, 'Only Modality Worklist queries are answered here.')];
    }
    try {
      const query = parseMwlQuery(request.getDataset()?.getElements());
      const transferSyntax = request.getDataset()?.getTransferSyntaxUid() ?? '1.2.840.10008.1.2';
      const caller = callerOf(ctx);
      const { from, to } = dayRange(query);
      const rows = deps.repo.worklistItems(from, to, deps.siteId() || null);
      const items = findWorklistItems(query, rows.map(toMwlOrder), caller);
      const out = pendingResponses(request, items.map((elements) => encodeIdentifier(elements, transferSyntax, caller.charset)), transferSyntax);
      out.push(final(request, Status.Success));
      deps.log.info({ callingAe: ctx.callingAe, candidates: rows.length, matches: items.length, charset: caller.charset }, 'worklist query answered');
      return out;
    } catch (err) {
      if (err instanceof MwlQueryError) {
        deps.log.warn({ callingAe: ctx.callingAe, status: err.status }, 'worklist query refused');
        return [final(request, err.status, err.message)];
      }
      deps.log.error({ callingAe: ctx.callingAe, err: (err as Error).name }, 'worklist query failed');
      return [final(request, 0xc001, 'The worklist could not be read; see the station log.')];
    }
  };
}
