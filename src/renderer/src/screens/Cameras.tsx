import { useCallback, useEffect, useMemo, useState } from 'react';
import { station } from '../bridge.ts';
import { useStationQuery } from '../use-station.ts';
import { EyeBadge, PhotoTime, QualityBadge, UnsendableBadge } from '../components/Badges.tsx';
import { formatPhotoTime } from '../../../shared/photo-time.ts';
import { CameraIcon, progressText } from '../components/CameraBanner.tsx';
import { ImageDetail } from './ImageDetail.tsx';
import { formatDateTime } from '../format.ts';
import { validateDeviceProfile, type DeviceProfile, type ProfileProblem } from '../../../shared/devices.ts';
import type { MethodOutput } from '../../../shared/contract/index.ts';
import { LockBar, useItLock } from '../components/ItLock.tsx';
import { isTyping, keyAction } from '../keymap.ts';

type Camera = MethodOutput<'cameras.list'>['cameras'][number];
type Burst = MethodOutput<'cameras.photos'>['bursts'][number];

const STATE_TEXT: Record<Camera['state'], string> = {
  checking: 'Looking at the camera…',
  importing: 'Taking in photos',
  done: 'All photos taken in',
  interrupted: 'Import stopped',
  failed: 'Could not be read',
  'not-a-camera': 'Not a camera',
};


