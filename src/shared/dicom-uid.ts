// The identities an order carries on the DICOM network (issue 13): a StudyInstanceUID and the
// accession, requested procedure and scheduled step ids a camera copies from the worklist item into
// every image, so the image can be linked back exactly. Pure functions; randomness from Web Crypto
// (present in Node and in browsers).

/** UID form: 1-64 characters, digits and dots, no empty component, no leading zero in a component. */
const UID = /^(0|[1-9]\d*)(\.(0|[1-9]\d*))*$/;

export const isDicomUid = (value: string): boolean => value.length <= 64 && UID.test(value);

/**
 * A UUID as a DICOM UID under the `2.25` root (PS3.5 B.2): the UUID's 128 bits as one unsigned
 * decimal integer. At most 39 digits, so the UID is at most 44 characters.
 */
export function uidFromUuid(uuid: string): string {
  const hex = uuid.replace(/-/g, '');
  if (!/^[0-9a-fA-F]{32}$/.test(hex)) throw new Error('not a UUID');
  return `2.25.${BigInt(`0x${hex}`).toString(10)}`;
}

export const newStudyInstanceUid = (): string => uidFromUuid(globalThis.crypto.randomUUID());

/** A Short String (SH) value a camera can carry unchanged: 1-16 characters, printable ASCII, no backslash. */
export const isShortString = (value: string): boolean => /^[\x20-\x5b\x5d-\x7e]{1,16}$/.test(value) && value.trim() === value;

// Crockford's base32: no I, L, O, U, so a code read aloud or typed is not mistaken.
const ALPHABET = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';

/** 10 random base32 characters (50 bits): unique enough across stations for an accession number. */
export function randomCode(length = 10): string {
  const bytes = globalThis.crypto.getRandomValues(new Uint8Array(length));
  let out = '';
  for (const b of bytes) out += ALPHABET[b & 31];
  return out;
}

export interface WorklistIdentities {
  studyInstanceUid: string;
  accessionNumber: string;
  requestedProcedureId: string;
  scheduledStepId: string;
}

/** What a provider (or the walk-in form) brought; a value that fits DICOM is kept, any other is replaced. */
export interface GivenIdentities {
  studyInstanceUid?: string | null;
  accessionNumber?: string | null;
  requestedProcedureId?: string | null;
  scheduledStepId?: string | null;
}

/**
 * The order's worklist identities, made once when the order is created: what it brought when that
 * fits DICOM (UID syntax; SH: at most 16 characters), otherwise new ones sharing one random code
 * (`A…` accession, `R…` requested procedure, `S…` step), so the three are easy to tell apart.
 */
export function worklistIdentities(given: GivenIdentities = {}, code: string = randomCode()): WorklistIdentities {
  const uid = given.studyInstanceUid?.trim();
  const sh = (v: string | null | undefined, prefix: string): string => {
    const t = v?.trim();
    return t && isShortString(t) ? t : `${prefix}${code}`;
  };
  return {
    studyInstanceUid: uid && isDicomUid(uid) ? uid : newStudyInstanceUid(),
    accessionNumber: sh(given.accessionNumber, 'A'),
    requestedProcedureId: sh(given.requestedProcedureId, 'R'),
    scheduledStepId: sh(given.scheduledStepId, 'S'),
  };
}
