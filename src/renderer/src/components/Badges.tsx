import type { MethodOutput } from '../../../shared/contract/index.ts';
import { cameraClockNote, formatPhotoTime, photoTimeTitle } from '../../../shared/photo-time.ts';
import '../flow-core.css';

type Image = MethodOutput<'images.list'>['items'][number];

export function EyeBadge({ eye }: { eye: string | null }) {
  if (eye === 'OD') return <span className="badge eye od" title="Right eye (oculus dexter)">OD · Right</span>;
  if (eye === 'OS') return <span className="badge eye os" title="Left eye (oculus sinister)">OS · Left</span>;
  return <span className="badge eye unknown" title="The file does not say which eye">Eye ?</span>;
}

export function StatusBadge({ image }: { image: Image }) {
  if (image.status === 'error') return <span className="badge status error">Refused</span>;
  if (image.status === 'waiting') return <span className="badge status waiting">Arriving…</span>;
  if (image.preview === 'none') return <span className="badge status nopreview">Kept · no preview</span>;
  return <span className="badge status ready">Ready</span>;
}

const VERDICT_TEXT = { good: 'Good', borderline: 'Check', retake: 'Retake' } as const;

/** The reason as short as the badge needs: the words before the colon ("Blurry: refocus and retake" -> "Blurry"). */
function shortReason(reason: string): string {
  const cut = reason.indexOf(':');
  return cut > 0 ? reason.slice(0, cut) : reason;
}

export function QualityBadge({ quality }: { quality: Image['quality'] }) {
  if (!quality) return null;
  const reasons = quality.reasons.length ? quality.reasons.join('\n') : 'Looks gradable';
  // The worst reason is on the badge itself; all of them, with what to do, are in the tooltip.
  const first = quality.verdict !== 'good' ? quality.reasons[0] : undefined;
  const more = quality.reasons.length - 1;
  return (
    <span className={`badge quality ${quality.verdict}`} title={reasons}>
      <span className="sr-only">Quality: </span>
      {quality.verdict === 'good' ? '✓' : quality.verdict === 'retake' ? '✕' : '!'} {VERDICT_TEXT[quality.verdict]}
      {first && (
        <span className="reason">
          {' · '}
          {shortReason(first)}
          {more > 0 && <span className="more"> +{more}</span>}
        </span>
      )}
      <span className="sr-only">. {reasons}</span>
    </span>
  );
}

/**
 * The photo's one time (its capture time when believable, else its arrival): the time alone when
 * today, else date and time; a camera clock that cannot be right is flagged beside it.
 */
export function PhotoTime({ time, className }: { time: Image['time']; className?: string }) {
  const note = cameraClockNote(time.cameraClock);
  return (
    <span className={`photo-time${className ? ` ${className}` : ''}`} data-testid="photo-time">
      <span title={photoTimeTitle(time)}>{formatPhotoTime(time.at)}</span>
      {note && <span className="badge clock-warn" data-testid="clock-warn" title="The photo is shown and sorted by when the station took it in.">⚠ {note}</span>}
    </span>
  );
}

/** The platform cannot take this photo (a TIFF, a PNG): said on the photo itself, with what to do in its title. */
export function UnsendableBadge({ image }: { image: Pick<Image, 'unsendable' | 'format'> }) {
  if (!image.unsendable) return null;
  const what = image.format && image.format !== 'unknown' ? image.format.toUpperCase() : 'unknown format';
  return (
    <span className="badge unsendable" data-testid="unsendable-badge" title={image.unsendable}>
      ✕ Cannot be sent · {what}
    </span>
  );
}
