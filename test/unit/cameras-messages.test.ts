// The operator's words about a camera, the time-left estimate, and how a camera is told apart.
import { describe, expect, it } from 'vitest';
import { closingMessage, connectedMessage, doneMessage, failedMessage, removedMessage } from '../../src/main/core/cameras/messages.ts';
import { estimateSecondsLeft, profileRules } from '../../src/main/core/cameras/importer.ts';
import { deviceName, identityKey } from '../../src/main/core/cameras/identify.ts';
import { DEFAULT_PROFILE } from '../../src/main/core/cameras/feature.ts';
import { sessionLevel } from '../../src/main/core/cameras/messages.ts';
import { deviceProfileSchema } from '../../src/shared/devices.ts';

const figures = { filesToImport: 30, newImages: 10, alreadyKnown: 2, refused: 0, deleted: 0 };

describe('camera messages', () => {
  it('says how many new photos a camera brought', () => {
    expect(connectedMessage(14, 40)).toBe('Camera connected: 14 new photos');
    expect(connectedMessage(1, 1)).toBe('Camera connected: 1 new photo');
    expect(connectedMessage(0, 40)).toBe('Camera connected: no new photos (all 40 were taken in before)');
    expect(connectedMessage(0, 0)).toBe('Camera connected: it has no photos');
  });

  it('tells the operator what an unplug cost and what to do', () => {
    expect(removedMessage({ ...figures, newImages: 12, alreadyKnown: 0 })).toBe(
      'Camera removed during import: 12 of 30 photos taken in; plug it in again to take the rest',
    );
    expect(closingMessage(figures)).toMatch(/^The station stopped during the camera import: 12 of 30 photos taken in/);
    expect(failedMessage(figures, 'ENOSPC')).toMatch(/error \(ENOSPC\): 12 of 30 photos taken in\. Plug the camera in again/);
  });

  it('sums up a finished import', () => {
    expect(doneMessage({ filesToImport: 14, newImages: 14, alreadyKnown: 0, refused: 0, deleted: 0 })).toBe('14 new photos taken in.');
    expect(doneMessage({ filesToImport: 3, newImages: 1, alreadyKnown: 1, refused: 1, deleted: 2 })).toBe(
      '1 new photo taken in. 1 photo was already in the station. 1 photo could not be taken in; the Inbox says why. 2 photos deleted from the camera after import.',
    );
    expect(doneMessage({ filesToImport: 0, newImages: 0, alreadyKnown: 0, refused: 0, deleted: 0 })).toBe('No new photos on this camera.');
  });

  it('gives each session state a level', () => {
    expect(sessionLevel({ state: 'done', refused: 0 })).toBe('info');
    expect(sessionLevel({ state: 'done', refused: 1 })).toBe('warning');
    expect(sessionLevel({ state: 'interrupted', refused: 0 })).toBe('warning');
    expect(sessionLevel({ state: 'failed', refused: 0 })).toBe('error');
  });
});

describe('time left', () => {
  it('waits for enough to go on, then extrapolates the byte rate', () => {
    expect(estimateSecondsLeft(0, 1000, 5000, 0)).toBeNull();
    expect(estimateSecondsLeft(100, 1000, 200, 1)).toBeNull();
    expect(estimateSecondsLeft(500, 1000, 2000, 5)).toBe(2);
    expect(estimateSecondsLeft(1000, 1000, 2000, 10)).toBe(0);
  });
});

describe('device identity', () => {
  const vol = { id: '/dev/sdb1', label: 'NO NAME', uuid: '1234-ABCD' };
  it('prefers the EXIF serial, then the volume UUID, then the label, then the platform id', () => {
    expect(identityKey(vol, { make: 'Optomed', model: 'Aurora', serial: ' SN-9\0' })).toBe('serial:optomed|aurora|sn-9');
    expect(identityKey(vol, { make: 'Optomed', model: 'Aurora', serial: null })).toBe('uuid:1234-abcd');
    expect(identityKey({ ...vol, uuid: null }, { make: 'Optomed', model: null, serial: null })).toBe('label:no name|optomed|');
    expect(identityKey({ id: 'E:', label: null, uuid: null }, { make: null, model: null, serial: null })).toBe('volume:E:');
  });

  it('names the camera as the operator knows it', () => {
    expect(deviceName({ label: 'AURORA' }, { make: 'Optomed', model: 'Aurora', serial: null })).toBe('Optomed Aurora (AURORA)');
    expect(deviceName({ label: null }, { make: 'Volk', model: 'Volk VistaView', serial: null })).toBe('Volk VistaView');
    expect(deviceName({ label: 'CAMERA' }, { make: null, model: null, serial: null })).toBe('CAMERA');
    expect(deviceName({ label: null }, { make: null, model: null, serial: null })).toBe('Camera');
  });
});

describe('profiles', () => {
  it('the default keeps photos on the camera and groups photos within 10 s', () => {
    expect(DEFAULT_PROFILE).toMatchObject({ photoPaths: ['DCIM'], burstSeconds: 10, deleteAfterImport: false, fileNameRule: null });
    expect(profileRules(DEFAULT_PROFILE)).toEqual([]);
  });

  it("turns a profile's file-name rule into a rule the pipeline tries first", () => {
    const p = deviceProfileSchema.parse({ id: 'r', name: 'Remidio', fileNameRule: '^(?<patientId>\\d+)_' });
    expect(profileRules(p)).toEqual([{ id: 'profile:r', name: 'Remidio', pattern: '^(?<patientId>\\d+)_' }]);
  });
});
