// The exam's loud notices while the patient is still in the chair: a photo to retake (for either
// eye, and for a photo whose eye is not known yet), and photos the platform cannot take.
import type { Exam } from '../../../shared/contract/index.ts';
import { EYE_NAME } from '../worklist-text.ts';

const sentence = (text: string): string => (text === '' || /[.!?]$/.test(text) ? text : `${text}.`);

/** The latest shot of an eye (or the latest one with no eye yet) says retake: say it loudly. */
export function RetakeBanner({ exam }: { exam: Exam }) {
  const alerts: { key: 'OD' | 'OS' | 'none'; title: string; reasons: string[]; file: string; hasGood: boolean }[] = (['OD', 'OS'] as const).flatMap((eye) => {
    const e = exam.eyes[eye];
    const latest = e.images.filter((i) => !i.rejected && !i.unsendable).at(-1);
    if (!latest || latest.quality?.verdict !== 'retake' || e.ungradableReason) return [];
    return [{ key: eye, title: `Retake ${EYE_NAME[eye]}:`, reasons: latest.quality.reasons, file: latest.fileName, hasGood: e.gradable === 'yes' }];
  });
  const noEye = exam.unknownEye.filter((i) => !i.rejected && !i.unsendable).at(-1);
  if (noEye?.quality?.verdict === 'retake') {
    alerts.push({ key: 'none', title: 'Retake (eye not known yet):', reasons: noEye.quality.reasons, file: noEye.fileName, hasGood: false });
  }
  if (alerts.length === 0) return null;
  return (
    <div className="notice error wl-retake-banner" role="alert" data-testid="retake-banner">
      {alerts.map((a) => (
        <p key={a.key}>
          <b>{a.title}</b> the last photo ({a.file}) is not usable. {sentence(a.reasons.join(' · '))}
          {a.key === 'none' && ' Say which eye it shows, then take that eye again.'}
          {a.hasGood && <span className="muted"> An earlier photo of this eye is good; keep it if you cannot do better.</span>}
        </p>
      ))}
    </div>
  );
}

/** Every photo of the exam that cannot be sent, with what to do; said at once, not after the upload fails. */
export function UnsendableBanner({ exam }: { exam: Exam }) {
  const all = [...exam.eyes.OD.images, ...exam.eyes.OS.images, ...exam.unknownEye].filter((i) => i.unsendable && !i.rejected);
  if (all.length === 0) return null;
  const names = all.map((i) => i.fileName).join(', ');
  return (
    <div className="notice error" role="alert" data-testid="unsendable-banner">
      <p>
        <b>{all.length === 1 ? `1 photo cannot be sent (${names})` : `${all.length} photos cannot be sent (${names})`}:</b> the platform takes JPEG and DICOM photos only.
        Export {all.length === 1 ? 'it' : 'them'} from the camera as JPEG (the new file is taken in by itself) and reject {all.length === 1 ? 'this one' : 'these'}.
        {all.length === 1 ? ' It is' : ' They are'} kept on the station but never sent, and the exam does not wait for {all.length === 1 ? 'it' : 'them'}.
      </p>
    </div>
  );
}

/** What completing says about sending: it never promises a photo that cannot be sent. */
export function sendPromise(exam: Exam): string {
  const n = [...exam.eyes.OD.images, ...exam.eyes.OS.images].filter((i) => i.unsendable && !i.rejected).length;
  if (n === 0) return 'it will be sent';
  return `it will be sent without ${n === 1 ? 'the 1 photo' : `the ${n} photos`} that cannot be sent`;
}