export function CamerasScreen() {
  const list = useStationQuery('cameras.list', {}, ['cameras.changed', 'cameras.progress']);
  const [sessionId, setSessionId] = useState<string | undefined>(undefined);
  const photos = useStationQuery('cameras.photos', sessionId ? { sessionId } : {}, ['cameras.changed', 'images.changed']);
  const [chosen, setSelected] = useState(0);
  const [openId, setOpenId] = useState<string | null>(null);
  const [message, setMessage] = useState<{ kind: 'error' | 'info'; text: string } | null>(null);
  const bursts = useMemo(() => photos.data?.bursts ?? [], [photos.data]);
  const capturing = photos.data?.capturingNow ?? null;
  // The list may shrink (another import chosen): keep the selection on a burst that exists.
  const selected = Math.min(chosen, Math.max(0, bursts.length - 1));

  const send = useCallback(
    async (index: number, eye: 'OD' | 'OS') => {
      const burst = bursts[index];
      if (!burst) return;
      try {
        const r = await station.call('cameras.sendBurst', { imageIds: burst.photos.map((p) => p.id), eye });
        const where = r.orderId ? `the exam of ${capturing?.patientName ?? 'the patient being photographed'}` : 'the Unassigned tray';
        setMessage({ kind: 'info', text: `Burst ${index + 1}: ${r.count} photo${r.count === 1 ? '' : 's'} filed as ${eye === 'OD' ? 'right eye (OD)' : 'left eye (OS)'} in ${where}.` });
        // On to the next burst that has no eye yet.
        const next = bursts.findIndex((b, i) => i > index && b.eye === null);
        if (next >= 0) setSelected(next);
      } catch (err) {
        setMessage({ kind: 'error', text: (err as Error).message });
      }
    },
    [bursts, capturing],
  );

  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (openId || e.defaultPrevented || isTyping(e.target) || bursts.length === 0 || document.querySelector('[aria-modal="true"]')) return;
      // The one key map (keymap.ts): ↑/↓ choose a burst, R right eye, L left eye (J/K kept as aliases).
      const alias = !e.altKey && !e.ctrlKey && !e.metaKey && (e.key === 'j' || e.key === 'k') ? (e.key === 'j' ? 'next' : 'previous') : null;
      const action = alias ?? keyAction(e, 'cameras');
      if (action === 'next' || action === 'previous') {
        e.preventDefault();
        const next = Math.max(0, Math.min(bursts.length - 1, selected + (action === 'next' ? 1 : -1)));
        setSelected(next);
        document.getElementById(`burst-${bursts[next]!.key}`)?.scrollIntoView({ block: 'nearest' });
      } else if (action === 'eye-right') {
        e.preventDefault();
        void send(selected, 'OD');
      } else if (action === 'eye-left') {
        e.preventDefault();
        void send(selected, 'OS');
      }
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [bursts, selected, send, openId]);

  const cameras = list.data?.cameras ?? [];
  const session = photos.data?.session ?? null;
  const sessions = list.data?.recentSessions ?? [];
  const watch = list.data?.watch;

  return (
    <section aria-label="Cameras" className="cameras">
      <div className="screen-head">
        <h1>Cameras</h1>
        <p className="muted">Plug a handheld camera in with its USB cable: photos it has not given before are taken in at once.</p>
      </div>
      {(list.error || photos.error) && <div className="notice error" role="alert">{list.error ?? photos.error}</div>}
      {watch?.problem && <div className="notice error" role="alert">{watch.problem} Call IT.</div>}

      <div className="camera-cards" role="group" aria-label="Plugged in">
        {cameras.length === 0 && (
          <div className="empty camera-empty">
            <p><strong>No camera plugged in.</strong></p>
            <p className="muted">Connect the camera with its USB cable (switch it on if needed). It shows here within a second or two.</p>
          </div>
        )}
        {cameras.map((c) => <CameraCard key={c.volumeId + c.mountPath} camera={c} />)}
      </div>

      <div className="burst-head">
        <div>
          <h2>New photos{session ? ` · ${session.deviceName}` : ''}</h2>
          {session && (
            <p className="muted">
              Imported {formatDateTime(session.startedAt)} · {session.newImages} new photo{session.newImages === 1 ? '' : 's'} in {bursts.length} burst{bursts.length === 1 ? '' : 's'} (photos within {photos.data?.burstSeconds} s of each other)
            </p>
          )}
        </div>
        {sessions.length > 1 && (
          <label className="session-pick">
            Import{' '}
            <select value={sessionId ?? ''} onChange={(e) => setSessionId(e.target.value || undefined)}>
              <option value="">Latest with new photos</option>
              {sessions.filter((s) => s.newImages > 0).map((s) => (
                <option key={s.id} value={s.id}>{formatDateTime(s.startedAt)} · {s.deviceName} · {s.newImages} new</option>
              ))}
            </select>
          </label>
        )}
      </div>

      {bursts.length > 0 && (
        <div className={`send-target ${capturing ? 'to-exam' : 'to-tray'}`} data-testid="send-target">
          {capturing ? (
            <span>Bursts go to the exam being photographed now: <strong>{capturing.patientName}</strong> <span className="muted">· {capturing.patientId}</span></span>
          ) : (
            <span>No exam is marked “capturing now”: a burst gets its eye and waits in the <strong>Unassigned</strong> tray.</span>
          )}
          <span className="keys" role="group" aria-label="Keyboard shortcuts">
            <kbd>↑</kbd><kbd>↓</kbd> choose a burst · <kbd>R</kbd> right eye (OD) · <kbd>L</kbd> left eye (OS)
          </span>
        </div>
      )}
      {message && <div className={`notice ${message.kind}`} role={message.kind === 'error' ? 'alert' : 'status'} data-testid="send-result">{message.text}</div>}

      {photos.data && photos.data.omitted > 0 && (
        <p className="muted">Showing the last {bursts.reduce((a, b) => a + b.photos.length, 0)} photos taken; the {photos.data.omitted} earlier ones of this import are in the Inbox.</p>
      )}
      {photos.data && bursts.length === 0 && (
        <div className="empty">
          <p>No new photos from a camera yet.</p>
          <p className="muted">When a camera is plugged in, its new photos appear here grouped by burst, ready to send to the right or left eye.</p>
        </div>
      )}

      <div className="bursts" role="listbox" aria-label="Bursts, in the order taken" aria-activedescendant={bursts[selected] ? `burst-${bursts[selected].key}` : undefined}>
        {bursts.map((b, i) => (
          <BurstRow
            key={b.key}
            burst={b}
            index={i}
            selected={i === selected}
            onSelect={() => setSelected(i)}
            onSend={(eye) => void send(i, eye)}
            onOpen={setOpenId}
          />
        ))}
      </div>

      <ProfilesPanel />
      {openId && <ImageDetail id={openId} onClose={() => setOpenId(null)} />}
    </section>
  );
}

