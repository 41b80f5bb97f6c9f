// One exam: the patient, then the right eye (OD) and the left eye (OS) side by side, each photo a
// large thumbnail in the order taken. Everything the operator does here is one click (or one key)
// and can be undone; drag and drop moves photos between eyes or back to Unassigned.
// Keys (the one key map, keymap.ts; "?" shows it): on a photo ←/→ move, R/L file it (or the chosen
// photos: Space, Shift+arrows) to the right/left eye, M other eye, B best, X/Delete reject,
// U back to Unassigned, G its eye ungradable, Enter view large; anywhere C capturing now,
// Ctrl+Enter complete. After each action the focus goes to the next sensible photo (exam-keys.ts).
import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import type { ExamImage } from '../../../shared/contract/index.ts';
import { station } from '../bridge.ts';
import { useStationQuery } from '../use-station.ts';
import { useAction } from '../use-action.ts';
import { RetakeBanner, sendPromise, UnsendableBanner } from '../components/ExamBanners.tsx';
import { UndoToast, useUndo } from '../components/UndoToast.tsx';
import { OrderForm } from '../components/OrderForm.tsx';
import { OrderPicker } from '../components/OrderPicker.tsx';
import { ShiftRequired } from '../components/Shift.tsx';
import { DRAG_TYPE, PhotoCard, RejectDialog, type CardActions, type Eye } from '../components/PhotoCard.tsx';
import { EyeColumn } from '../components/EyeColumn.tsx';
import { ImageDetail } from './ImageDetail.tsx';
import { cardsOnScreen, focusAfterMove, useExamKeys, usePendingFocus, type Section } from './exam-keys.ts';
import type { KeyActionId } from '../keymap.ts';
import { age, EYE_NAME, otherEye, RULE_TEXT_MANY, SEX_TEXT, STATUS_TEXT, dateTime, timeHm } from '../worklist-text.ts';
import '../worklist.css';

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

