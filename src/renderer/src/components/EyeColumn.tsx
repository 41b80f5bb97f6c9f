// One eye of the exam: its facts (photos, gradable, best), the "ungradable" mark, and its photos.
// Photos can be dropped here from the other eye.
import { useState } from 'react';
import type { Exam } from '../../../shared/contract/index.ts';
import { station } from '../bridge.ts';
import { useAction } from '../use-action.ts';
import { UngradableForm } from './UngradableForm.tsx';
import { DRAG_TYPE, PhotoCard, type CardActions, type Eye } from './PhotoCard.tsx';
import { BEST_RULE_TEXT, EYE_NAME } from '../worklist-text.ts';

export function EyeColumn({ exam, eye, reasons, locked, actions, onDropImage, chosen, homeId, onMarked }: { exam: Exam; eye: Eye; reasons: string[]; locked: boolean; actions: CardActions; onDropImage: (id: string, eye: Eye) => void; chosen: ReadonlySet<string>; homeId: string | null; onMarked: () => void }) {
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
          <UngradableForm eye={eye} reasons={reasons} goodCount={e.images.filter((i) => !i.rejected && !i.unsendable && i.quality?.verdict === 'good').length} onMark={(reason) => void run(async () => { await station.call('exam.setUngradable', { orderId, eye, reason }); onMarked(); })} />
        ))}
        {error && <div className="notice error small" role="alert">{error}</div>}
      </header>
      <div className="wl-cards" role="group" aria-label={`Photos of the ${EYE_NAME[eye].toLowerCase()}`}>
        {e.images.length === 0 && (
          <p className="wl-drop-hint">
            {e.ungradableReason
              ? `Marked ungradable (${e.ungradableReason}): no photo needed.`
              : locked
                ? 'No photo.'
                : 'No photo yet. Photos of this eye appear here as the camera saves them. You can also drag a photo here.'}
          </p>
        )}
        {e.images.map((img, i) => <PhotoCard key={img.id} img={img} eye={eye} bestRule={e.best?.rule ?? null} locked={locked} actions={actions} index={i} chosen={chosen.has(img.id)} home={img.id === homeId} />)}
      </div>
    </section>
  );
}