function CameraCard({ camera: c }: { camera: Camera }) {
  const rescan = async () => {
    await station.call('cameras.rescan', { volumeId: c.volumeId }).catch(() => undefined);
  };
  const name = c.deviceName ?? c.label ?? c.mountPath;
  return (
    <div className={`camera-card ${c.state}`} data-testid="camera-card">
      <div className="camera-card-title">
        {c.state === 'not-a-camera' ? <span className="badge cam-state not-a-camera">USB drive</span> : <CameraIcon />}
        <strong>{name}</strong>
        <span className={`badge cam-state ${c.state}`}>{STATE_TEXT[c.state]}</span>
      </div>
      {c.session && <div className="camera-headline" data-testid="camera-headline">{c.session.headline}</div>}
      {c.state === 'importing' && c.progress && (
        <div className="camera-progress">
          <progress max={c.progress.totalBytes || 1} value={c.progress.doneBytes} aria-label={`Import progress of ${name}`} />
          <div data-testid="camera-progress">{progressText(c.progress)}</div>
        </div>
      )}
      {c.session && c.state !== 'importing' && c.session.message && (
        <div className={c.session.messageLevel === 'info' ? '' : 'reason'}>{c.session.message}</div>
      )}
      {c.detail && <div className={c.state === 'failed' ? 'reason' : 'muted'}>{c.detail}</div>}
      {c.state !== 'not-a-camera' && (
        <div className="muted small">
          Profile: {c.profileName} · {c.deleteAfterImport ? 'photos are deleted from the camera once safely taken in' : 'photos stay on the camera'}
          {c.serial && <> · serial {c.serial}</>}
        </div>
      )}
      {c.state !== 'checking' && c.state !== 'importing' && (
        <button className="button small" onClick={rescan}>Look again</button>
      )}
    </div>
  );
}

function BurstRow(props: {
  burst: Burst;
  index: number;
  selected: boolean;
  onSelect: () => void;
  onSend: (eye: 'OD' | 'OS') => void;
  onOpen: (id: string) => void;
}) {
  const { burst: b, index, selected } = props;
  const retakes = b.photos.filter((p) => p.quality?.verdict === 'retake').length;
  return (
    <div
      id={`burst-${b.key}`}
      role="option"
      aria-selected={selected}
      data-testid="burst"
      className={`burst ${selected ? 'selected' : ''} ${b.eye ? `filed ${b.eye}` : ''}`}
      onClick={props.onSelect}
    >
      <div className="burst-title">
        <strong>Burst {index + 1}</strong>
        <span className="muted">
          {b.start ? `${formatPhotoTime(b.start)}${b.end !== b.start ? `–${formatPhotoTime(b.end)}` : ''}` : 'time not known'} · {b.photos.length} photo{b.photos.length === 1 ? '' : 's'}
        </span>
        {retakes > 0 && <span className="badge quality retake">{retakes} to retake</span>}
        <span className="burst-filed">
          {b.eye === 'mixed' ? <span className="badge eye unknown">Mixed eyes</span> : b.eye ? <>Filed as <EyeBadge eye={b.eye} /></> : <span className="muted">Not filed yet</span>}
          {b.orderLabel && <span className="muted"> · {b.orderLabel}</span>}
        </span>
        <span className="burst-actions">
          <button className={`button eye-button od ${b.eye === 'OD' ? 'chosen' : ''}`} onClick={(e) => { e.stopPropagation(); props.onSelect(); props.onSend('OD'); }} title="Key R">
            Right eye · OD <kbd>R</kbd>
          </button>
          <button className={`button eye-button os ${b.eye === 'OS' ? 'chosen' : ''}`} onClick={(e) => { e.stopPropagation(); props.onSelect(); props.onSend('OS'); }} title="Key L">
            Left eye · OS <kbd>L</kbd>
          </button>
        </span>
      </div>
      <div className="burst-photos">
        {b.photos.map((p) => (
          <figure key={p.id} className="burst-photo" data-testid="burst-photo">
            <button className="thumb big" onClick={(e) => { e.stopPropagation(); props.onOpen(p.id); }} aria-label={`Open photo ${p.fileName}`}>
              {p.thumbnailUrl ? <img src={p.thumbnailUrl} alt="" loading="lazy" /> : <span className="no-thumb">No preview</span>}
            </button>
            <figcaption>
              <QualityBadge quality={p.quality} />
              <UnsendableBadge image={p} />
              {!p.quality && <span className="muted small">quality not checked</span>}
              <PhotoTime time={p.time} className="small" />
              <span className="muted small file-name" title={p.sourcePath}>{p.fileName}</span>
            </figcaption>
          </figure>
        ))}
      </div>
    </div>
  );
}

