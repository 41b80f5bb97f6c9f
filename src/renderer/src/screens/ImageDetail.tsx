// The large view of one photo: fit or 100 % (Z, to judge focus), previous / next (← →) through the
// photos of the screen that opened it, and, from an exam, the same keys as on a photo there
// (R / L eye, B best, X or Delete reject). A modal: Tab stays inside, Esc closes, focus goes back.
import { useEffect, useEffectEvent, useRef, useState } from 'react';
import { useStationQuery } from '../use-station.ts';
import { useFocusTrap } from '../focus.ts';
import { isTyping, keyAction, keysOf, type KeyActionId } from '../keymap.ts';
import { station } from '../bridge.ts';
import { EyeBadge, QualityBadge, StatusBadge } from '../components/Badges.tsx';
import { formatBytes, formatDateTime } from '../format.ts';

const LABELS: Record<string, string> = {
  patientId: 'Patient ID', patientIdSource: 'Patient ID read from', accessionSource: 'Accession read from', fileNameRuleId: 'File-name rule', patientName: 'Patient name', birthDate: 'Birth date', sex: 'Sex', accessionNumber: 'Accession number',
  scheduledStepId: 'Worklist item', laterality: 'Eye', lateralitySource: 'Eye read from', field: 'Field', takenAt: 'Taken (UTC)',
  takenOffset: 'Camera time offset', make: 'Camera make', model: 'Camera model', serial: 'Camera serial', modality: 'Modality',
  studyUid: 'Study UID', seriesUid: 'Series UID', sopUid: 'SOP instance UID', sopClassUid: 'SOP class', transferSyntaxUid: 'Transfer syntax',
  width: 'Width (px)', height: 'Height (px)', pixelSpacingMm: 'Pixel spacing (mm)', format: 'Format',
};

export interface ImageDetailProps {
  id: string;
  onClose: () => void;
  /** The photos to step through with ← and → (the screen's order), and how to show another. */
  list?: string[];
  onShow?: (id: string) => void;
  /** The exam's actions for R, L, B, X on the photo shown; true when the key did something. */
  onKey?: (action: KeyActionId, imageId: string) => boolean;
}

