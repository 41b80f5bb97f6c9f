// File-name rules (README "File-name rules"): list, add, edit, remove, reorder, and a "try a file
// name" box that runs the core's own code (shared/filename-rules.ts) on the rules as they are on
// screen, including the one being edited, with the same safety limits. Saving goes through
// settings.update (IT-only: refused while the IT lock is on; the screen is then read-only).
import { useState, type FormEvent } from 'react';
import type { FileNameRule } from '../../../shared/domain.ts';
import { previewFileNameRules, validateFileNameRule } from '../../../shared/filename-rules.ts';
import { station } from '../bridge.ts';
import { useStationQuery } from '../use-station.ts';
import { useAction } from '../use-action.ts';
import { LockBar, useItLock } from '../components/ItLock.tsx';
import '../it-lock.css';

const EYE_TEXT = { OD: 'right eye (OD)', OS: 'left eye (OS)' } as const;
const newRuleId = () => `rule-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 6)}`;

interface Draft {
  /** null: a new rule, added at the end. */
  index: number | null;
  rule: FileNameRule;
}

export function FileNameRulesScreen() {
  const { data } = useStationQuery('settings.get', {}, []);
  const { locked } = useItLock();
  const { run, error, busy, clearError } = useAction();
  const [draft, setDraft] = useState<Draft | null>(null);
  const [tryName, setTryName] = useState('');
  const [saved, setSaved] = useState<string | null>(null);
  // What was last saved (settings.get until the first save here).
  const [rules, setRules] = useState<FileNameRule[] | null>(null);
  const current = rules ?? data?.fileNameRules ?? [];

  // The rules the preview runs: the list as it would be saved with the draft.
  const candidate = draft ? (draft.index === null ? [...current, draft.rule] : current.map((r, i) => (i === draft.index ? draft.rule : r))) : current;
  const preview = previewFileNameRules(tryName.trim(), candidate);
  const matchedName = preview.match ? candidate.find((r) => r.id === preview.match!.ruleId)?.name : null;
  const draftProblem = draft ? validateFileNameRule(draft.rule.pattern, draft.rule.flags) : null;

  const save = async (next: FileNameRule[], done: string) => {
    setSaved(null);
    const result = await run(() => station.call('settings.update', { fileNameRules: next }));
    if (result) {
      setRules(result.fileNameRules);
      setDraft(null);
      setSaved(done);
    }
  };
  const move = (i: number, by: -1 | 1) => {
    const next = [...current];
    const [r] = next.splice(i, 1);
    next.splice(i + by, 0, r!);
    void save(next, `"${r!.name}" moved ${by < 0 ? 'up' : 'down'}.`);
  };
  const remove = (i: number) => {
    const r = current[i]!;
    if (!confirm(`Remove the rule "${r.name}"? Photos already taken in keep what it found.`)) return;
    void save(current.filter((_, j) => j !== i), `"${r.name}" removed.`);
  };
  const submitDraft = (e: FormEvent) => {
    e.preventDefault();
    if (!draft) return;
    const rule = { ...draft.rule, name: draft.rule.name.trim(), flags: draft.rule.flags?.trim() || undefined };
    void save(candidate.map((r) => (r === draft.rule ? rule : r)), `"${rule.name}" saved.`);
  };
  const set = (key: 'name' | 'pattern' | 'flags', value: string) => {
    if (!draft) return;
    clearError();
    setDraft({ ...draft, rule: { ...draft.rule, [key]: value } });
  };

  return (
    <section aria-label="File-name rules" data-testid="filename-rules">
      <p className="muted">
        A rule reads the patient ID, the eye, the field or the accession number from a photo's file name, when the file itself does not say
        (what the file says always wins). Rules are tried from the top; the first that matches is used.
      </p>
      <LockBar what="File-name rules" />
      <div className="rules-layout">
        <div className="panel">
          <h2>Rules</h2>
          <fieldset className="it-fields" disabled={locked || busy}>
            <table className="rules">
              <thead>
                <tr><th>#</th><th>Name</th><th>Pattern</th><th>Try</th><th /></tr>
              </thead>
              <tbody>
                {current.map((r, i) => {
                  const trial = preview.rules[i];
                  const hit = !!tryName.trim() && preview.match?.ruleId === r.id;
                  return (
                    <tr key={r.id} className={hit ? 'hit' : undefined} data-testid="rule-row">
                      <td>{i + 1}</td>
                      <td>{r.name}</td>
                      <td className="pattern">{r.pattern}{r.flags ? <span className="muted"> (flags {r.flags})</span> : null}</td>
                      <td>{tryName.trim() ? (hit ? <span className="badge status ready">Used</span> : trial?.matches ? <span className="badge status nopreview">Also matches</span> : <span className="muted">—</span>) : null}</td>
                      <td className="actions">
                        <button type="button" className="button small" onClick={() => move(i, -1)} disabled={i === 0} aria-label={`Move ${r.name} up`}>↑</button>
                        <button type="button" className="button small" onClick={() => move(i, 1)} disabled={i === current.length - 1} aria-label={`Move ${r.name} down`}>↓</button>
                        <button type="button" className="button small" onClick={() => setDraft({ index: i, rule: { ...r } })}>Edit</button>
                        <button type="button" className="button small danger" onClick={() => remove(i)}>Remove</button>
                      </td>
                    </tr>
                  );
                })}
                {current.length === 0 && <tr><td colSpan={5} className="muted">No rules yet: photos are matched by what the file itself says, or by hand.</td></tr>}
              </tbody>
            </table>
            {!draft && (
              <div>
                <button type="button" className="button primary" onClick={() => setDraft({ index: null, rule: { id: newRuleId(), name: '', pattern: '' } })} disabled={current.length >= 20}>
                  Add a rule
                </button>
              </div>
            )}
          </fieldset>
          {draft && (
            <form className="rule-form" onSubmit={submitDraft} aria-label={draft.index === null ? 'New rule' : 'Edit rule'} data-testid="rule-form">
              <fieldset className="it-fields" disabled={locked || busy}>
                <label>
                  Name
                  <input name="name" value={draft.rule.name} onChange={(e) => set('name', e.target.value)} placeholder="e.g. Topcon export" autoFocus />
                </label>
                <label>
                  Flags
                  <input name="flags" value={draft.rule.flags ?? ''} onChange={(e) => set('flags', e.target.value)} placeholder="i" spellCheck={false} />
                </label>
                <label className="rule-pattern">
                  Pattern
                  <input name="pattern" value={draft.rule.pattern} onChange={(e) => set('pattern', e.target.value)} placeholder="^(?<patientId>\d+)_(?<eye>OD|OS)_" spellCheck={false} />
                </label>
                <div className={`rule-problem notice ${draftProblem ? 'warning' : 'info'}`} role="status" data-testid="rule-problem">
                  {draft.rule.pattern ? (draftProblem ?? 'This pattern can be used.') : 'Named groups the station reads: (?<patientId>…), (?<eye>…) with R/L/OD/OS/RE/LE/right/left, (?<field>…), (?<accession>…).'}
                </div>
                <div className="itlock-actions">
                  <button type="button" className="button" onClick={() => setDraft(null)}>Cancel</button>
                  <button className="button primary">{draft.index === null ? 'Add rule' : 'Save rule'}</button>
                </div>
              </fieldset>
            </form>
          )}
          {error && <div className="notice error" role="alert" data-testid="rules-error">{error.replace(/^fileNameRules\.\d+\.\w+: /, '')}</div>}
          {saved && <div className="notice info" role="status">{saved}</div>}
        </div>
        <div className="panel rule-try" data-testid="rule-try">
          <h2>Try a file name</h2>
          <label htmlFor="try-name" className="muted">Type or paste a file name as the camera writes it{draft ? ' (the rule being edited is included)' : ''}.</label>
          <input id="try-name" value={tryName} onChange={(e) => setTryName(e.target.value)} placeholder="12345_OD_1.jpg" spellCheck={false} />
          {tryName.trim() && (
            <div role="status" data-testid="rule-try-result">
              {preview.tooLong ? (
                <p>This name is longer than 255 bytes. No camera writes such names, so no rule reads it.</p>
              ) : preview.match ? (
                <dl className="rule-result">
                  <dt>Rule used</dt><dd>{matchedName}</dd>
                  <dt>Patient ID</dt><dd>{preview.match.patientId ?? '—'}</dd>
                  <dt>Eye</dt><dd>{preview.match.laterality ? EYE_TEXT[preview.match.laterality] : 'not in the name'}</dd>
                  <dt>Field</dt><dd>{preview.match.field ?? '—'}</dd>
                  <dt>Accession</dt><dd>{preview.match.accessionNumber ?? '—'}</dd>
                </dl>
              ) : (
                <p>No rule matches this name. Such a photo is matched by what the file itself says, or waits in Unassigned.</p>
              )}
            </div>
          )}
        </div>
      </div>
    </section>
  );
}
