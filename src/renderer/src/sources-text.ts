// Words of the Sources screen, pure so they can be tested without a browser.

// A JavaScript string, so each backslash is written once on screen (a JSX attribute would show every backslash doubled).
export const FOLDER_EXAMPLE = 'e.g. D:\\CameraExport or \\\\server\\share\\fundus';

/** What the operator is told after "Watch this folder", from the state the station answered with. */
export function addedMessage(s: { path: string; state: string; stateDetail: string | null }): { kind: 'error' | 'info'; text: string } {
  if (s.state === 'watching') return { kind: 'info', text: `Now watching ${s.path}.` };
  if (s.state === 'starting') return { kind: 'info', text: `Added ${s.path}; the station is still looking through it.` };
  return { kind: 'error', text: `${s.path} is not being watched: ${s.stateDetail ?? 'the station cannot open it.'} Check the path, or connect the share, and add it again.` };
}
