// The day's worklist: one row per order with per-eye progress. Keyboard: ↑/↓ (PageUp/PageDown,
// Home/End) move, Enter opens the exam, "/" searches, "n" adds a walk-in patient. Virtualised, so a
// day with thousands of orders scrolls smoothly.
import { useEffect, useRef, useState } from 'react';
import { useVirtualizer } from '@tanstack/react-virtual';
import type { OrderSummary } from '../../../shared/contract/index.ts';
import { useStationQuery } from '../use-station.ts';
import { OrderForm } from '../components/OrderForm.tsx';
import { ShiftRequired } from '../components/Shift.tsx';
import { ProviderStatusBar, WorklistSourcesDialog } from '../components/WorklistSources.tsx';
import { age, dayTitle, localDay, shiftDay, STATUS_TEXT, timeHm } from '../worklist-text.ts';
import { isTyping, keyAction } from '../keymap.ts';
import { pendingFocus } from '../focus.ts';
import '../worklist.css';

// Three short lines fit (status, capturing now, what needs a look): nothing spills into the next row.
const ROW_HEIGHT = 88;

export const openExam = (id: string) => {
  location.hash = `#/exam/${id}`;
};

function EyeCell({ eye, s }: { eye: 'OD' | 'OS'; s: OrderSummary['eyes']['OD'] }) {
  const label = eye === 'OD' ? 'Right' : 'Left';
  if (s.gradable === 'ungradable') {
    return <div className="wl-eye ungradable" data-eye={eye}><span className="wl-line" title={`Ungradable: ${s.ungradableReason ?? ''}`}><b>{label}</b> Ungradable: {s.ungradableReason}</span></div>;
  }
  if (s.imageCount === 0) return <div className="wl-eye none" data-eye={eye}><span className="wl-line"><b>{label}</b> No photo yet</span></div>;
  const grad = { yes: ['ok', '✓ Gradable'], no: ['bad', '✕ Retake'], unknown: ['check', '? Check quality'], none: ['', ''], ungradable: ['', ''] }[s.gradable];
  return (
    <div className="wl-eye" data-eye={eye}>
      <span className="wl-line"><b>{label}</b> {s.imageCount} photo{s.imageCount === 1 ? '' : 's'}</span>
      <span className="wl-line">
        <span className={`wl-chip ${grad[0]}`}>{grad[1]}</span>
        {s.best === 'picked' && <span className="wl-chip ok" title="Best image chosen by the operator (otherwise the station chooses it)">★ Best chosen</span>}
      </span>
    </div>
  );
}

