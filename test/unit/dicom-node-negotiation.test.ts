// Negotiation and association decisions of the DICOM listener (dicom-node/negotiation.ts,
// association-policy.ts): pure functions, no network.
import { describe, expect, it } from 'vitest';
import { decideContext, MWL_FIND, TRANSFER_SYNTAX_PREFERENCE, VERIFICATION } from '../../src/main/core/dicom-node/negotiation.ts';
import { decideAssociation, hostAllowed, normaliseAe } from '../../src/main/core/dicom-node/association-policy.ts';
import { dicomCameraSchema, defaultDicomNodeSettings } from '../../src/shared/dicom-settings.ts';

const OP = '1.2.840.10008.5.1.4.1.1.77.1.5.1';
const JPEG_BASELINE = '1.2.840.10008.1.2.4.50';
const EXPLICIT = '1.2.840.10008.1.2.1';
const IMPLICIT = '1.2.840.10008.1.2';
const J2K = '1.2.840.10008.1.2.4.91';

describe('presentation context negotiation', () => {
  it('accepts one context proposing [JPEG Baseline, Explicit LE, Implicit LE] with JPEG Baseline', () => {
    const proposed = [JPEG_BASELINE, EXPLICIT, IMPLICIT];
    expect(decideContext(OP, proposed)).toEqual({ accept: true, transferSyntaxUid: JPEG_BASELINE, service: 'storage' });
    // The proposal is read, never changed (dcmjs-dimse's list is live: the adapter copies it too).
    expect(proposed).toEqual([JPEG_BASELINE, EXPLICIT, IMPLICIT]);
  });

  it('chooses by the station preference, not the order proposed', () => {
    expect(decideContext(OP, [IMPLICIT, EXPLICIT, J2K]).accept && decideContext(OP, [IMPLICIT, EXPLICIT, J2K])).toMatchObject({ transferSyntaxUid: J2K });
    expect(decideContext(OP, [IMPLICIT, EXPLICIT])).toMatchObject({ transferSyntaxUid: EXPLICIT });
    expect(TRANSFER_SYNTAX_PREFERENCE.at(-1)).toBe(IMPLICIT);
  });

  it('ignores NUL and space padding in UIDs', () => {
    expect(decideContext(`${OP}\0`, [`${JPEG_BASELINE}\0`])).toMatchObject({ accept: true, transferSyntaxUid: JPEG_BASELINE });
  });

  it('accepts every storage class of DICOM.md, Verification and MWL FIND', () => {
    for (const sop of [OP, '1.2.840.10008.5.1.4.1.1.77.1.5.2', '1.2.840.10008.5.1.4.1.1.77.1.4', '1.2.840.10008.5.1.4.1.1.7', '1.2.840.10008.5.1.4.1.1.77.1.5.4', '1.2.840.10008.5.1.4.1.1.104.1']) {
      expect(decideContext(sop, [EXPLICIT])).toMatchObject({ accept: true, service: 'storage' });
    }
    expect(decideContext(VERIFICATION, [IMPLICIT])).toMatchObject({ accept: true, service: 'verification' });
    expect(decideContext(MWL_FIND, [EXPLICIT, IMPLICIT])).toMatchObject({ accept: true, service: 'worklist', transferSyntaxUid: EXPLICIT });
  });

  it('refuses an unknown SOP class and a context with no syntax the station takes', () => {
    expect(decideContext('1.2.840.10008.5.1.4.1.1.4', [EXPLICIT])).toEqual({ accept: false, reason: 'abstract-syntax-not-supported' });
    expect(decideContext(OP, ['1.2.840.10008.1.2.2', '1.2.840.10008.1.2.1.99'])).toEqual({ accept: false, reason: 'transfer-syntaxes-not-supported' });
    // Verification never takes a compressed syntax.
    expect(decideContext(VERIFICATION, [JPEG_BASELINE])).toEqual({ accept: false, reason: 'transfer-syntaxes-not-supported' });
  });
});

describe('association policy', () => {
  const settings = { ...defaultDicomNodeSettings(), aeTitle: 'STATION', maxAssociations: 2 };
  const cam = dicomCameraSchema.parse({ aeTitle: 'CAM1', name: 'Topcon' });
  const hosted = dicomCameraSchema.parse({ aeTitle: 'CAM2', name: 'Canon', host: '10.0.0.5' });
  const req = (over: Partial<Parameters<typeof decideAssociation>[0]> = {}) => ({ calledAe: 'STATION', callingAe: 'CAM1', remoteAddress: '127.0.0.1', openAssociations: 0, ...over });

  it('accepts a known camera calling this station, without regard to padding or case', () => {
    expect(decideAssociation(req({ calledAe: 'station  ', callingAe: ' cam1' }), settings, [cam])).toEqual({ accept: true, camera: cam });
  });

  it('refuses a wrong called AE title as "called AE title not recognized"', () => {
    const d = decideAssociation(req({ calledAe: 'OTHER' }), settings, [cam]);
    expect(d).toMatchObject({ accept: false, code: 'called-ae-not-recognized', reject: { result: 1, source: 1, reason: 7 } });
    expect(!d.accept && d.message).toMatch(/^called AE title not recognized/);
  });

  it('refuses an unknown caller unless unknown cameras are allowed', () => {
    expect(decideAssociation(req({ callingAe: 'STRANGER' }), settings, [cam])).toMatchObject({ accept: false, code: 'calling-ae-not-recognized', reject: { reason: 3 } });
    expect(decideAssociation(req({ callingAe: 'STRANGER' }), { ...settings, allowUnknownCameras: true }, [cam])).toEqual({ accept: true, camera: null });
  });

  it("checks a camera's host: its address, or the addresses its name resolves to", () => {
    expect(decideAssociation(req({ callingAe: 'CAM2', remoteAddress: '::ffff:10.0.0.5' }), settings, [hosted])).toMatchObject({ accept: true });
    expect(decideAssociation(req({ callingAe: 'CAM2', remoteAddress: '10.0.0.6' }), settings, [hosted])).toMatchObject({ accept: false, code: 'host-not-allowed' });
    expect(hostAllowed('camera.local', '10.0.0.7', ['10.0.0.7'])).toBe(true);
    expect(hostAllowed('camera.local', '10.0.0.7', null)).toBe(false);
    expect(hostAllowed(null, null, null)).toBe(true);
  });

  it('refuses past the association limit, transiently (the camera may retry)', () => {
    expect(decideAssociation(req({ openAssociations: 2 }), settings, [cam])).toMatchObject({ accept: false, code: 'too-many-associations', reject: { result: 2, source: 3, reason: 2 } });
    expect(decideAssociation(req({ openAssociations: 1 }), settings, [cam])).toMatchObject({ accept: true });
  });

  it('normalises AE titles', () => {
    expect(normaliseAe(' cam1\0 ')).toBe('CAM1');
  });
});
