import { describe, expect, it } from 'vitest';
import {
  defaultWorklistSettings,
  toWorklistSettingsView,
  worklistSettingsPatchSchema,
  worklistSettingsSchema,
  worklistUrlProblem,
} from '../../src/shared/worklist-settings.ts';
import { changedFields } from '../../src/main/core/worklist/exam-service.ts';

describe('worklist settings', () => {
  it('has working defaults: providers off, the reason lists filled', () => {
    const s = defaultWorklistSettings();
    expect(s.http).toMatchObject({ enabled: false, url: '', token: '', timeoutSeconds: 10, pollSeconds: 60 });
    expect(s.folder).toMatchObject({ enabled: false, pollSeconds: 30 });
    expect(s.ungradableReasons).toContain('Small pupil');
  });

  it('a partial change names only what it changes (no defaults sneak in to reset the token)', () => {
    expect(worklistSettingsPatchSchema.parse({ http: { url: 'https://x.example' } })).toEqual({ http: { url: 'https://x.example' } });
  });

  it('refuses an enabled server without a usable address, in plain words', () => {
    const r = worklistSettingsSchema.safeParse({ http: { enabled: true, url: 'ehr.local/worklist' } });
    expect(r.success).toBe(false);
    expect(r.error?.issues[0]?.message).toMatch(/must start with https:\/\//);
    expect(worklistUrlProblem('https://user:pw@ehr.example/wl')).toMatch(/token field/);
    expect(worklistUrlProblem('http://127.0.0.1:8080/wl')).toBeNull();
    expect(worklistSettingsSchema.safeParse({ folder: { enabled: true } }).error?.issues[0]?.message).toMatch(/folder/);
  });

  it('refuses an empty or repeated reason list', () => {
    expect(worklistSettingsSchema.safeParse({ ungradableReasons: [] }).success).toBe(false);
    expect(worklistSettingsSchema.safeParse({ ungradableReasons: ['Cataract', 'cataract'] }).success).toBe(false);
  });

  it('never shows the token back', () => {
    const view = toWorklistSettingsView(worklistSettingsSchema.parse({ http: { token: 'secret' } }));
    expect(view.http).toMatchObject({ tokenSet: true });
    expect(JSON.stringify(view)).not.toContain('secret');
  });
});

describe('changedFields: what an audit row of an order edit holds', () => {
  const base = { patientId: 'P1', name: 'A', birthDate: null, sex: 'F', scheduledAt: 'x', site: null, externalOrderId: null, accessionNumber: null, scheduledStepId: null };
  it('only the fields that differ, before and after', () => {
    expect(changedFields(base, { ...base, name: 'B', site: 'North' })).toEqual({ before: { name: 'A', site: null }, after: { name: 'B', site: 'North' } });
    expect(changedFields(base, { ...base })).toBeNull();
  });
});