export function ImageDetail({ id, onClose, list, onShow, onKey }: ImageDetailProps) {
  const { data, error } = useStationQuery('images.get', { id }, ['images.changed']);
  const [actionError, setActionError] = useState<string | null>(null);
  const [zoom, setZoom] = useState(false);
  const ref = useRef<HTMLDivElement>(null);
  useFocusTrap(ref, onClose);

  const at = list ? list.indexOf(id) : -1;
  const step = (by: number) => {
    const next = list && at >= 0 ? list[at + by] : undefined;
    if (next && onShow) {
      setZoom(false);
      onShow(next);
    }
  };
  // Its keys wherever the focus is while it is the topmost modal (a disabled button loses focus).
  const onKeyDown = useEffectEvent((e: KeyboardEvent) => {
    const modals = document.querySelectorAll('[aria-modal="true"]');
    if (modals[modals.length - 1] !== ref.current || e.defaultPrevented) return;
    if (isTyping(e.target) || (e.target instanceof HTMLButtonElement && (e.key === 'Enter' || e.key === ' '))) return;
    const action = keyAction(e, 'large-view');
    if (action === 'next' || action === 'previous') step(action === 'next' ? 1 : -1);
    else if (action === 'zoom') setZoom((z) => !z);
    else if (!action || !onKey?.(action, id)) return;
    e.preventDefault();
  });
  useEffect(() => {
    const on = (e: KeyboardEvent) => onKeyDown(e);
    window.addEventListener('keydown', on);
    return () => window.removeEventListener('keydown', on);
  }, []);

  const retry = async () => {
    try {
      setActionError(null);
      await station.call('images.retry', { id });
    } catch (err) {
      setActionError((err as Error).message);
    }
  };

  return (
    <div className="overlay">
      <div ref={ref} className="detail" role="dialog" aria-modal="true" aria-label={`Large view of ${data?.fileName ?? 'the photo'}`} data-testid="image-detail" tabIndex={-1} data-autofocus>
        <div className="detail-head">
          <h2>{data?.fileName ?? 'Image'}{list && at >= 0 && <span className="muted detail-count"> · {at + 1} of {list.length}</span>}</h2>
          <div className="detail-tools">
            {list && <button type="button" className="button" onClick={() => step(-1)} disabled={at <= 0} aria-keyshortcuts="ArrowLeft">← Previous</button>}
            {list && <button type="button" className="button" onClick={() => step(1)} disabled={at < 0 || at >= list.length - 1} aria-keyshortcuts="ArrowRight">Next →</button>}
            <button type="button" className="button" onClick={() => setZoom(!zoom)} aria-pressed={zoom} data-testid="zoom" title={`Key ${keysOf('zoom')}`}>{zoom ? 'Fit (Z)' : '100 % (Z)'}</button>
            {onKey && (
              <>
                <button type="button" className="button eye-od" onClick={() => onKey('eye-right', id)} title="Key R">Right eye <kbd>R</kbd></button>
                <button type="button" className="button eye-os" onClick={() => onKey('eye-left', id)} title="Key L">Left eye <kbd>L</kbd></button>
                <button type="button" className="button" onClick={() => onKey('best', id)} title="Key B">★ Best <kbd>B</kbd></button>
                <button type="button" className="button danger" onClick={() => onKey('reject', id)} title={`Key ${keysOf('reject')}`}>Reject <kbd>X</kbd></button>
              </>
            )}
            <button type="button" className="button" onClick={onClose} data-close>Close (Esc)</button>
          </div>
        </div>
        {error && <div className="notice error" role="alert">{error}</div>}
        {data && (
          <div className="detail-body">
            <div className={`detail-image${zoom ? ' zoom' : ''}`} data-testid="detail-image" data-zoom={zoom ? '100' : 'fit'}>
              {data.fullUrl ? <img src={data.fullUrl} alt={`Full-size photo ${data.fileName}`} /> : <div className="no-thumb large">{data.status === 'error' ? data.error : data.previewNote ?? 'No preview'}</div>}
            </div>
            <div className="detail-facts">
              {data.orderId && !onKey && <a className="button detail-exam" href={`#/exam/${encodeURIComponent(data.orderId)}`}>Open the exam{data.orderLabel ? ` of ${data.orderLabel}` : ''}</a>}
              <div className="row-title">
                {data.status !== 'error' && <EyeBadge eye={data.laterality} />}
                <StatusBadge image={data} />
                <QualityBadge quality={data.quality} />
              </div>
              {data.status === 'error' && (
                <div className="notice error">
                  <p>{data.error}</p>
                  <button className="button" onClick={retry}>Try this file again</button>
                  {actionError && <p role="alert">{actionError}</p>}
                </div>
              )}
              {data.quality && data.quality.reasons.length > 0 && (
                <ul className="reasons" aria-label="Quality hints">{data.quality.reasons.map((r) => <li key={r}>{r}</li>)}</ul>
              )}
              <table className="facts">
                <tbody>
                  <tr><th>Source file</th><td className="path">{data.sourcePath}</td></tr>
                  <tr><th>Taken in</th><td>{formatDateTime(data.ingestedAt)}</td></tr>
                  <tr><th>Size</th><td>{formatBytes(data.sizeBytes)}</td></tr>
                  <tr><th>SHA-256</th><td className="path">{data.sha256 ?? '—'}</td></tr>
                  {Object.entries(data.facts)
                    .filter(([, v]) => v !== null && v !== undefined && v !== '')
                    .map(([k, v]) => (
                      <tr key={k}><th>{LABELS[k] ?? k}</th><td>{k === 'takenAt' ? formatDateTime(String(v)) : Array.isArray(v) ? v.join(' × ') : String(v)}</td></tr>
                    ))}
                </tbody>
              </table>
            </div>
          </div>
        )}
      </div>
    </div>
  );
}
