// One exam: the patient, then the right eye (OD) and the left eye (OS) side by side, each photo a
// large thumbnail in the order taken. Everything the operator does here is one click (or one key)
// and can be undone; drag and drop moves photos between eyes or back to Unassigned.
//   Keys on a focused photo: ←/→/↑/↓ move between photos, B best, M other eye, R reject,
//   U back to Unassigned, Enter view large.
import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import type { Exam, ExamImage } from '../../../shared/contract/index.ts';
import { station } from '../bridge.ts';
import { useStationQuery } from '../use-station.ts';
import { useAction } from '../use-action.ts';
import { PhotoTime, QualityBadge, UnsendableBadge } from '../components/Badges.tsx';
import { RetakeBanner, sendPromise, UnsendableBanner } from '../components/ExamBanners.tsx';
import { UngradableForm } from '../components/UngradableForm.tsx';
import { UndoToast, useUndo } from '../components/UndoToast.tsx';
import { formatPhotoTime } from '../../../shared/photo-time.ts';
import { SyncBadge } from '../components/SyncIndicator.tsx';
import { DicomOrigin } from '../components/DicomTag.tsx';
import { Dialog } from '../components/Dialog.tsx';
import { OrderForm } from '../components/OrderForm.tsx';
import { OrderPicker } from '../components/OrderPicker.tsx';
import { ShiftRequired } from '../components/Shift.tsx';
import { ImageDetail } from './ImageDetail.tsx';
import { age, BEST_RULE_TEXT, EYE_NAME, otherEye, RULE_TEXT, RULE_TEXT_MANY, SEX_TEXT, STATUS_TEXT, dateTime, timeHm } from '../worklist-text.ts';
import '../worklist.css';

type Eye = 'OD' | 'OS';
const DRAG_TYPE = 'application/x-station-image';

