// What the operator is told about a camera, in their words. Pure, so the wording is tested.

const photos = (n: number): string => `${n} photo${n === 1 ? '' : 's'}`;
const newPhotos = (n: number): string => `${n} new photo${n === 1 ? '' : 's'}`;

/** Said the moment a camera is recognised: "Camera connected: 14 new photos". */
export function connectedMessage(toImport: number, onCamera: number): string {
  if (toImport > 0) return `Camera connected: ${newPhotos(toImport)}`;
  if (onCamera === 0) return 'Camera connected: it has no photos';
  return `Camera connected: no new photos (all ${onCamera} were taken in before)`;
}

export interface SessionFigures {
  filesToImport: number;
  newImages: number;
  alreadyKnown: number;
  refused: number;
  deleted: number;
}

/** Photos of this plug-in that are now safe in the station (new or already there). */
export const takenIn = (f: Pick<SessionFigures, 'newImages' | 'alreadyKnown'>): number => f.newImages + f.alreadyKnown;

export function doneMessage(f: SessionFigures): string {
  if (f.filesToImport === 0) return 'No new photos on this camera.';
  const parts: string[] = [];
  if (f.newImages > 0) parts.push(`${newPhotos(f.newImages)} taken in.`);
  else parts.push('No new photos.');
  if (f.alreadyKnown > 0) parts.push(`${photos(f.alreadyKnown)} ${f.alreadyKnown === 1 ? 'was' : 'were'} already in the station.`);
  if (f.refused > 0) parts.push(`${photos(f.refused)} could not be taken in; the Inbox says why.`);
  if (f.deleted > 0) parts.push(`${photos(f.deleted)} deleted from the camera after import.`);
  return parts.join(' ');
}

export function removedMessage(f: SessionFigures): string {
  return `Camera removed during import: ${takenIn(f)} of ${photos(f.filesToImport)} taken in; plug it in again to take the rest`;
}

export function closingMessage(f: SessionFigures): string {
  return `The station stopped during the camera import: ${takenIn(f)} of ${photos(f.filesToImport)} taken in; the rest will be taken in when the camera is connected again`;
}

export function storageMessage(f: SessionFigures): string {
  return `The station's disk is full, so the camera import stopped: ${takenIn(f)} of ${photos(f.filesToImport)} taken in. The rest stay on the camera: plug it in again once IT has freed space.`;
}

export const STALE_MESSAGE = 'The station stopped during this camera import; the rest will be taken in when the camera is connected again';

export function failedMessage(f: SessionFigures, code: string): string {
  return `The camera import stopped because of an error (${code}): ${takenIn(f)} of ${photos(f.filesToImport)} taken in. Plug the camera in again; if this happens again, call IT (details are in the log).`;
}

/** How loud a finished import's message is: an error when it failed, a warning when it was cut short or refused files. */
export function sessionLevel(row: { state: 'importing' | 'done' | 'interrupted' | 'failed'; refused: number }): 'info' | 'warning' | 'error' {
  if (row.state === 'failed') return 'error';
  if (row.state === 'interrupted' || row.refused > 0) return 'warning';
  return 'info';
}
