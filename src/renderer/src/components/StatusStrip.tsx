// The one status strip, on every screen, under the top bar, always one line high: which exam is
// "capturing now" (Open exam), and the most urgent thing to act on (a camera folder that is gone, a
// station notice, a camera being read, a refused file, a file the station already had), with the
// rest behind "+N more". It replaces the notice bar and the camera banner.
import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { station } from '../bridge.ts';
import { useStationQuery } from '../use-station.ts';
import { stripItems, sortStrip, type Duplicate, type StripItem } from '../status-strip.ts';
import { localDay } from '../worklist-text.ts';
import { cameraStripItems, CameraIcon, type CameraStripItem } from './CameraBanner.tsx';

type Shown = StripItem & { camera?: CameraStripItem };

const DUPLICATES_KEPT = 20;

export function StatusStrip({ onCamerasScreen, onKeys }: { onCamerasScreen: boolean; onKeys: () => void }) {
  const info = useStationQuery('station.info', {}, ['notice']);
  const sources = useStationQuery('sources.list', {}, ['sources.changed']);
  const refused = useStationQuery('images.list', { limit: 20, status: 'error' }, ['images.changed']);
  const cameras = useStationQuery('cameras.list', {}, ['cameras.changed', 'cameras.progress']);
  const now = useStationQuery('orders.capturingNow', {}, ['orders.changed']);
  const [duplicates, setDuplicates] = useState<Duplicate[]>([]);
  const [dismissed, setDismissed] = useState<ReadonlySet<string>>(new Set());
  const [open, setOpen] = useState(false);
  const moreRef = useRef<HTMLButtonElement>(null);

  useEffect(() => station.on('images.duplicate', (d) => setDuplicates((list) => [d, ...list].slice(0, DUPLICATES_KEPT))), []);

  const items: Shown[] = useMemo(() => {
    const base = stripItems({
      sources: sources.data?.items ?? [],
      notices: info.data?.notices ?? [],
      refused: refused.data?.items ?? [],
      duplicates,
      dismissed,
      today: localDay(),
    });
    const cams: Shown[] = (cameras.data ? cameraStripItems(cameras.data, onCamerasScreen) : []).map((c) => ({
      id: c.id,
      kind: 'camera',
      level: c.level,
      text: c.headline,
      actions: [],
      camera: c,
    }));
    return sortStrip([...base, ...cams]) as Shown[];
  }, [sources.data, info.data, refused.data, duplicates, dismissed, cameras.data, onCamerasScreen]);

  const dismiss = useCallback((item: Shown) => {
    if (item.camera?.dismissSession) void station.call('cameras.dismiss', { sessionId: item.camera.dismissSession });
    if (item.kind === 'duplicate') setDuplicates([]);
    else setDismissed((d) => new Set([...d, item.id]));
  }, []);

  const loadError = info.error;
  const [first, ...rest] = items;
  const capturing = now.data;
  return (
    <div className="status-strip" data-testid="status-strip" role="region" aria-label="Status">
      {capturing && (
        <div className="strip-now" data-testid="strip-capturing" role="status">
          <span className="strip-dot" aria-hidden>●</span>
          <span className="strip-text">Capturing now: <b>{capturing.patientName}</b> <span className="muted">· {capturing.patientId}</span></span>
          <a className="button small" href={`#/exam/${encodeURIComponent(capturing.orderId)}`}>Open exam</a>
        </div>
      )}
      {loadError && <div className="strip-item error" role="alert">{loadError}</div>}
      {!loadError && first && <StripLine item={first} onDismiss={dismiss} />}
      {!loadError && !first && <div className="strip-item quiet muted" data-testid="strip-quiet">{capturing ? 'Nothing else needs you now.' : 'Nothing needs you now. No exam is marked “capturing now”.'}</div>}
      {rest.length > 0 && (
        <button ref={moreRef} type="button" className="button small strip-more-button" aria-expanded={open} aria-controls="strip-more" onClick={() => setOpen(!open)}>
          +{rest.length} more
        </button>
      )}
      {open && rest.length > 0 && (
        <div
          id="strip-more"
          className="strip-more"
          data-testid="strip-more"
          onKeyDown={(e) => {
            if (e.key === 'Escape') {
              setOpen(false);
              moreRef.current?.focus();
            }
          }}
        >
          {rest.map((item) => <StripLine key={item.id} item={item} onDismiss={dismiss} />)}
        </div>
      )}
      <button type="button" className="button small keys-button" onClick={onKeys} aria-keyshortcuts="?" title="All keys (?)">Keys <kbd>?</kbd></button>
    </div>
  );
}

function StripLine({ item, onDismiss }: { item: Shown; onDismiss: (item: Shown) => void }) {
  const c = item.camera;
  return (
    <div
      className={`strip-item ${item.level}`}
      role={item.level === 'info' ? 'status' : 'alert'}
      data-testid={c ? 'camera-banner' : `strip-${item.kind}`}
      title={c ? `${c.headline} · ${c.detail}` : item.text}
    >
      {c && <CameraIcon className="camera-notice-icon" />}
      <span className="strip-text">
        {c ? <><strong>{c.headline}</strong> <span className="muted">· {c.detail}</span></> : item.text}
      </span>
      {c?.progress && <progress max={c.progress.max} value={c.progress.value} aria-label="Import progress" />}
      {c?.showPhotos && <a className="button small" href="#/cameras">Show photos</a>}
      {item.actions.map((a) =>
        a.href ? (
          <a key={a.label} className="button small" href={a.href}>{a.label}</a>
        ) : (
          <button key={a.label} type="button" className="button small" onClick={() => onDismiss(item)} aria-label={`Dismiss: ${item.text}`}>{a.label}</button>
        ),
      )}
      {c?.dismissSession && <button type="button" className="button small" onClick={() => onDismiss(item)} aria-label="Dismiss this message">Dismiss</button>}
    </div>
  );
}