export function WorklistScreen() {
  const [day, setDay] = useState(localDay);
  const [search, setSearch] = useState('');
  const [allDays, setAllDays] = useState(false);
  const [allSites, setAllSites] = useState(false);
  const [showForm, setShowForm] = useState(false);
  const [showSources, setShowSources] = useState(false);
  const q = search.trim();
  const { data, error } = useStationQuery(
    'worklist.list',
    { day, search: q || undefined, allDays: allDays && q !== '', allSites },
    ['orders.changed', 'images.changed'],
  );
  const items = data?.items ?? [];
  const [selected, setSelected] = useState(0);
  const listRef = useRef<HTMLDivElement>(null);
  const searchRef = useRef<HTMLInputElement>(null);
  const virtualizer = useVirtualizer({ count: items.length, getScrollElement: () => listRef.current, estimateSize: () => ROW_HEIGHT, overscan: 10 });

  useEffect(() => {
    if (selected >= items.length && items.length > 0) setSelected(items.length - 1);
  }, [items.length, selected]);

  useEffect(() => {
    if (pendingFocus.search) {
      pendingFocus.search = false;
      searchRef.current?.focus();
    } else if (document.activeElement === document.body) {
      listRef.current?.focus();
    }
    // The key map (keymap.ts): "/" search, N new walk-in patient.
    const onKey = (e: KeyboardEvent) => {
      if (e.defaultPrevented || isTyping(e.target) || document.querySelector('[aria-modal="true"]')) return;
      const action = keyAction(e, 'worklist');
      if (action === 'search') {
        e.preventDefault();
        searchRef.current?.focus();
      } else if (action === 'new-walk-in') {
        e.preventDefault();
        setShowForm(true);
      }
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, []);

  // The list takes the focus once it has rows, unless the operator is already somewhere.
  const hasRows = items.length > 0;
  useEffect(() => {
    const at = document.activeElement;
    if (hasRows && (!at || at === document.body || at.matches('main h1'))) listRef.current?.focus();
  }, [hasRows]);

  const move = (to: number) => {
    const next = Math.max(0, Math.min(items.length - 1, to));
    setSelected(next);
    virtualizer.scrollToIndex(next);
  };
  const onListKey = (e: React.KeyboardEvent) => {
    const page = Math.max(1, Math.floor((listRef.current?.clientHeight ?? 400) / ROW_HEIGHT) - 1);
    const keys: Record<string, () => void> = {
      ArrowDown: () => move(selected + 1),
      ArrowUp: () => move(selected - 1),
      PageDown: () => move(selected + page),
      PageUp: () => move(selected - page),
      Home: () => move(0),
      End: () => move(items.length - 1),
      Enter: () => items[selected] && openExam(items[selected].id),
    };
    const fn = keys[e.key];
    if (fn) {
      e.preventDefault();
      fn();
    }
  };
  const onSearchKey = (e: React.KeyboardEvent) => {
    if (e.key === 'ArrowDown' || e.key === 'Enter') {
      e.preventDefault();
      listRef.current?.focus();
      if (e.key === 'Enter' && items.length === 1) openExam(items[0]!.id);
    } else if (e.key === 'Escape') {
      setSearch('');
    }
  };

  const counts = items.reduce((acc, o) => ({ ...acc, [o.status]: (acc[o.status] ?? 0) + 1 }), {} as Record<string, number>);
  const searchingAll = allDays && q !== '';

  return (
    <section className="wl-screen" aria-label="Worklist">
      <div className="screen-head wl-head">
        <h1>Worklist</h1>
        <div className="wl-day" role="group" aria-label="Day">
          <button className="button" onClick={() => setDay(shiftDay(day, -1))} aria-label="Previous day" disabled={searchingAll}>◀</button>
          <input type="date" value={day} onChange={(e) => e.target.value && setDay(e.target.value)} aria-label="Day" disabled={searchingAll} />
          <button className="button" onClick={() => setDay(shiftDay(day, 1))} aria-label="Next day" disabled={searchingAll}>▶</button>
          {day !== localDay() && <button className="button" onClick={() => setDay(localDay())}>Today</button>}
        </div>
        <div className="wl-search">
          <input ref={searchRef} type="search" value={search} onChange={(e) => setSearch(e.target.value)} onKeyDown={onSearchKey} placeholder="Search name or patient ID  ( / )" aria-label="Search name or patient ID" />
          <label className="check"><input type="checkbox" checked={allDays} onChange={(e) => setAllDays(e.target.checked)} /> every day</label>
          {data?.site && <label className="check"><input type="checkbox" checked={allSites} onChange={(e) => setAllSites(e.target.checked)} /> every site</label>}
        </div>
        <button className="button primary" onClick={() => setShowForm(true)} title="Shortcut: N">+ New walk-in patient</button>
      </div>
      <ShiftRequired />
      <ProviderStatusBar onOpen={() => setShowSources(true)} />
      <p className="muted wl-summary">
        {searchingAll ? `Search over every day: ${items.length}${data?.limited ? '+ (showing the newest 500)' : ''} orders` : `${dayTitle(day)}${data?.site && !allSites ? ` · site ${data.site}` : ''} · ${items.length} patient${items.length === 1 ? '' : 's'}`}
        {items.length > 0 && ` · ${counts.scheduled ?? 0} waiting · ${counts.capturing ?? 0} in progress · ${(counts.complete ?? 0) + (counts.sent ?? 0)} complete`}
      </p>
      {error && <div className="notice error" role="alert">{error}</div>}
      {data && items.length === 0 && (
        <div className="empty">
          <p>{q ? 'Nobody on this list matches the search.' : 'No patients on the worklist for this day.'}</p>
          <p className="muted">{q && !allDays ? 'Tick "every day" to search all days, or ' : ''}add a walk-in patient with "+ New walk-in patient" (N).</p>
        </div>
      )}
      {items.length > 0 && (
        <div className="wl-table-head" aria-hidden>
          <span>Time</span><span>Patient</span><span>State</span><span>Right eye (OD)</span><span>Left eye (OS)</span>
        </div>
      )}
      <div
        ref={listRef}
        className="list wl-list"
        role="listbox"
        aria-label="Orders"
        tabIndex={0}
        data-focus-home
        onKeyDown={onListKey}
        aria-activedescendant={items[selected] ? `order-${items[selected].id}` : undefined}
        hidden={items.length === 0}
      >
        <div style={{ height: virtualizer.getTotalSize(), position: 'relative' }}>
          {virtualizer.getVirtualItems().map((row) => {
            const o = items[row.index]!;
            return (
              <div
                key={o.id}
                id={`order-${o.id}`}
                role="option"
                aria-selected={row.index === selected}
                data-testid="worklist-row"
                className={`wl-row ${row.index === selected ? 'selected' : ''} ${o.status}`}
                style={{ height: ROW_HEIGHT, transform: `translateY(${row.start}px)` }}
                onClick={() => {
                  setSelected(row.index);
                  openExam(o.id);
                }}
              >
                <span className="wl-time">{searchingAll ? <>{o.day}<br /></> : null}{timeHm(o.scheduledAt)}</span>
                <span className="wl-patient">
                  <a href={`#/exam/${o.id}`} className="wl-name-link" tabIndex={-1}>{o.name}</a>
                  <span className="muted">ID {o.patientId}{o.birthDate ? ` · ${o.birthDate} (${age(o.birthDate)})` : ''}{o.source === 'walk-in' ? ' · walk-in' : ''}</span>
                </span>
                <span className="wl-state">
                  <span className="wl-line"><span className={`badge wl-status ${o.status}`}>{STATUS_TEXT[o.status]}</span></span>
                  {o.capturingNow && <span className="wl-line"><span className="badge wl-now">● Capturing now</span></span>}
                  {(o.unknownEyeCount > 0 || (o.weakCount > 0 && (o.status === 'scheduled' || o.status === 'capturing'))) && (
                    <span className="wl-line">
                      {o.unknownEyeCount > 0 && <span className="wl-chip check">{o.unknownEyeCount} need an eye</span>}
                      {o.weakCount > 0 && (o.status === 'scheduled' || o.status === 'capturing') && <span className="wl-chip check" title="Linked by file name or 'capturing now': check them in the exam">{o.weakCount} to check</span>}
                    </span>
                  )}
                </span>
                <EyeCell eye="OD" s={o.eyes.OD} />
                <EyeCell eye="OS" s={o.eyes.OS} />
              </div>
            );
          })}
        </div>
      </div>
      {items.length > 0 && <p className="muted small">Click or ↑/↓ and Enter to open an exam · / search · N new walk-in patient</p>}
      {showForm && <OrderForm onClose={() => setShowForm(false)} onSaved={(id) => { setShowForm(false); openExam(id); }} />}
      {showSources && <WorklistSourcesDialog onClose={() => setShowSources(false)} />}
    </section>
  );
}
