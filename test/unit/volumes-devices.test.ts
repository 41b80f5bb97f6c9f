import { describe, expect, it } from 'vitest';
import {
  deviceProfileSchema,
  deviceProfilesSchema,
  fileNameRuleProblems,
  profileForDevice,
  validateDeviceProfile,
} from '../../src/shared/devices.ts';
import type { DeviceProfile, DeviceProfileInput } from '../../src/shared/devices.ts';

const profile = (id: string, match: DeviceProfileInput['match'], extra: Partial<DeviceProfileInput> = {}): DeviceProfile =>
  deviceProfileSchema.parse({ id, name: id, match, ...extra });

describe('deviceProfileSchema', () => {
  it('fills in the defaults', () => {
    expect(deviceProfileSchema.parse({ id: 'p1', name: 'Aurora', match: { make: 'Optomed' } })).toEqual({
      id: 'p1',
      name: 'Aurora',
      match: { make: 'Optomed', model: undefined, serial: undefined, volumeLabel: undefined },
      photoPaths: ['DCIM'],
      fileNameRule: null,
      writesLaterality: false,
      writesPatientId: false,
      burstSeconds: 10,
      deleteAfterImport: false,
    });
  });

  it('treats empty form fields as not set and tidies folder paths', () => {
    const p = deviceProfileSchema.parse({
      id: 'p',
      name: 'P',
      match: { make: '  ', model: 'Aurora ', serial: null },
      photoPaths: ['Images\\Fundus\\', 'DCIM/'],
      fileNameRule: '',
    });
    expect(p.match).toEqual({ make: undefined, model: 'Aurora', serial: undefined, volumeLabel: undefined });
    expect(p.photoPaths).toEqual(['Images/Fundus', 'DCIM']);
    expect(p.fileNameRule).toBeNull();
  });

  it('accepts a file-name rule with the known named groups', () => {
    const rule = '^(?<patientId>\\d+)_(?<eye>OD|OS)_(?<field>\\d)';
    expect(deviceProfileSchema.parse({ id: 'p', name: 'P', fileNameRule: rule }).fileNameRule).toBe(rule);
    expect(fileNameRuleProblems(rule)).toEqual([]);
  });

  it('explains what is wrong in plain words', () => {
    const r = validateDeviceProfile({
      id: 'p',
      name: ' ',
      photoPaths: ['/media/cam/DCIM', '../x'],
      fileNameRule: '(?<patientID>\\d+',
      burstSeconds: -1,
      deleteAfterImport: 'yes',
    });
    expect(r.ok).toBe(false);
    if (r.ok) return;
    const byField = Object.fromEntries(r.problems.map((p) => [p.field, p.message]));
    expect(byField.name).toBe('Give the profile a name.');
    expect(byField['photoPaths.0']).toMatch(/folder on the camera/);
    expect(byField['photoPaths.1']).toMatch(/stay inside the camera/);
    expect(byField.fileNameRule).toMatch(/not a valid pattern/);
    expect(byField.burstSeconds).toBe('The burst gap cannot be negative.');
    expect(byField.deleteAfterImport).toMatch(/delete photos from the camera/);
  });

  it('names a misspelt group and a rule that captures nothing', () => {
    expect(fileNameRuleProblems('(?<patientID>\\d+)_(?<eye>OD|OS)')[0]).toMatch(/"patientID"/);
    expect(fileNameRuleProblems('^\\d+_O[DS]')[0]).toMatch(/must capture something/);
    expect(fileNameRuleProblems('(?<=x)(?<eye>OD)')).toEqual([]); // a lookbehind is not a group name
  });

  it('refuses two profiles with one id', () => {
    const r = deviceProfilesSchema.safeParse([
      { id: 'a', name: 'A' },
      { id: 'a', name: 'B' },
    ]);
    expect(r.success).toBe(false);
    expect(r.error?.issues[0]?.message).toBe('Two profiles have the id "a".');
  });
});

describe('profileForDevice', () => {
  const fallback = profile('any', {});
  const byLabel = profile('label', { volumeLabel: 'AURORA' });
  const byMake = profile('make', { make: 'Optomed' });
  const byModel = profile('model', { make: 'Optomed', model: 'Aurora' });
  const bySerial = profile('serial', { serial: 'SN-0042' });
  const all = [fallback, byLabel, byMake, byModel, bySerial];

  it('prefers serial over model over make over label over a fallback', () => {
    const dev = { make: 'Optomed', model: 'Aurora', serial: 'SN-0042', volumeLabel: 'AURORA' };
    expect(profileForDevice(all, dev)?.id).toBe('serial');
    expect(profileForDevice(all, { ...dev, serial: 'other' })?.id).toBe('model');
    expect(profileForDevice(all, { ...dev, serial: null, model: 'Aurora 2' })?.id).toBe('make');
    expect(profileForDevice(all, { volumeLabel: 'AURORA' })?.id).toBe('label');
    expect(profileForDevice(all, { make: 'Volk' })?.id).toBe('any');
  });

  it('needs every field a profile names to match', () => {
    expect(profileForDevice([byModel], { model: 'Aurora' })).toBeNull();
    expect(profileForDevice([byModel], { make: 'Volk', model: 'Aurora' })).toBeNull();
  });

  it('ignores case, padding and NULs as EXIF writes them', () => {
    expect(profileForDevice([byModel], { make: 'OPTOMED\0\0', model: '  aurora ' })?.id).toBe('model');
  });

  it('returns null when nothing matches and there is no fallback', () => {
    expect(profileForDevice([byMake, bySerial], { make: 'Remidio' })).toBeNull();
    expect(profileForDevice([], { make: 'Optomed' })).toBeNull();
  });

  it('gives a tie to the earlier profile', () => {
    const first = profile('first', { make: 'Volk' });
    const second = profile('second', { make: 'volk' });
    expect(profileForDevice([first, second], { make: 'Volk' })?.id).toBe('first');
  });
});
