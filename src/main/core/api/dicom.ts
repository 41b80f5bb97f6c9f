// The DICOM node's contract methods (src/shared/contract/dicom.ts) over the dicom-node feature,
// and the views of its cameras and their activity.
import type { dicomMethods, MethodOutput } from '../../../shared/contract/index.ts';
import type { DicomCamera } from '../../../shared/dicom-settings.ts';
import { idleActivity, type CameraActivity } from '../dicom-node/activity.ts';
import { normaliseAe } from '../dicom-node/association-policy.ts';
import type { DicomNodeFeature } from '../dicom-node/feature.ts';
import type { ReceivedByCamera } from '../store/dicom.ts';
import type { Handlers } from './types.ts';

type DicomMethod = keyof typeof dicomMethods;
type ActivityOut = MethodOutput<'dicom.status'>['unknownCallers'][number];
type CameraOut = MethodOutput<'dicom.cameras.list'>[number];


function activityView(a: CameraActivity, ever: ReceivedByCamera | undefined): ActivityOut {
  return { ...a, objectsEver: ever?.objects ?? 0, lastReceivedAt: ever?.last_received_at ?? null };
}

function views(f: DicomNodeFeature): { cameras: CameraOut[]; unknownCallers: ActivityOut[] } {
  const live = new Map(f.activity.all().map((a) => [normaliseAe(a.callingAe), a]));
  const ever = new Map(f.repo.receivedByCamera().map((r) => [normaliseAe(r.calling_ae), r]));
  const cameras = f.cameras().map((c: DicomCamera) => {
    const key = normaliseAe(c.aeTitle);
    const view = { ...c, activity: activityView(live.get(key) ?? idleActivity(key), ever.get(key)) };
    live.delete(key);
    ever.delete(key);
    return view;
  });
  const unknownCallers = [...live.entries()].map(([key, a]) => activityView(a, ever.get(key)));
  return { cameras, unknownCallers };
}

/** The start of today on this computer's clock, as an ISO time (rows store UTC ISO times). */
export function localMidnightIso(now = new Date()): string {
  const d = new Date(now);
  d.setHours(0, 0, 0, 0);
  return d.toISOString();
}

export function dicomApi(f: DicomNodeFeature): Handlers<DicomMethod> {
  const status = (): MethodOutput<'dicom.status'> => ({ listener: f.listener.status(), ...views(f), today: f.repo.receivedSince(localMidnightIso()) });
  return {
    'dicom.settings.get': () => f.settings(),
    'dicom.settings.update': async (patch) => {
      await f.updateSettings(patch);
      return status();
    },
    'dicom.cameras.list': () => views(f).cameras,
    'dicom.cameras.save': ({ camera, previousAeTitle }) => {
      f.saveCamera(camera, previousAeTitle);
      return views(f).cameras;
    },
    'dicom.cameras.remove': ({ aeTitle }) => ({ ok: true as const, removed: f.removeCamera(aeTitle) }),
    'dicom.status': () => status(),
  };
}