const photoCount = (n: number) => (n === 1 ? '1 photo' : `${n} photos`);

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
  const [chosen, setChosen] = useState<ReadonlySet<string>>(new Set());
  const undo = useUndo();
  const focusNext = usePendingFocus(exam);
  // The photo G was pressed on: the focus comes back to it once its eye is marked ungradable.
  const ungradableFrom = useRef<string | null>(null);
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
  const allImages = useMemo(() => (exam ? [...exam.unknownEye, ...exam.eyes.OD.images, ...exam.eyes.OS.images] : []), [exam]);
  const byId = useMemo(() => new Map(allImages.map((i) => [i.id, i])), [allImages]);

  /** File photos under an eye (one or several chosen), offer Undo, and focus the next sensible photo. */
  const fileTo = useCallback(
    (imgs: ExamImage[], eye: Eye) => {
      const toMove = imgs.filter((i) => i.eye !== eye || exam?.unknownEye.some((u) => u.id === i.id));
      if (toMove.length === 0) return;
      const next = focusAfterMove(cardsOnScreen(), toMove.map((i) => i.id), eye);
      void run(async () => {
        await station.call('images.assign', { imageIds: toMove.map((i) => i.id), orderId: id, eye });
        setChosen(new Set());
        if (next) focusNext(next);
        const text = toMove.length === 1 ? `Moved ${toMove[0]!.fileName} to the ${EYE_NAME[eye].toLowerCase()}.` : `Moved ${photoCount(toMove.length)} to the ${EYE_NAME[eye].toLowerCase()}.`;
        undo.offer(text, async () => {
          for (const before of ['OD', 'OS', null] as const) {
            const ids = toMove.filter((i) => i.eye === before).map((i) => i.id);
            if (ids.length) await station.call('images.assign', { imageIds: ids, orderId: id, eye: before });
          }
        });
      });
    },
    [exam, id, run, focusNext, undo],
  );

  const actions: CardActions = useMemo(
    () => ({
      best: (img, eye) => void run(async () => { await station.call('exam.pickBest', { orderId: id, eye, imageId: img.id }); say(`Photo ${img.fileName} is now the best image of the ${EYE_NAME[eye].toLowerCase()}.`); }),
      autoBest: (eye) => void run(() => station.call('exam.pickBest', { orderId: id, eye, imageId: null })),
      setEye: (img, eye) => fileTo([img], eye),
      unassign: (img) => {
        const next = focusAfterMove(cardsOnScreen(), [img.id], null);
        void run(async () => {
          await station.call('images.assign', { imageIds: [img.id], orderId: null, eye: null });
          if (next) focusNext(next);
          say(`${img.fileName} is back in Unassigned.`);
        });
      },
      other: (img) => setMoving(img),
      reject: (img) => setRejecting(img),
      unreject: (img) => void run(() => station.call('images.unreject', { imageId: img.id })),
      view: (img) => setViewing(img.id),
    }),
    [id, run, say, fileTo, focusNext],
  );

  const locked = exam ? exam.order.status === 'complete' || exam.order.status === 'sent' : true;
  const complete = useCallback(() => {
    if (!exam || locked || exam.blockers.length > 0) return;
    void run(async () => {
      await station.call('exam.complete', { orderId: exam.order.id });
      say(`Exam complete: ${sendPromise(exam)}.`);
      focusNext({ id: '', selector: '[data-back]' });
    });
  }, [exam, locked, run, say, focusNext]);

  /** A key on a focused photo (keymap.ts): what it does to that photo, or to the chosen ones. */
  const onCard = (action: KeyActionId, card: HTMLElement): boolean => {
    const img = byId.get(card.dataset['imageId'] ?? '');
    if (!img) return false;
    const section = card.dataset['section'] as Section;
    const eye = section === 'unknown' ? null : section;
    const cards = [...document.querySelectorAll<HTMLElement>('[data-photo-card]')];
    const me = cards.indexOf(card);
    const go = (i: number) => cards[Math.max(0, Math.min(cards.length - 1, i))]?.focus();
    const choose = (ids: string[]) => setChosen((c) => new Set([...c, ...ids]));
    switch (action) {
      case 'open': actions.view(img); return true;
      case 'next': go(me + 1); return true;
      case 'previous': go(me - 1); return true;
      case 'extend-next':
      case 'extend-previous': {
        const other = cards[me + (action === 'extend-next' ? 1 : -1)];
        choose([img.id, ...(other ? [other.dataset['imageId']!] : [])]);
        other?.focus();
        return true;
      }
      case 'select':
        setChosen((c) => {
          const n = new Set(c);
          if (n.has(img.id)) n.delete(img.id);
          else n.add(img.id);
          return n;
        });
        return true;
    }
    if (locked) return false;
    const group = chosen.size > 0 && chosen.has(img.id) ? [...chosen].flatMap((i) => byId.get(i) ?? []) : [img];
    switch (action) {
      case 'eye-right': fileTo(group, 'OD'); return true;
      case 'eye-left': fileTo(group, 'OS'); return true;
      case 'other-eye': if (eye) fileTo([img], otherEye(eye)); return !!eye;
      case 'best': if (eye && !img.rejected && !img.unsendable) actions.best(img, eye); return true;
      case 'reject': if (!img.rejected) actions.reject(img); return true;
      case 'unassign': actions.unassign(img); return true;
      case 'ungradable': {
        const select = eye && document.querySelector<HTMLElement>(`[data-ungradable="${eye}"]`);
        if (select) {
          ungradableFrom.current = img.id;
          select.focus();
        }
        return !!select;
      }
      default: return onExam(action);
    }
  };
  /** A key anywhere in the exam that is not on a photo. */
  const onExam = (action: KeyActionId): boolean => {
    if (action === 'next' || action === 'previous') {
      const first = document.querySelector<HTMLElement>('[data-photo-card]');
      first?.focus();
      return !!first;
    }
    if (!exam || locked) return false;
    if (action === 'capturing-now') {
      void run(() => station.call('orders.setCapturingNow', { id: exam.order.id, on: !exam.order.capturingNow }));
      return true;
    }
    if (action === 'complete') {
      complete();
      return true;
    }
    return false;
  };
  useExamKeys({ onCard, onExam });

  if (!orderId) return <section><p>No exam chosen. <a href="#/worklist">Back to the worklist</a></p></section>;
  if (loadError && !exam) return <section><div className="notice error" role="alert">{loadError}</div><p><a href="#/worklist">Back to the worklist</a></p></section>;
  if (!exam || exam.order.id !== orderId) return <section><p className="muted">Loading…</p></section>;

  const o = exam.order;
  const weak = allImages.filter((i) => i.matchConfidence === 'weak' && !i.rejected);
  const weakIds = weak.map((i) => i.id);
  const weakRules = [...new Set(weak.map((i) => RULE_TEXT_MANY[i.matchRule ?? ''] ?? i.matchRule))].join(' or ');
  const dropOn = (imageId: string, eye: Eye) => void run(() => station.call('images.assign', { imageIds: [imageId], orderId: o.id, eye }));
  // Where the focus goes when nothing else holds it: a photo that needs an eye, else the first photo.
  const homeId = (exam.unknownEye[0] ?? allImages.find((i) => !i.rejected))?.id ?? null;
  const reasons = settings?.ungradableReasons ?? [];
  const afterUngradable = () => {
    const from = ungradableFrom.current;
    ungradableFrom.current = null;
    focusNext(from ? { id: from } : { id: '', selector: '[data-focus-home]' });
  };

  return (
    <section className="wl-exam" aria-label="Exam">
      <div className="wl-exam-head">
        <a href="#/worklist" className="button" data-back>← Worklist</a>
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
              title="Key C. While this is on, photos that do not say which patient they show are filed under this exam (you are asked to check them)"
              aria-keyshortcuts="C"
              data-focus-home={homeId === null || undefined}
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
          <h2>Which eye? The file does not say. <span className="muted wl-which-keys">Press <kbd>R</kbd> or <kbd>L</kbd> on a photo; <kbd>Space</kbd> chooses several.</span></h2>
          <div className="wl-cards">
            {exam.unknownEye.map((img, i) => <PhotoCard key={img.id} img={img} eye={null} bestRule={null} locked={locked} actions={actions} index={i} chosen={chosen.has(img.id)} home={img.id === homeId} />)}
          </div>
        </section>
      )}
      <div className="wl-columns">
        <EyeColumn exam={exam} eye="OD" reasons={reasons} locked={locked} actions={actions} onDropImage={dropOn} chosen={chosen} homeId={homeId} onMarked={afterUngradable} />
        <EyeColumn exam={exam} eye="OS" reasons={reasons} locked={locked} actions={actions} onDropImage={dropOn} chosen={chosen} homeId={homeId} onMarked={afterUngradable} />
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
            <button className="button primary big" disabled={busy || exam.blockers.length > 0} onClick={complete} data-complete aria-keyshortcuts="Control+Enter" title="Ctrl+Enter">
              ✓ Complete exam
            </button>
          </>
        )}
        <span className="muted small wl-keys-hint">Keys on a photo: <kbd>R</kbd>/<kbd>L</kbd> right/left eye · <kbd>B</kbd> best · <kbd>X</kbd> reject · <kbd>G</kbd> ungradable · <kbd>Ctrl+Enter</kbd> complete · <kbd>?</kbd> all keys</span>
      </footer>
      {viewing && (
        <ImageDetail
          id={viewing}
          onClose={() => setViewing(null)}
          list={allImages.map((i) => i.id)}
          onShow={setViewing}
          onKey={locked ? undefined : (action, imageId) => {
            const img = byId.get(imageId);
            if (!img) return false;
            if (action === 'eye-right' || action === 'eye-left') fileTo([img], action === 'eye-right' ? 'OD' : 'OS');
            else if (action === 'best' && img.eye && !img.rejected && !img.unsendable) actions.best(img, img.eye);
            else if (action === 'reject' && !img.rejected) actions.reject(img);
            else return false;
            return true;
          }}
        />
      )}
      {rejecting && (
        <RejectDialog
          image={rejecting}
          reasons={settings?.rejectReasons ?? []}
          onClose={() => setRejecting(null)}
          onDone={(reason) => {
            const img = rejecting;
            setRejecting(null);
            const next = focusAfterMove(cardsOnScreen(), [img.id], null);
            void run(async () => {
              await station.call('images.reject', { imageId: img.id, reason });
              if (next) focusNext(next);
              say(`${img.fileName} rejected: ${reason}.`);
            });
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
    </section>
  );
}
