// The Cameras screen's contract methods (src/shared/contract/volumes.ts) over the cameras
// feature, and the views of its rows.
import type { MethodOutput, volumeMethods } from '../../../shared/contract/index.ts';
import { StationError } from '../../../shared/errors.ts';
import { DEFAULT_PROFILE, progressPayload, type CamerasFeature, type Connected } from '../cameras/feature.ts';
import { connectedMessage, sessionLevel } from '../cameras/messages.ts';
import type { SessionRow } from '../store/cameras.ts';
import { groupBursts } from '../worklist/bursts.ts';
import { toSummary } from './images.ts';
import type { Handlers, MediaUrls } from './types.ts';

type CameraMethod = keyof typeof volumeMethods;
type ConnectedOut = MethodOutput<'cameras.list'>['cameras'][number];
type SessionOut = MethodOutput<'cameras.list'>['recentSessions'][number];

export function sessionView(row: SessionRow): SessionOut {
  return {
    id: row.id,
    deviceId: row.device_id,
    deviceName: row.device_name,
    volumeLabel: row.volume_label,
    state: row.state,
    startedAt: row.started_at,
    finishedAt: row.finished_at,
    filesOnCamera: row.files_on_camera,
    filesToImport: row.files_to_import,
    bytesToImport: row.bytes_to_import,
    filesDone: row.files_done,
    bytesDone: row.bytes_done,
    newImages: row.new_images,
    alreadyKnown: row.already_known,
    refused: row.refused,
    deletedFromCamera: row.deleted_from_camera,
    headline: connectedMessage(row.files_to_import, row.files_on_camera),
    message: row.message,
    messageLevel: sessionLevel(row),
    dismissed: row.dismissed_at !== null,
  };
}

function connectedView(f: CamerasFeature, c: Connected): ConnectedOut {
  const session = c.sessionId ? f.repo.session(c.sessionId) : undefined;
  const profile = c.profile ?? DEFAULT_PROFILE;
  return {
    volumeId: c.volume.id,
    label: c.volume.label,
    mountPath: c.volume.mountPath,
    state: c.state,
    detail: c.detail,
    deviceId: c.deviceId,
    deviceName: c.deviceName,
    make: c.make,
    model: c.model,
    serial: c.serial,
    profileId: c.profile?.id ?? null,
    profileName: profile.name,
    deleteAfterImport: profile.deleteAfterImport,
    connectedAt: c.connectedAt,
    session: session ? sessionView(session) : null,
    progress: c.importer ? progressPayload(c.importer.progress()) : null,
  };
}

export interface CamerasApiDeps {
  urls: MediaUrls;
  /** "Name · patient ID" of an order (worklist feature). */
  orderLabel?(orderId: string): string | null;
}

export function camerasApi(f: CamerasFeature, deps: CamerasApiDeps): Handlers<CameraMethod> {
  const ok = { ok: true as const };
  return {
    'cameras.list': () => ({
      cameras: f.plugged().map((c) => connectedView(f, c)),
      recentSessions: f.repo.recentSessions(10).map(sessionView),
      watch: { ...f.watch },
    }),
    'cameras.progress': () => ({
      imports: f.plugged().flatMap((c) => (c.importer ? [progressPayload(c.importer.progress())] : [])),
    }),
    'cameras.photos': ({ sessionId, limit }) => {
      const { repo } = f;
      const capturingNow = repo.capturingNow();
      const session = sessionId ? repo.session(sessionId) : repo.latestSessionWithPhotos();
      if (sessionId && !session) throw new StationError('not-found', 'That camera import is no longer here.');
      if (!session) return { session: null, burstSeconds: DEFAULT_PROFILE.burstSeconds, capturingNow, bursts: [], omitted: 0 };
      const profile = repo.profiles().find((p) => p.id === session.device_profile_id) ?? DEFAULT_PROFILE;
      const labels = new Map<string, string | null>();
      const labelOf = (orderId: string | null | undefined): string | null => {
        if (!orderId || !deps.orderLabel) return null;
        if (!labels.has(orderId)) labels.set(orderId, deps.orderLabel(orderId));
        return labels.get(orderId) ?? null;
      };
      const { rows, total } = repo.sessionPhotos(session.id, limit);
      // One clock for the whole import: the camera's EXIF time when every photo has one, else the
      // file times on the card (a mix would compare two clocks and split or merge bursts wrongly).
      // A photo without EXIF time took its card time at intake (ingest/pipeline.ts cardTime).
      const cardTimeOnly = (r: (typeof rows)[number]) => r.taken_at === null || r.taken_at === new Date(r.file_mtime_ms).toISOString();
      const useExif = rows.every((r) => !cardTimeOnly(r));
      const photos = rows.map((r) => ({
        ...toSummary(r, deps.urls, labelOf(r.order_id)),
        groupTime: useExif && r.taken_at ? r.taken_at : new Date(r.file_mtime_ms).toISOString(),
      }));
      const byId = new Map(photos.map((p) => [p.id, p]));
      const bursts = groupBursts(
        photos.map((p) => ({ id: p.id, takenAt: p.groupTime, ingestedAt: p.ingestedAt })),
        profile.burstSeconds,
      ).map((b) => {
        const members = b.imageIds.map((id) => byId.get(id)!);
        const eyes = new Set(members.map((m) => m.eye));
        const orders = new Set(members.map((m) => m.orderId));
        return {
          key: b.key,
          start: b.start,
          end: b.end,
          eye: eyes.size === 1 ? members[0]!.eye : ('mixed' as const),
          orderId: orders.size === 1 ? members[0]!.orderId : null,
          orderLabel: orders.size === 1 ? members[0]!.orderLabel : null,
          photos: members,
        };
      });
      return { session: sessionView(session), burstSeconds: profile.burstSeconds, capturingNow, bursts, omitted: total - rows.length };
    },
    'cameras.sendBurst': ({ imageIds, eye }) => f.sendBurst(imageIds, eye),
    'cameras.dismiss': ({ sessionId }) => {
      f.dismiss(sessionId);
      return ok;
    },
    'cameras.rescan': ({ volumeId }) => {
      f.rescan(volumeId);
      return ok;
    },
    'cameras.profiles': () => ({ items: f.repo.profiles() }),
    'cameras.saveProfile': ({ profile }) => f.saveProfile(profile),
    'cameras.removeProfile': ({ id }) => {
      f.removeProfile(id);
      return ok;
    },
  };
}