// ---- device profiles (IT sets these up once per camera model)

interface ProfileForm {
  id: string;
  name: string;
  make: string;
  model: string;
  serial: string;
  volumeLabel: string;
  photoPaths: string;
  fileNameRule: string;
  burstSeconds: string;
  writesLaterality: boolean;
  writesPatientId: boolean;
  deleteAfterImport: boolean;
}

const newProfileId = () => `profile-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 7)}`;

const toForm = (p: DeviceProfile | null): ProfileForm => ({
  id: p?.id ?? newProfileId(),
  name: p?.name ?? '',
  make: p?.match.make ?? '',
  model: p?.match.model ?? '',
  serial: p?.match.serial ?? '',
  volumeLabel: p?.match.volumeLabel ?? '',
  photoPaths: (p?.photoPaths ?? ['DCIM']).join(', '),
  fileNameRule: p?.fileNameRule ?? '',
  burstSeconds: String(p?.burstSeconds ?? 10),
  writesLaterality: p?.writesLaterality ?? false,
  writesPatientId: p?.writesPatientId ?? false,
  deleteAfterImport: p?.deleteAfterImport ?? false,
});

const fromForm = (f: ProfileForm) => ({
  id: f.id,
  name: f.name,
  match: { make: f.make, model: f.model, serial: f.serial, volumeLabel: f.volumeLabel },
  photoPaths: f.photoPaths.split(/[,;\n]/).map((s) => s.trim()).filter((s) => s !== ''),
  fileNameRule: f.fileNameRule,
  burstSeconds: f.burstSeconds.trim() === '' ? Number.NaN : Number(f.burstSeconds),
  writesLaterality: f.writesLaterality,
  writesPatientId: f.writesPatientId,
  deleteAfterImport: f.deleteAfterImport,
});

