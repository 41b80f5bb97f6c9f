// Removable volumes (handheld cameras over USB): what the rest of the station imports.
// Listing -> monitor -> recogniseCamera -> listCameraPhotos -> filesToImport (ledger) -> ingest:
//
//   const monitor = createVolumeMonitor({
//     list: createVolumeLister(process.platform, { standInRoot: cfg.volumesRoot }),
//     onMounted: async (v) => {
//       const cam = await recogniseCamera(v.mountPath, profiles, { volumeLabel: v.label });
//       if (!cam.isCamera) return;
//       const photos = await listCameraPhotos(cam.photoDirs, v.mountPath);
//       const todo = filesToImport(photos, ledgerLookup(deviceId, rowsOfThatDevice));
//       // hand `todo` to the ingest queue in this order; add a ledger row per file once spooled
//     },
//     onUnmounted: (v) => { /* cancel that volume's remaining work; tell the operator */ },
//     onError: (e) => log.warn(e),
//   });
//   monitor.start(); ... await monitor.stop();
export type { Volume } from './volume.ts';
export { volumeKey } from './volume.ts';
export { createVolumeLister, listStandInVolumes, listVolumes } from './listing.ts';
export type { VolumeListOptions } from './listing.ts';
export { createVolumeMonitor, diffVolumes } from './monitor.ts';
export type { VolumeDiff, VolumeMonitor, VolumeMonitorOptions } from './monitor.ts';
export { findDirCaseInsensitive, isHiddenOrSystem, isPhotoFile, listCameraPhotos, recogniseCamera } from './camera.ts';
export type { CameraPhoto, CameraRecognition } from './camera.ts';
export { compareTakenOrder, filesToImport, ledgerKey, ledgerLookup, normaliseRelPath } from './ledger.ts';
export type { LedgerEntry, LedgerLookup, ListedFile } from './ledger.ts';
