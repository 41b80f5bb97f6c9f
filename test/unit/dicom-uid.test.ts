import { describe, expect, it } from 'vitest';
import { isDicomUid, isShortString, newStudyInstanceUid, uidFromUuid, worklistIdentities } from '../../src/shared/dicom-uid.ts';

// PS3.5 9.1: components of digits separated by dots, no leading zero (except "0" itself), <= 64 chars.
const UID_FORM = /^(0|[1-9]\d*)(\.(0|[1-9]\d*))*$/;

describe('Study Instance UIDs from UUIDs (2.25.<decimal>)', () => {
  it('converts the UUID to one decimal integer', () => {
    expect(uidFromUuid('00000000-0000-0000-0000-000000000001')).toBe('2.25.1');
    expect(uidFromUuid('ffffffff-ffff-ffff-ffff-ffffffffffff')).toBe(`2.25.${(2n ** 128n - 1n).toString()}`);
    // PS3.5 B.2's own example.
    expect(uidFromUuid('f81d4fae-7dec-11d0-a765-00a0c91e6bf6')).toBe('2.25.329800735698586629295641978511506172918');
  });

  it('the zero UUID is "2.25.0" (a single 0 is allowed), never a leading zero', () => {
    expect(uidFromUuid('00000000-0000-0000-0000-000000000000')).toBe('2.25.0');
  });

  it('new UIDs: at most 64 characters, digits and dots, no leading zeros, all different', () => {
    const seen = new Set<string>();
    for (let i = 0; i < 2000; i++) {
      const uid = newStudyInstanceUid();
      expect(uid.length).toBeLessThanOrEqual(64);
      expect(uid).toMatch(UID_FORM);
      expect(uid.startsWith('2.25.')).toBe(true);
      expect(isDicomUid(uid)).toBe(true);
      seen.add(uid);
    }
    expect(seen.size).toBe(2000);
  });

  it('refuses what is not a UUID', () => {
    expect(() => uidFromUuid('not-a-uuid')).toThrow();
  });

  it('isDicomUid', () => {
    expect(isDicomUid('1.2.840.10008.5.1.4.31')).toBe(true);
    expect(isDicomUid('1.02.3')).toBe(false);
    expect(isDicomUid('1..3')).toBe(false);
    expect(isDicomUid('1.2.3.')).toBe(false);
    expect(isDicomUid('1.2.a')).toBe(false);
    expect(isDicomUid(`1.${'2'.repeat(63)}`)).toBe(false);
  });
});

describe('worklistIdentities: made once per order', () => {
  it('a walk-in gets a new UID and accession / procedure / step ids sharing one code', () => {
    const ids = worklistIdentities({}, 'K3M9Q4XRT7');
    expect(ids.accessionNumber).toBe('AK3M9Q4XRT7');
    expect(ids.requestedProcedureId).toBe('RK3M9Q4XRT7');
    expect(ids.scheduledStepId).toBe('SK3M9Q4XRT7');
    expect(isDicomUid(ids.studyInstanceUid)).toBe(true);
    for (const v of [ids.accessionNumber, ids.requestedProcedureId, ids.scheduledStepId]) expect(isShortString(v)).toBe(true);
  });

  it("a provider's own accession, order id, step id and UID are kept", () => {
    const given = { studyInstanceUid: '1.2.826.0.1.3680043.9.6676.1', accessionNumber: 'ACC-9', requestedProcedureId: 'RP-7', scheduledStepId: 'SPS-1' };
    expect(worklistIdentities(given)).toEqual(given);
  });

  it('values that do not fit DICOM are replaced, not truncated (a camera must echo them exactly)', () => {
    const ids = worklistIdentities({ studyInstanceUid: '1.02.x', accessionNumber: 'A'.repeat(17), requestedProcedureId: 'a\\b', scheduledStepId: 'Ü1' }, 'CODE000000');
    expect(ids.studyInstanceUid.startsWith('2.25.')).toBe(true);
    expect([ids.accessionNumber, ids.requestedProcedureId, ids.scheduledStepId]).toEqual(['ACODE000000', 'RCODE000000', 'SCODE000000']);
  });
});
