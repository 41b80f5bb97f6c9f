// Removable volumes (handheld cameras over USB): what the rest of the station imports.
// Listing -> monitor -> recogniseCamera -> listCameraPhotos -> filesToImport (ledger) -> ingest.
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
