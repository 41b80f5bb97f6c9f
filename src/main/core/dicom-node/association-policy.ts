// Who may open an association: a pure decision over the A-ASSOCIATE-RQ (called and calling AE
// titles, the peer's address), the node settings and the association count. The adapter turns a
// refusal into an A-ASSOCIATE-RJ with the DICOM result/source/reason below.
import { isIP } from 'node:net';
import type { DicomCamera, DicomNodeSettings } from '../../../shared/dicom-settings.ts';

/** A-ASSOCIATE-RJ fields (PS3.8 9.3.4). */
export interface RejectFields {
  result: 1 | 2; // 1 permanent, 2 transient
  source: 1 | 3; // 1 service user, 3 service provider (presentation)
  reason: number;
}

export type RefusalCode = 'called-ae-not-recognized' | 'calling-ae-not-recognized' | 'host-not-allowed' | 'too-many-associations';

export type AssociationDecision =
  | { accept: true; camera: DicomCamera | null }
  | { accept: false; code: RefusalCode; message: string; reject: RejectFields };

export interface AssociationRequest {
  calledAe: string;
  callingAe: string;
  /** The peer's IP address as the socket saw it. */
  remoteAddress: string | null;
  /** Associations open now, this one not counted. */
  openAssociations: number;
}

/** AE titles compare without their space padding (and case: cameras differ in what they send). */
export const normaliseAe = (ae: string): string => ae.replace(/\0/g, '').trim().toUpperCase();

/** "::ffff:10.0.0.5" and "10.0.0.5" are the same peer. */
export function normaliseAddress(addr: string): string {
  const a = addr.trim().toLowerCase();
  return a.startsWith('::ffff:') && isIP(a.slice(7)) === 4 ? a.slice(7) : a;
}

/**
 * Whether a camera's host check passes. The host is an IP address (compared exactly), or a name
 * that `resolved` lists the addresses of (the adapter resolves names; null when it could not).
 */
export function hostAllowed(cameraHost: string | null, remoteAddress: string | null, resolved: readonly string[] | null): boolean {
  if (!cameraHost) return true;
  if (!remoteAddress) return false;
  const peer = normaliseAddress(remoteAddress);
  if (isIP(cameraHost.trim())) return normaliseAddress(cameraHost) === peer;
  return (resolved ?? []).some((a) => normaliseAddress(a) === peer);
}

export function findCamera(cameras: readonly DicomCamera[], callingAe: string): DicomCamera | null {
  const want = normaliseAe(callingAe);
  return cameras.find((c) => normaliseAe(c.aeTitle) === want) ?? null;
}

/** The first rule that fails decides; the order is the one a camera's installer debugs in. */
export function decideAssociation(
  req: AssociationRequest,
  settings: Pick<DicomNodeSettings, 'aeTitle' | 'allowUnknownCameras' | 'maxAssociations'>,
  cameras: readonly DicomCamera[],
  resolvedHost: readonly string[] | null = null,
): AssociationDecision {
  if (req.openAssociations >= settings.maxAssociations) {
    return {
      accept: false,
      code: 'too-many-associations',
      message: `Too many cameras are connected at once (limit ${settings.maxAssociations}); the camera should try again shortly.`,
      reject: { result: 2, source: 3, reason: 2 },
    };
  }
  if (normaliseAe(req.calledAe) !== normaliseAe(settings.aeTitle)) {
    return {
      accept: false,
      code: 'called-ae-not-recognized',
      message: 'called AE title not recognized: set the camera to call this station by its AE title.',
      reject: { result: 1, source: 1, reason: 7 },
    };
  }
  const camera = findCamera(cameras, req.callingAe);
  if (!camera && !settings.allowUnknownCameras) {
    return {
      accept: false,
      code: 'calling-ae-not-recognized',
      message: 'calling AE title not recognized: add the camera to the station\'s camera list, or allow unknown cameras.',
      reject: { result: 1, source: 1, reason: 3 },
    };
  }
  if (camera && !hostAllowed(camera.host, req.remoteAddress, resolvedHost)) {
    return {
      accept: false,
      code: 'host-not-allowed',
      message: 'the camera\'s AE title called from a computer other than the one set for it.',
      reject: { result: 1, source: 1, reason: 3 },
    };
  }
  return { accept: true, camera };
}
