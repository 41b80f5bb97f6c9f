// One photo of an exam (a large thumbnail with its time, badges and buttons) and the Reject dialog.
// Its keys are the exam's (screens/exam-keys.ts, from the one key map): the card only carries the
// data they need (data-image-id, data-section) and shows whether it is chosen for a multi-filing.
import { useState } from 'react';
import type { ExamImage } from '../../../shared/contract/index.ts';
import { PhotoTime, QualityBadge, UnsendableBadge } from './Badges.tsx';
import { SyncBadge } from './SyncIndicator.tsx';
import { DicomOrigin } from './DicomTag.tsx';
import { Dialog } from './Dialog.tsx';
import { formatPhotoTime } from '../../../shared/photo-time.ts';
import { otherEye, RULE_TEXT } from '../worklist-text.ts';
import { keysOf } from '../keymap.ts';

export type Eye = 'OD' | 'OS';
export const DRAG_TYPE = 'application/x-station-image';

export interface CardActions {
  best(img: ExamImage, eye: Eye): void;
  autoBest(eye: Eye): void;
  setEye(img: ExamImage, eye: Eye): void;
  unassign(img: ExamImage): void;
  other(img: ExamImage): void;
  reject(img: ExamImage): void;
  unreject(img: ExamImage): void;
  view(img: ExamImage): void;
}

export function RejectDialog({ image, reasons, onDone, onClose }: { image: ExamImage; reasons: string[]; onDone: (reason: string) => void; onClose: () => void }) {
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

export interface PhotoCardProps {
  img: ExamImage;
  /** The eye column it is in; null in "Which eye?". */
  eye: Eye | null;
  bestRule: string | null;
  locked: boolean;
  actions: CardActions;
  index: number;
  chosen: boolean;
  home?: boolean;
}

export function PhotoCard({ img, eye, bestRule, locked, actions, index, chosen, home }: PhotoCardProps) {
  const weak = img.matchConfidence === 'weak';
  return (
    <div
      className={`wl-card${img.isBest ? ' best' : ''}${img.rejected ? ' rejected' : ''}${weak ? ' weak' : ''}${chosen ? ' chosen' : ''}`}
      tabIndex={0}
      data-photo-card
      data-testid="photo-card"
      data-file={img.fileName}
      data-image-id={img.id}
      data-section={eye ?? 'unknown'}
      data-focus-home={home || undefined}
      role="group"
      aria-label={`Photo ${index + 1}, ${img.fileName}, taken ${formatPhotoTime(img.time.at)}${img.isBest ? ', best image' : ''}${img.rejected ? ', rejected' : ''}${img.unsendable ? ', cannot be sent' : ''}${chosen ? ', chosen' : ''}`}
      draggable={!locked}
      onDragStart={(e) => {
        e.dataTransfer.setData(DRAG_TYPE, img.id);
        e.dataTransfer.setData('text/plain', img.id);
        e.dataTransfer.effectAllowed = 'move';
      }}
    >
      <button className="wl-thumb" onClick={() => actions.view(img)} tabIndex={-1}>
        <span className="sr-only">View {img.fileName} large</span>
        {img.thumbnailUrl ? <img src={img.thumbnailUrl} alt="" draggable={false} /> : <span className="no-thumb">{img.previewNote ?? 'No preview'}</span>}
        <span className="wl-num">{index + 1}</span>
        {chosen && <span className="wl-chosen-flag" aria-hidden>✓ Chosen</span>}
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
          <button className="button eye-od" onClick={() => actions.setEye(img, 'OD')} title={`Key ${keysOf('eye-right')}`}>OD · Right <kbd>R</kbd></button>
          <button className="button eye-os" onClick={() => actions.setEye(img, 'OS')} title={`Key ${keysOf('eye-left')}`}>OS · Left <kbd>L</kbd></button>
        </div>
      )}
      {!locked && eye !== null && (
        <div className="wl-card-buttons">
          {!img.rejected && !img.unsendable && (img.isBest && bestRule === 'operator' ? (
            <button className="button small" onClick={() => actions.autoBest(eye)} title="Let the station choose again">★ Chosen · undo</button>
          ) : (
            <button className="button small" onClick={() => actions.best(img, eye)} title={`Key ${keysOf('best')}`}>☆ Make best</button>
          ))}
          <button className="button small" onClick={() => actions.setEye(img, otherEye(eye))} title={`Key ${keysOf(eye === 'OD' ? 'eye-left' : 'eye-right')} (or M)`}>{eye === 'OD' ? 'Move to left eye →' : '← Move to right eye'}</button>
          <details className="wl-menu">
            <summary className="button small">More ▾</summary>
            <div className="wl-menu-items">
              <button className="button small" onClick={() => actions.other(img)}>Move to another patient…</button>
              <button className="button small" onClick={() => actions.unassign(img)} title={`Key ${keysOf('unassign')}`}>Back to Unassigned</button>
              {!img.rejected && <button className="button small danger" onClick={() => actions.reject(img)} title={`Key ${keysOf('reject')}`}>Reject…</button>}
            </div>
          </details>
        </div>
      )}
    </div>
  );
}
