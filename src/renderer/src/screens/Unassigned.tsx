// Photos the station could not link to a patient, grouped by capture burst (close in time). Each
// burst is assigned to a patient and eye in one action; untick photos to leave them here.
import { useState } from 'react';
import type { MethodOutput } from '../../../shared/contract/index.ts';
import { station } from '../bridge.ts';
import { useStationQuery } from '../use-station.ts';
import { useAction } from '../use-action.ts';
import { EyeBadge, PhotoTime, QualityBadge, UnsendableBadge } from '../components/Badges.tsx';
import { UndoToast, useUndo } from '../components/UndoToast.tsx';
import { formatPhotoTime } from '../../../shared/photo-time.ts';
import { OrderPicker } from '../components/OrderPicker.tsx';
import { ShiftRequired } from '../components/Shift.tsx';
import { ImageDetail } from './ImageDetail.tsx';
import { EYE_NAME } from '../worklist-text.ts';
import '../worklist.css';

type Burst = MethodOutput<'unassigned.list'>['bursts'][number];

const eyeSummary = (b: Burst, ids: Set<string>): string => {
  const imgs = b.images.filter((i) => ids.has(i.id));
  const od = imgs.filter((i) => i.eye === 'OD').length;
  const os = imgs.filter((i) => i.eye === 'OS').length;
  const none = imgs.length - od - os;
  return [od && `${od} right`, os && `${os} left`, none && `${none} not known`].filter(Boolean).join(', ');
};

function BurstCard({ burst, onView, onAssigned }: { burst: Burst; onView: (id: string) => void; onAssigned: (text: string, ids: string[]) => void }) {
  const [selected, setSelected] = useState<Set<string>>(() => new Set(burst.images.filter((i) => !i.rejected).map((i) => i.id)));
  const [picking, setPicking] = useState(false);
  const { run, error, busy } = useAction();
  const ids = burst.images.map((i) => i.id).filter((id) => selected.has(id));
  const notes = [...new Set(burst.images.map((i) => i.matchNote).filter((n): n is string => !!n))];
  const toggle = (id: string) => {
    const next = new Set(selected);
    if (next.has(id)) next.delete(id);
    else next.add(id);
    setSelected(next);
  };
  const allKnown = burst.images.filter((i) => selected.has(i.id)).every((i) => i.eye);
  return (
    <article className="wl-burst" data-testid="burst" aria-label={`Burst taken ${formatPhotoTime(burst.start)}`}>
      <header className="wl-burst-head">
        <h2>{burst.start ? `${formatPhotoTime(burst.start)}${burst.end !== burst.start ? ` – ${formatPhotoTime(burst.end)}` : ''}` : 'Time not known'}</h2>
        <span className="muted">{burst.images.length} photo{burst.images.length === 1 ? '' : 's'} · eyes: {eyeSummary(burst, new Set(burst.images.map((i) => i.id)))}</span>
        <button className="button primary" disabled={busy || ids.length === 0} onClick={() => setPicking(true)}>
          Assign {ids.length === burst.images.length ? (ids.length === 1 ? 'this photo' : `all ${ids.length}`) : `${ids.length} chosen`} to a patient…
        </button>
      </header>
      {notes.map((n) => <p key={n} className="wl-card-note check">{n}</p>)}
      <div className="wl-burst-photos">
        {burst.images.map((img) => (
          <label key={img.id} className={`wl-mini${selected.has(img.id) ? ' chosen' : ''}${img.rejected ? ' rejected' : ''}`}>
            <input type="checkbox" checked={selected.has(img.id)} onChange={() => toggle(img.id)} aria-label={`Include ${img.fileName}`} />
            <button type="button" className="wl-thumb small" onClick={() => onView(img.id)} aria-label={`View ${img.fileName} large`}>
              {img.thumbnailUrl ? <img src={img.thumbnailUrl} alt="" /> : <span className="no-thumb">No preview</span>}
            </button>
            <span className="wl-mini-info">
              <EyeBadge eye={img.eye} /> <QualityBadge quality={img.quality} /> <UnsendableBadge image={img} />
              <PhotoTime time={img.time} className="small" />
              <span className="file-name small" title={img.sourcePath}>{img.fileName}</span>
              {img.rejected && <span className="small bad">Rejected: {img.rejectedReason}</span>}
            </span>
          </label>
        ))}
      </div>
      {error && <div className="notice error" role="alert">{error}</div>}
      {picking && (
        <OrderPicker
          title={`Assign ${ids.length} photo${ids.length === 1 ? '' : 's'} to a patient`}
          defaultEye={allKnown ? 'as-file' : null}
          eyeFromFile={eyeSummary(burst, new Set(ids))}
          confirmLabel="Assign"
          onClose={() => setPicking(false)}
          onPick={(orderId, eye) => {
            setPicking(false);
            void run(async () => {
              await station.call('images.assign', { imageIds: ids, orderId, eye });
              const where = eye === 'as-file' ? 'the eye each file says' : `the ${EYE_NAME[eye].toLowerCase()}`;
              onAssigned(`Assigned ${ids.length === 1 ? '1 photo' : `${ids.length} photos`} to a patient, ${where}.`, ids);
            });
          }}
        />
      )}
    </article>
  );
}

export function UnassignedScreen() {
  const { data, error } = useStationQuery('unassigned.list', { limit: 1000 }, ['images.changed', 'orders.changed']);
  const [viewing, setViewing] = useState<string | null>(null);
  const undo = useUndo();
  // Undo sends the photos back here; they keep the eye their files say, as before.
  const assigned = (text: string, ids: string[]) => undo.offer(text, () => station.call('images.assign', { imageIds: ids, orderId: null, eye: 'as-file' }));
  return (
    <section className="wl-screen" aria-label="Unassigned">
      <div className="screen-head">
        <h1>Unassigned</h1>
        <p className="muted">
          {data ? `${data.total} photo${data.total === 1 ? '' : 's'} not linked to a patient` : 'Loading…'} · photos taken within 30 seconds of each other are grouped, newest first
        </p>
      </div>
      <ShiftRequired />
      <UndoToast undo={undo} />
      {error && <div className="notice error" role="alert">{error}</div>}
      {data && data.bursts.length === 0 && (
        <div className="empty">
          <p>Nothing to sort out.</p>
          <p className="muted">Photos that the station cannot link to a patient wait here until you assign them.</p>
        </div>
      )}
      <div className="wl-bursts">
        {data?.bursts.map((b) => <BurstCard key={`${b.key}-${b.images.length}`} burst={b} onView={setViewing} onAssigned={assigned} />)}
      </div>
      {viewing && <ImageDetail id={viewing} onClose={() => setViewing(null)} />}
    </section>
  );
}
