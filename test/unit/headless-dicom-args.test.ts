// The headless host's DICOM flags (src/main/headless/dicom-args.ts).
import { describe, expect, it } from 'vitest';
import { dicomOverrides } from '../../src/main/headless/dicom-args.ts';

describe('--dicom-* flags', () => {
  it('turn into the DICOM node overrides; none given: no overrides', () => {
    expect(dicomOverrides({})).toEqual({ overrides: undefined });
    expect(dicomOverrides({ 'dicom-port': '104', 'dicom-ae-title': ' STATION ', 'dicom-address': '0.0.0.0', 'dicom-camera': ['CAM1', 'CAM2'] })).toEqual({
      overrides: { port: 104, aeTitle: 'STATION', address: '0.0.0.0', cameras: ['CAM1', 'CAM2'] },
    });
    expect(dicomOverrides({ 'dicom-camera': ['CAM1'] })).toEqual({ overrides: { cameras: ['CAM1'] } });
  });

  it('refuse a bad port or AE title with a sentence naming the flag', () => {
    expect(dicomOverrides({ 'dicom-port': '70000' })).toEqual({ error: '--dicom-port must be a number from 0 to 65535.' });
    expect(dicomOverrides({ 'dicom-ae-title': 'A_TITLE_LONGER_THAN_16' })).toMatchObject({ error: expect.stringMatching(/^--dicom-ae-title .*at most 16/) });
    expect(dicomOverrides({ 'dicom-camera': ['BACK\\SLASH'] })).toMatchObject({ error: expect.stringMatching(/^--dicom-camera/) });
  });
});
