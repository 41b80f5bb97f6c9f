// Presentation-context negotiation, as a pure decision: which abstract syntaxes (SOP classes) the
// station accepts, and the ONE transfer syntax it picks per context among those the caller proposed,
// by the station's order of preference (DICOM.md). The adapter (scp.ts) copies the proposed list
// before it calls setResult: dcmjs-dimse's list is live and setResult truncates it.

export const VERIFICATION = '1.2.840.10008.1.1';
export const MWL_FIND = '1.2.840.10008.5.1.4.31';

/** The storage SOP classes fundus and OCT cameras send (DICOM.md), with a name for screens and logs. */
export const STORAGE_CLASSES: Readonly<Record<string, string>> = {
  '1.2.840.10008.5.1.4.1.1.77.1.5.1': 'Ophthalmic Photography 8 Bit',
  '1.2.840.10008.5.1.4.1.1.77.1.5.2': 'Ophthalmic Photography 16 Bit',
  '1.2.840.10008.5.1.4.1.1.77.1.4': 'VL Photographic Image',
  '1.2.840.10008.5.1.4.1.1.7': 'Secondary Capture',
  '1.2.840.10008.5.1.4.1.1.77.1.5.4': 'Ophthalmic Tomography',
  '1.2.840.10008.5.1.4.1.1.104.1': 'Encapsulated PDF',
};

/** Transfer syntaxes the station takes, most preferred first: compressed as the camera made it, then uncompressed. */
export const TRANSFER_SYNTAX_PREFERENCE: readonly string[] = [
  '1.2.840.10008.1.2.4.90', // JPEG 2000 lossless
  '1.2.840.10008.1.2.4.91', // JPEG 2000
  '1.2.840.10008.1.2.4.50', // JPEG Baseline
  '1.2.840.10008.1.2.4.70', // JPEG lossless SV1
  '1.2.840.10008.1.2.4.80', // JPEG-LS lossless
  '1.2.840.10008.1.2.4.81', // JPEG-LS near-lossless
  '1.2.840.10008.1.2.5', // RLE lossless
  '1.2.840.10008.1.2.1', // Explicit VR little endian
  '1.2.840.10008.1.2', // Implicit VR little endian
];

/** Verification and worklist queries carry no pixels: only the uncompressed syntaxes. */
const COMMAND_ONLY_SYNTAXES: readonly string[] = ['1.2.840.10008.1.2.1', '1.2.840.10008.1.2'];

export type ServiceKind = 'verification' | 'storage' | 'worklist';

export type ContextDecision =
  | { accept: true; transferSyntaxUid: string; service: ServiceKind }
  | { accept: false; reason: 'abstract-syntax-not-supported' | 'transfer-syntaxes-not-supported' };

export function serviceOf(abstractSyntaxUid: string): ServiceKind | null {
  if (abstractSyntaxUid === VERIFICATION) return 'verification';
  // Accepted even without a worklist server: the C-FIND then gets a failure status, which tells
  // the camera more than a refused association does.
  if (abstractSyntaxUid === MWL_FIND) return 'worklist';
  return Object.hasOwn(STORAGE_CLASSES, abstractSyntaxUid) ? 'storage' : null;
}

/** The decision for one proposed context. `proposed` is read, never changed. */
export function decideContext(abstractSyntaxUid: string, proposed: readonly string[]): ContextDecision {
  const uid = abstractSyntaxUid.replace(/\0/g, '').trim();
  const service = serviceOf(uid);
  if (!service) return { accept: false, reason: 'abstract-syntax-not-supported' };
  const offered = new Set(proposed.map((t) => t.replace(/\0/g, '').trim()));
  const order = service === 'storage' ? TRANSFER_SYNTAX_PREFERENCE : COMMAND_ONLY_SYNTAXES;
  const chosen = order.find((ts) => offered.has(ts));
  return chosen ? { accept: true, transferSyntaxUid: chosen, service } : { accept: false, reason: 'transfer-syntaxes-not-supported' };
}
