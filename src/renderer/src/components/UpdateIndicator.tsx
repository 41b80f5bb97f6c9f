// The "update ready" indicator in the header and its small panel (not a modal: capture goes on).
// Nothing shows unless a found update is downloading, ready, or failed to download; after "Later"
// it is a small dot. Alt+U or a click opens the panel: the version, its release notes as text,
// "Restart now" (only when nothing is busy) or "Restart when idle" with what the station waits
// for, and "Later". The station decides everything (core/updates); this only shows updates.status.
import { useCallback, useEffect, useRef, useState } from 'react';
import type { EventName } from '../../../shared/contract/index.ts';
import type { UpdateStatus } from '../../../shared/updates.ts';
import { station } from '../bridge.ts';
import { useStationQuery } from '../use-station.ts';
import { useAction } from '../use-action.ts';
import { formatBytes } from '../format.ts';
import { indicatorView, panelTitle, releaseNotesText, restartSentence } from '../update-text.ts';
import '../updates.css';

// "Restart now" depends on exams, imports and the queue: re-ask when they change (the status is cheap).
const REFRESH_ON: EventName[] = ['updates.changed', 'orders.changed', 'sync.changed', 'cameras.changed'];

export function UpdateIndicator() {
  const { data } = useStationQuery('updates.status', {}, REFRESH_ON);
  // The version the panel was opened for: it closes by itself when that update is gone.
  const [openFor, setOpenFor] = useState<string | null>(null);
  const button = useRef<HTMLButtonElement>(null);
  const view = indicatorView(data);
  const version = view ? (data?.available?.version ?? null) : null;
  const open = version !== null && openFor === version;
  const toggle = useCallback(() => setOpenFor((o) => (o === version ? null : version)), [version]);

  const close = useCallback(() => {
    setOpenFor(null);
    button.current?.focus();
  }, []);
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (e.altKey && !e.ctrlKey && !e.metaKey && e.key.toLowerCase() === 'u' && version !== null) {
        e.preventDefault();
        toggle();
      }
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [version, toggle]);

  if (!data || !view) return null;
  return (
    <div className="update-anchor">
      <button
        ref={button}
        type="button"
        className={`update-indicator ${view.kind}`}
        data-testid="update-indicator"
        data-kind={view.kind}
        aria-label={view.label}
        title={`${view.label} (Alt+U)`}
        aria-expanded={open}
        aria-haspopup="dialog"
        onClick={toggle}
      >
        <span className="update-dot" aria-hidden />
        {view.text && <span className="update-word">{view.text}</span>}
        {view.percent !== null && (
          <span className="update-bar" aria-hidden>
            <span style={{ width: `${view.percent}%` }} />
          </span>
        )}
      </button>
      {open && <UpdatePanel status={data} onClose={close} />}
    </div>
  );
}

function UpdatePanel({ status: s, onClose }: { status: UpdateStatus; onClose: () => void }) {
  const ref = useRef<HTMLDivElement>(null);
  const { run, error, busy } = useAction();
  useEffect(() => {
    const first = ref.current?.querySelector<HTMLElement>('[data-autofocus]');
    if (first) first.focus();
    else ref.current?.focus();
    const onKey = (e: KeyboardEvent) => {
      if (e.key === 'Escape') {
        e.stopPropagation();
        onClose();
      }
    };
    // A click anywhere else closes the panel (it is not a modal: the screen under it keeps working).
    const onDown = (e: MouseEvent) => {
      const t = e.target as Node;
      if (ref.current && !ref.current.contains(t) && !(t as Element).closest?.('[data-testid="update-indicator"]')) onClose();
    };
    window.addEventListener('keydown', onKey, true);
    window.addEventListener('mousedown', onDown);
    return () => {
      window.removeEventListener('keydown', onKey, true);
      window.removeEventListener('mousedown', onDown);
    };
  }, [onClose]);

  const notes = releaseNotesText(s.available?.releaseNotes);
  const ready = s.phase === 'ready';
  const later = async () => {
    if (await run(() => station.call('updates.later'))) onClose();
  };
  return (
    <div ref={ref} className="update-panel" role="dialog" aria-modal="false" aria-label={panelTitle(s)} data-testid="update-panel" tabIndex={-1}>
      <h2>{panelTitle(s)}</h2>
      <p className="muted">You are using {s.currentVersion}{s.available?.releaseDate ? ` · released ${s.available.releaseDate.slice(0, 10)}` : ''}.</p>
      {s.phase === 'downloading' && (
        <div className="update-progress">
          <div className="q-bar" aria-hidden>
            <span style={{ width: `${s.progress ? Math.floor(s.progress.percent) : 0}%` }} />
          </div>
          <span className="muted">
            {s.progress ? `${Math.floor(s.progress.percent)} % · ${formatBytes(s.progress.transferred)} of ${formatBytes(s.progress.total)}` : 'Starting…'} · in the
            background; capture goes on as usual.
          </span>
        </div>
      )}
      {s.message && (
        <p className="update-message" role="status" data-testid="update-message">{s.message}</p>
      )}
      <div className="update-notes-head">What is new</div>
      <div className="update-notes" data-testid="update-notes" tabIndex={0}>
        {notes || <span className="muted">No release notes were published with this version.</span>}
      </div>
      {ready && (
        <>
          <p className="update-restart" data-testid="update-restart" role="status">{restartSentence(s)}</p>
          <div className="update-actions">
            {!s.restart.armed && (
              <button type="button" className="button primary" disabled={busy} onClick={() => void run(() => station.call('updates.restartWhenIdle'))} data-autofocus>
                {s.restart.allowed ? 'Restart now' : 'Restart when idle'}
              </button>
            )}
            <button type="button" className="button" disabled={busy} onClick={() => void later()} data-autofocus={s.restart.armed || undefined}>
              Later
            </button>
          </div>
          <p className="muted small">Later: it installs by itself when the station is closed, for example at the end of the day.</p>
        </>
      )}
      {error && <div className="notice error" role="alert">{error}</div>}
    </div>
  );
}