function ProfilesPanel() {
  const { data, error } = useStationQuery('cameras.profiles', {}, ['cameras.changed']);
  const [form, setForm] = useState<ProfileForm | null>(null);
  const [problems, setProblems] = useState<ProfileProblem[]>([]);
  const [saveError, setSaveError] = useState<string | null>(null);
  const { locked } = useItLock();
  const profiles = data?.items ?? [];

  const edit = (p: DeviceProfile | null) => {
    setForm(toForm(p));
    setProblems([]);
    setSaveError(null);
  };
  const problemFor = (field: string) => problems.filter((p) => p.field === field || p.field.startsWith(`${field}.`)).map((p) => p.message).join(' ');

  const save = async (e: React.FormEvent) => {
    e.preventDefault();
    if (!form) return;
    const checked = validateDeviceProfile(fromForm(form));
    if (!checked.ok) {
      setProblems(checked.problems);
      return;
    }
    try {
      await station.call('cameras.saveProfile', { profile: checked.profile });
      setForm(null);
    } catch (err) {
      setSaveError((err as Error).message);
    }
  };

  const remove = async (p: DeviceProfile) => {
    if (!confirm(`Delete the profile "${p.name}"? Cameras it matched get the defaults.`)) return;
    await station.call('cameras.removeProfile', { id: p.id }).catch((err: Error) => setSaveError(err.message));
  };

  const field = (key: keyof ProfileForm, label: string, hint?: string, problemKey: string = key) => (
    <label className="pf-field">
      <span>{label}</span>
      <input value={String(form![key])} onChange={(e) => setForm({ ...form!, [key]: e.target.value })} aria-invalid={problemFor(problemKey) ? true : undefined} />
      {hint && <small className="muted">{hint}</small>}
      {problemFor(problemKey) && <small className="reason">{problemFor(problemKey)}</small>}
    </label>
  );
  const check = (key: 'writesLaterality' | 'writesPatientId' | 'deleteAfterImport', label: string) => (
    <label className="pf-check">
      <input type="checkbox" checked={form![key]} onChange={(e) => setForm({ ...form!, [key]: e.target.checked })} /> {label}
    </label>
  );

  return (
    <details className="profiles" open={form !== null || undefined}>
      <summary>
        <h2>Device profiles</h2>
        <span className="muted">
          {profiles.length === 0 ? 'None: every camera with a DCIM folder is read with the defaults.' : `${profiles.length} profile${profiles.length === 1 ? '' : 's'}`} (for IT)
        </span>
      </summary>
      <LockBar what="Device profiles" />
      {error && <div className="notice error">{error}</div>}
      <fieldset className="it-fields" disabled={locked}>
      <table className="sources">
        <thead>
          <tr><th>Profile</th><th>For</th><th>Photo folders</th><th>Bursts</th><th>After import</th><th /></tr>
        </thead>
        <tbody>
          {profiles.map((p) => (
            <tr key={p.id} data-testid="profile-row">
              <td>{p.name}</td>
              <td className="muted">{describeMatch(p)}</td>
              <td className="path">{p.photoPaths.join(', ')}</td>
              <td>within {p.burstSeconds} s</td>
              <td>{p.deleteAfterImport ? <span className="reason">delete from camera</span> : 'keep on camera'}</td>
              <td className="row-buttons">
                <button className="button small" onClick={() => edit(p)}>Edit</button>
                <button className="button small danger" onClick={() => void remove(p)}>Delete</button>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      {!form && <button className="button" onClick={() => edit(null)}>Add a profile</button>}
      {form && (
        <form className="profile-form" onSubmit={save} noValidate aria-label="Device profile">
          <div className="pf-grid">
            {field('name', 'Name', 'e.g. Optomed Aurora')}
            {field('burstSeconds', 'Burst gap (seconds)', 'Photos taken within this many seconds are one burst.')}
            {field('make', 'Camera make', 'As in the photo’s EXIF; empty = any', 'match.make')}
            {field('model', 'Camera model', 'Empty = any', 'match.model')}
            {field('serial', 'Serial number', 'Empty = any camera of this model', 'match.serial')}
            {field('volumeLabel', 'Drive name (volume label)', 'Empty = any', 'match.volumeLabel')}
            {field('photoPaths', 'Photo folders on the camera', 'Comma-separated, e.g. DCIM, Images/Fundus')}
            {field('fileNameRule', 'File-name rule (optional)', 'e.g. ^(?<patientId>\\d+)_(?<eye>OD|OS)_')}
          </div>
          <div className="pf-checks">
            {check('writesLaterality', 'The camera records which eye in the photo')}
            {check('writesPatientId', 'The camera records the patient ID in the photo')}
            {check('deleteAfterImport', 'Delete photos from the camera once they are safely taken in')}
          </div>
          {form.deleteAfterImport && <p className="reason small">Only photos confirmed safe in the station are deleted, and never from a drive that is not recognised as this camera.</p>}
          {problemFor('') && <div className="reason">{problemFor('')}</div>}
          {saveError && <div className="notice error" role="alert">{saveError}</div>}
          <div className="row-buttons">
            <button className="button primary" type="submit">Save profile</button>
            <button className="button" type="button" onClick={() => setForm(null)}>Cancel</button>
          </div>
        </form>
      )}
      </fieldset>
    </details>
  );
}

function describeMatch(p: DeviceProfile): string {
  const m = p.match;
  const parts = [m.make, m.model, m.serial && `serial ${m.serial}`, m.volumeLabel && `drive “${m.volumeLabel}”`].filter(Boolean);
  return parts.length ? parts.join(' · ') : 'any camera';
}