export const examIdFromHash = (): string | null => {
  const [screen, id] = location.hash.replace(/^#\/?/, '').split('/');
  return (screen === 'exam' || screen === 'audit') && id ? decodeURIComponent(id) : null;
};

export function useHashId(): string | null {
  const [id, setId] = useState(examIdFromHash);
  useEffect(() => {
    const on = () => setId(examIdFromHash());
    window.addEventListener('hashchange', on);
    return () => window.removeEventListener('hashchange', on);
  }, []);
  return id;
}

function RejectDialog({ image, reasons, onDone, onClose }: { image: ExamImage; reasons: string[]; onDone: (reason: string) => void; onClose: () => void }) {
  const [choice, setChoice] = useState(reasons[0] ?? '');
  const [other, setOther] = useState('');
  const reason = choice === '__other' ? other.trim() : choice;
  return (
    <Dialog title={`Reject photo ${image.fileName}`} onClose={onClose} testId="reject-dialog">
      <p className="muted">A rejected photo is kept in the record but never sent and never chosen as the best image. You can take it back.</p>
      <form onSubmit={(e) => { e.preventDefault(); if (reason) onDone(reason); }}>
        <fieldset className="wl-reasons">
          <legend>Why?</legend>
          {reasons.map((r) => (
            <label key={r}><input type="radio" name="reason" checked={choice === r} onChange={() => setChoice(r)} /> {r}</label>
          ))}
          <label><input type="radio" name="reason" checked={choice === '__other'} onChange={() => setChoice('__other')} /> Other:</label>
          {choice === '__other' && <input value={other} onChange={(e) => setOther(e.target.value)} maxLength={200} aria-label="Other reason" autoFocus />}
        </fieldset>
        <div className="wl-actions">
          <button className="button primary danger-fill" disabled={!reason}>Reject photo</button>
          <button type="button" className="button" onClick={onClose}>Cancel</button>
        </div>
      </form>
    </Dialog>
  );
}

interface CardActions {
  best(img: ExamImage, eye: Eye): void;
  autoBest(eye: Eye): void;
  setEye(img: ExamImage, eye: Eye): void;
  unassign(img: ExamImage): void;
  other(img: ExamImage): void;
  reject(img: ExamImage): void;
  unreject(img: ExamImage): void;
  view(img: ExamImage): void;
}

function PhotoCard({ img, eye, bestRule, locked, actions, index }: { img: ExamImage; eye: Eye | null; bestRule: string | null; locked: boolean; actions: CardActions; index: number }) {
  const weak = img.matchConfidence === 'weak';
  const onKey = (e: React.KeyboardEvent<HTMLDivElement>) => {
    if (e.target !== e.currentTarget) return;
    const k = e.key.toLowerCase();
    const cards = [...document.querySelectorAll<HTMLElement>('[data-photo-card]')];
    const me = cards.indexOf(e.currentTarget);
    const focus = (i: number) => cards[Math.max(0, Math.min(cards.length - 1, i))]?.focus();
    if (k === 'enter') actions.view(img);
    else if (k === 'arrowright' || k === 'arrowdown') focus(me + 1);
    else if (k === 'arrowleft' || k === 'arrowup') focus(me - 1);
    else if (locked) return;
    else if (k === 'b' && eye && !img.rejected && !img.unsendable) actions.best(img, eye);
    else if (k === 'm' && eye) actions.setEye(img, otherEye(eye));
    else if (k === 'r' && !img.rejected) actions.reject(img);
    else if (k === 'u') actions.unassign(img);
    else return;
    e.preventDefault();
  };
  return (
    <div
      className={`wl-card${img.isBest ? ' best' : ''}${img.rejected ? ' rejected' : ''}${weak ? ' weak' : ''}`}
      tabIndex={0}
      data-photo-card
      data-testid="photo-card"
      data-file={img.fileName}
      aria-label={`Photo ${index + 1}, ${img.fileName}, taken ${formatPhotoTime(img.time.at)}${img.isBest ? ', best image' : ''}${img.rejected ? ', rejected' : ''}${img.unsendable ? ', cannot be sent' : ''}`}
      draggable={!locked}
      onDragStart={(e) => {
        e.dataTransfer.setData(DRAG_TYPE, img.id);
        e.dataTransfer.setData('text/plain', img.id);
        e.dataTransfer.effectAllowed = 'move';
      }}
      onKeyDown={onKey}
    >
      <button className="wl-thumb" onClick={() => actions.view(img)} tabIndex={-1} aria-label={`View ${img.fileName} large`}>
        {img.thumbnailUrl ? <img src={img.thumbnailUrl} alt="" draggable={false} /> : <span className="no-thumb">{img.previewNote ?? 'No preview'}</span>}
        <span className="wl-num">{index + 1}</span>
        {img.isBest && <span className="wl-best-flag">★ Best{bestRule && bestRule !== 'operator' ? ' (auto)' : ''}</span>}
      </button>
      <div className="wl-card-info">
        <PhotoTime time={img.time} className="wl-card-time" />
        <UnsendableBadge image={img} />
        <QualityBadge quality={img.quality} />
        <SyncBadge state={img.syncState} />
        <span className="file-name small" title={img.sourcePath}>{img.fileName}</span>
      </div>
      <DicomOrigin img={img} />
      {img.unsendable && !img.rejected && (
        <div className="wl-card-note unsendable" data-testid="unsendable-note" title={img.unsendable}>Will not be sent. Export it from the camera as JPEG, then reject this one.</div>
      )}
      {img.rejected && (
        <div className="wl-card-note bad">
          Rejected: {img.rejectedReason} {!locked && <button className="button small" onClick={() => actions.unreject(img)}>Take back</button>}
        </div>
      )}
      {weak && !img.rejected && !locked && (
        <div className="wl-card-note check" data-testid="weak-link">
          <span>Linked by {RULE_TEXT[img.matchRule ?? ''] ?? img.matchRule}: check it</span>
          <button className="button small" onClick={() => actions.unassign(img)} title="Send it back to Unassigned">✕ Not this patient</button>
        </div>
      )}
      {!locked && eye === null && (
        <div className="wl-card-buttons big">
          <button className="button eye-od" onClick={() => actions.setEye(img, 'OD')}>OD · Right</button>
          <button className="button eye-os" onClick={() => actions.setEye(img, 'OS')}>OS · Left</button>
        </div>
      )}
      {!locked && eye !== null && (
        <div className="wl-card-buttons">
          {!img.rejected && !img.unsendable && (img.isBest && bestRule === 'operator' ? (
            <button className="button small" onClick={() => actions.autoBest(eye)} title="Let the station choose again">★ Chosen · undo</button>
          ) : (
            <button className="button small" onClick={() => actions.best(img, eye)} title="B">☆ Make best</button>
          ))}
          <button className="button small" onClick={() => actions.setEye(img, otherEye(eye))} title="M">{eye === 'OD' ? 'Move to left eye →' : '← Move to right eye'}</button>
          <details className="wl-menu">
            <summary className="button small">More ▾</summary>
            <div className="wl-menu-items">
              <button className="button small" onClick={() => actions.other(img)}>Move to another patient…</button>
              <button className="button small" onClick={() => actions.unassign(img)} title="U">Back to Unassigned</button>
              {!img.rejected && <button className="button small danger" onClick={() => actions.reject(img)} title="R">Reject…</button>}
            </div>
          </details>
        </div>
      )}
    </div>
  );
}

function EyeColumn({ exam, eye, reasons, locked, actions, onDropImage }: { exam: Exam; eye: Eye; reasons: string[]; locked: boolean; actions: CardActions; onDropImage: (id: string, eye: Eye) => void }) {
  const e = exam.eyes[eye];
  const [over, setOver] = useState(false);
  const { run, error } = useAction();
  const orderId = exam.order.id;
  const usable = e.images.filter((i) => !i.rejected).length;
  const bestIndex = e.images.findIndex((i) => i.id === e.best?.imageId);
  const gradText = { yes: ['ok', '✓ Gradable'], no: ['bad', '✕ No gradable photo yet: retake'], unknown: ['check', '? Check the quality'], none: ['', 'No photo yet'], ungradable: ['bad', `Ungradable: ${e.ungradableReason}`] }[e.gradable];
  return (
    <section
      className={`wl-col ${eye.toLowerCase()}${over ? ' over' : ''}`}
      aria-label={EYE_NAME[eye]}
      data-testid={`eye-${eye}`}
      onDragOver={(ev) => {
        if (locked || !ev.dataTransfer.types.includes(DRAG_TYPE)) return;
        ev.preventDefault();
        setOver(true);
      }}
      onDragLeave={() => setOver(false)}
      onDrop={(ev) => {
        setOver(false);
        const id = ev.dataTransfer.getData(DRAG_TYPE);
        if (id) {
          ev.preventDefault();
          onDropImage(id, eye);
        }
      }}
    >
      <header className="wl-col-head">
        <h2><span className={`badge eye ${eye.toLowerCase()}`}>{eye}</span> {EYE_NAME[eye]}</h2>
        <div className="wl-col-facts">
          <span>{usable} photo{usable === 1 ? '' : 's'}{e.images.length > usable ? ` (+${e.images.length - usable} rejected)` : ''}</span>
          <span className={`wl-chip ${gradText[0]}`} data-testid={`gradable-${eye}`}>{gradText[1]}</span>
          {e.best && <span className="wl-chip" data-testid={`best-${eye}`}>★ Best: photo {bestIndex + 1}, {BEST_RULE_TEXT[e.best.rule]}</span>}
        </div>
        {!locked && (e.ungradableReason ? (
          <div className="wl-ungradable">
            <button className="button small" onClick={() => void run(() => station.call('exam.setUngradable', { orderId, eye, reason: null }))}>Take back "ungradable"</button>
          </div>
        ) : (
          <UngradableForm eye={eye} reasons={reasons} goodCount={e.images.filter((i) => !i.rejected && !i.unsendable && i.quality?.verdict === 'good').length} onMark={(reason) => void run(() => station.call('exam.setUngradable', { orderId, eye, reason }))} />
        ))}
        {error && <div className="notice error small" role="alert">{error}</div>}
      </header>
      <div className="wl-cards">
        {e.images.length === 0 && (
          <p className="wl-drop-hint">
            {e.ungradableReason
              ? `Marked ungradable (${e.ungradableReason}): no photo needed.`
              : locked
                ? 'No photo.'
                : 'No photo yet. Photos of this eye appear here as the camera saves them. You can also drag a photo here.'}
          </p>
        )}
        {e.images.map((img, i) => <PhotoCard key={img.id} img={img} eye={eye} bestRule={e.best?.rule ?? null} locked={locked} actions={actions} index={i} />)}
      </div>
    </section>
  );
}

export function ExamScreen() {
  const orderId = useHashId();
  const { data: exam, error: loadError } = useStationQuery('exam.get', { orderId: orderId ?? '' }, ['orders.changed', 'images.changed']);
  const { data: settings } = useStationQuery('worklist.settings.get', {}, ['providers.changed']);
  const { run, error, busy } = useAction();
  const [rejecting, setRejecting] = useState<ExamImage | null>(null);
  const [moving, setMoving] = useState<ExamImage | null>(null);
  const [viewing, setViewing] = useState<string | null>(null);
  const [editing, setEditing] = useState(false);
  const [dragging, setDragging] = useState(false);
  const [toast, setToast] = useState<string | null>(null);
  const undo = useUndo();
  const toastTimer = useRef<ReturnType<typeof setTimeout>>(undefined);
  const say = useCallback((text: string) => {
    setToast(text);
    clearTimeout(toastTimer.current);
    toastTimer.current = setTimeout(() => setToast(null), 4000);
  }, []);

  useEffect(() => {
    const start = (e: DragEvent) => e.dataTransfer?.types.includes(DRAG_TYPE) && setDragging(true);
    const end = () => setDragging(false);
    window.addEventListener('dragstart', start);
    window.addEventListener('dragend', end);
    window.addEventListener('drop', end);
    return () => {
      window.removeEventListener('dragstart', start);
      window.removeEventListener('dragend', end);
      window.removeEventListener('drop', end);
    };
  }, []);

  const id = exam?.order.id ?? '';
  const actions: CardActions = useMemo(
    () => ({
      best: (img, eye) => void run(async () => { await station.call('exam.pickBest', { orderId: id, eye, imageId: img.id }); say(`Photo ${img.fileName} is now the best image of the ${EYE_NAME[eye].toLowerCase()}.`); }),
      autoBest: (eye) => void run(() => station.call('exam.pickBest', { orderId: id, eye, imageId: null })),
      setEye: (img, eye) => void run(async () => { await station.call('images.assign', { imageIds: [img.id], orderId: id, eye }); say(`Moved ${img.fileName} to the ${EYE_NAME[eye].toLowerCase()}.`); }),
      unassign: (img) => void run(async () => { await station.call('images.assign', { imageIds: [img.id], orderId: null, eye: null }); say(`${img.fileName} is back in Unassigned.`); }),
      other: (img) => setMoving(img),
      reject: (img) => setRejecting(img),
      unreject: (img) => void run(() => station.call('images.unreject', { imageId: img.id })),
      view: (img) => setViewing(img.id),
    }),
    [id, run, say],
  );

  if (!orderId) return <section><p>No exam chosen. <a href="#/worklist">Back to the worklist</a></p></section>;
  if (loadError && !exam) return <section><div className="notice error" role="alert">{loadError}</div><p><a href="#/worklist">Back to the worklist</a></p></section>;
  if (!exam || exam.order.id !== orderId) return <section><p className="muted">Loading…</p></section>;

  const o = exam.order;
  const locked = o.status === 'complete' || o.status === 'sent';
  const allImages = [...exam.eyes.OD.images, ...exam.eyes.OS.images, ...exam.unknownEye];
  const weak = allImages.filter((i) => i.matchConfidence === 'weak' && !i.rejected);
  const weakIds = weak.map((i) => i.id);
  const weakRules = [...new Set(weak.map((i) => RULE_TEXT_MANY[i.matchRule ?? ''] ?? i.matchRule))].join(' or ');
  const dropOn = (imageId: string, eye: Eye) => void run(() => station.call('images.assign', { imageIds: [imageId], orderId: o.id, eye }));

  return (
    <section className="wl-exam" aria-label="Exam">
      <div className="wl-exam-head">
        <a href="#/worklist" className="button">← Worklist</a>
        <div className="wl-patient-head">
          <h1 data-testid="patient-name">{o.name}</h1>
          <div className="wl-patient-facts">
            <span><b>ID</b> {o.patientId}</span>
            {o.birthDate && <span><b>Born</b> {o.birthDate} ({age(o.birthDate)})</span>}
            {o.sex && <span>{SEX_TEXT[o.sex]}</span>}
            <span><b>Appointment</b> {dateTime(o.scheduledAt)}</span>
            {o.accessionNumber && <span><b>Accession</b> {o.accessionNumber}</span>}
            {o.externalOrderId && <span><b>Order</b> {o.externalOrderId}</span>}
            <span className="muted">{o.source === 'walk-in' ? 'Walk-in' : 'From the clinic worklist'}</span>
          </div>
        </div>
        <div className="wl-exam-tools">
          <span className={`badge wl-status big ${o.status}`} data-testid="exam-status">{STATUS_TEXT[o.status]}{locked && o.revision > 1 ? ` (version ${o.revision})` : ''}</span>
          {!locked && (
            <button
              className={`button${o.capturingNow ? ' primary' : ''}`}
              aria-pressed={o.capturingNow}
              onClick={() => void run(() => station.call('orders.setCapturingNow', { id: o.id, on: !o.capturingNow }))}
              title="While this is on, photos that do not say which patient they show are filed under this exam (you are asked to check them)"
            >
              {o.capturingNow ? '● Capturing now' : '○ Capturing now'}
            </button>
          )}
          {o.editable && !locked && <button className="button" onClick={() => setEditing(true)}>Edit details</button>}
          <a className="button" href={`#/audit/${o.id}`}>History</a>
        </div>
      </div>
      <ShiftRequired />
      {(error || toast) && (
        <div className={`notice ${error ? 'error' : 'info'} wl-toast`} role={error ? 'alert' : 'status'}>{error ?? toast}</div>
      )}
      <UndoToast undo={undo} />
      {!locked && <RetakeBanner exam={exam} />}
      <UnsendableBanner exam={exam} />
      {weakIds.length > 0 && !locked && (
        <div className="notice warning wl-weak-banner" data-testid="weak-banner">
          <span>
            <b>{weakIds.length === 1 ? '1 photo was' : `${weakIds.length} photos were`} linked by {weakRules}</b>, not by a patient ID inside the file.
            Check {weakIds.length === 1 ? 'it shows' : 'they show'} {o.name}.
          </span>
          <button className="button" disabled={busy} onClick={() => void run(() => station.call('images.confirmMatch', { imageIds: weakIds }))}>
            ✓ {weakIds.length === 1 ? 'It is' : 'They are'} this patient's
          </button>
        </div>
      )}
      {exam.unknownEye.length > 0 && (
        <section className="wl-which-eye" aria-label="Which eye?" data-testid="which-eye">
          <h2>Which eye? The file does not say.</h2>
          <div className="wl-cards">
            {exam.unknownEye.map((img, i) => <PhotoCard key={img.id} img={img} eye={null} bestRule={null} locked={locked} actions={actions} index={i} />)}
          </div>
        </section>
      )}
      <div className="wl-columns">
        <EyeColumn exam={exam} eye="OD" reasons={settings?.ungradableReasons ?? []} locked={locked} actions={actions} onDropImage={dropOn} />
        <EyeColumn exam={exam} eye="OS" reasons={settings?.ungradableReasons ?? []} locked={locked} actions={actions} onDropImage={dropOn} />
      </div>
      {dragging && !locked && (
        <div
          className="wl-unassign-drop"
          onDragOver={(ev) => ev.preventDefault()}
          onDrop={(ev) => {
            const imageId = ev.dataTransfer.getData(DRAG_TYPE);
            if (imageId) void run(() => station.call('images.assign', { imageIds: [imageId], orderId: null, eye: null }));
          }}
        >
          Drop here to send the photo back to Unassigned
        </div>
      )}
      <footer className="wl-exam-foot">
        {locked ? (
          <>
            <span className="wl-done" data-testid="exam-complete">✓ Exam complete{o.completedAt ? ` since ${timeHm(o.completedAt)}` : ''}{o.status === 'sent' ? ' and sent' : `: ${sendPromise(exam)}`}.</span>
            <button className="button" disabled={busy} onClick={() => void run(() => station.call('exam.reopen', { orderId: o.id }))}>Reopen to change it</button>
          </>
        ) : (
          <>
            {exam.blockers.length > 0 && <ul className="wl-blockers" data-testid="blockers">{exam.blockers.map((b) => <li key={b}>{b}</li>)}</ul>}
            <button
              className="button primary big"
              disabled={busy || exam.blockers.length > 0}
              onClick={() => void run(async () => { await station.call('exam.complete', { orderId: o.id }); say(`Exam complete: ${sendPromise(exam)}.`); })}
            >
              ✓ Complete exam
            </button>
          </>
        )}
        <span className="muted small">Keys on a photo: B best · M other eye · R reject · U unassigned · Enter view large · drag a photo to the other eye</span>
      </footer>
      {rejecting && (
        <RejectDialog
          image={rejecting}
          reasons={settings?.rejectReasons ?? []}
          onClose={() => setRejecting(null)}
          onDone={(reason) => {
            const img = rejecting;
            setRejecting(null);
            void run(async () => { await station.call('images.reject', { imageId: img.id, reason }); say(`${img.fileName} rejected: ${reason}.`); });
          }}
        />
      )}
      {moving && (
        <OrderPicker
          title={`Move photo ${moving.fileName} to another patient`}
          excludeId={o.id}
          defaultEye={moving.eye}
          confirmLabel="Move photo"
          onClose={() => setMoving(null)}
          onPick={(target, eye) => {
            const img = moving;
            setMoving(null);
            void run(async () => {
              await station.call('images.assign', { imageIds: [img.id], orderId: target, eye });
              undo.offer(`${img.fileName} moved to another patient.`, () => station.call('images.assign', { imageIds: [img.id], orderId: o.id, eye: img.eye }));
            });
          }}
        />
      )}
      {editing && <OrderForm order={o} onClose={() => setEditing(false)} onSaved={() => setEditing(false)} />}
      {viewing && <ImageDetail id={viewing} onClose={() => setViewing(null)} />}
    </section>
  );
}
