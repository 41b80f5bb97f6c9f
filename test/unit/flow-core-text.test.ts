// The small words of issue 10: plural "rows skipped", the audit line for a photo filed with no eye,
// the Sources example path and what "Watch this folder" answers, and the walk-in form's problems.
import { describe, expect, it } from 'vitest';
import { describeAudit, rowsSkipped } from '../../src/renderer/src/worklist-text.ts';
import { addedMessage, FOLDER_EXAMPLE } from '../../src/renderer/src/sources-text.ts';
import { draftProblems, type Draft } from '../../src/renderer/src/order-draft.ts';
import type { AuditEntry } from '../../src/shared/contract/index.ts';

const entry = (after: Record<string, unknown>): AuditEntry => ({ seq: 1, at: '', operator: 'Station', action: 'auto-assign', orderId: 'o1', imageId: 'i1', fileName: 'a.jpg', before: null, after });

describe('flow words', () => {
  it('"1 row skipped", "2 rows skipped"', () => {
    expect(rowsSkipped(1)).toBe('1 row skipped');
    expect(rowsSkipped(2)).toBe('2 rows skipped');
  });

  it('a photo filed without an eye is not "filed under the no eye yet"', () => {
    const text = describeAudit(entry({ eye: null, rule: 'patient-id', confidence: 'strong' }), 'o1', {});
    expect(text).not.toMatch(/under the no eye/);
    expect(text).toBe('Filed photo a.jpg in this exam (the file does not say which eye), recognised by the patient ID written by the camera.');
    expect(describeAudit(entry({ eye: 'OD', rule: 'patient-id' }), 'o1', {})).toMatch(/^Filed photo a.jpg under the right eye/);
  });

  it('the example folder shows each backslash once', () => {
    expect(FOLDER_EXAMPLE).toBe(String.raw`e.g. D:\CameraExport or \\server\share\fundus`);
  });

  it('adding a folder says "Now watching" only when it is watched', () => {
    expect(addedMessage({ path: '/x', state: 'watching', stateDetail: null })).toEqual({ kind: 'info', text: 'Now watching /x.' });
    const missing = addedMessage({ path: '/x', state: 'unreachable', stateDetail: 'The folder does not exist or the network share is not connected.' });
    expect(missing.kind).toBe('error');
    expect(missing.text).toMatch(/^\/x is not being watched: The folder does not exist/);
    expect(missing.text).not.toMatch(/Now watching/);
  });

  it('the walk-in form asks for a date as the field shows it, and a fixed field has no problem left', () => {
    const draft: Draft = { patientId: '1', name: '', birthDate: '', sex: 'F', scheduledAt: '2025-03-01T09:30', accessionNumber: '', externalOrderId: '' };
    const p = draftProblems(draft);
    expect(p.birthDate).toBe('Enter the birth date: day, month and year.');
    expect(p.birthDate).not.toMatch(/YYYY/);
    expect(p.name).toBe('Name is required.');
    expect(draftProblems({ ...draft, name: 'A, B', birthDate: '1950-01-02' })).toEqual({});
  });
});
