// The one key map: every key the operator can press, what it means and where, written down once.
// Screens ask `keyAction(event, scope)` instead of testing e.key themselves, so a key means the same
// thing on every screen (R is the right eye everywhere, reject is X or Delete), and the "?" help
// lists exactly this table. Pure: no DOM beyond the KeyboardEvent fields it reads.

export type KeyScope = 'everywhere' | 'worklist' | 'exam' | 'cameras' | 'large-view';

export type KeyActionId =
  | 'help'
  | 'tab'
  | 'search'
  | 'new-walk-in'
  | 'undo'
  | 'close'
  | 'updates'
  | 'eye-right'
  | 'eye-left'
  | 'other-eye'
  | 'best'
  | 'reject'
  | 'unassign'
  | 'select'
  | 'extend-next'
  | 'extend-previous'
  | 'next'
  | 'previous'
  | 'open'
  | 'ungradable'
  | 'capturing-now'
  | 'complete'
  | 'zoom';

export interface KeyBinding {
  action: KeyActionId;
  /** As shown to the operator ("Ctrl+Z", "Alt+1 … Alt+8"). */
  keys: string[];
  does: string;
  scopes: KeyScope[];
}

export const KEY_MAP: readonly KeyBinding[] = [
  { action: 'help', keys: ['?'], does: 'Show these keys', scopes: ['everywhere'] },
  { action: 'tab', keys: ['Alt+1 … Alt+8'], does: 'Go to a screen (Worklist, Unassigned, Inbox, Sources, Cameras, Queue, Cloud, Settings)', scopes: ['everywhere'] },
  { action: 'search', keys: ['/'], does: 'Search the worklist (name or patient ID)', scopes: ['everywhere'] },
  { action: 'new-walk-in', keys: ['N'], does: 'New walk-in patient', scopes: ['worklist'] },
  { action: 'undo', keys: ['Ctrl+Z'], does: 'Undo the last filing while "Undo" is shown', scopes: ['everywhere'] },
  { action: 'close', keys: ['Esc'], does: 'Close the dialog or the large view', scopes: ['everywhere'] },
  { action: 'updates', keys: ['Alt+U'], does: 'Open the update panel (when an update is there)', scopes: ['everywhere'] },
  { action: 'next', keys: ['→', '↓'], does: 'Next photo, patient or burst', scopes: ['worklist', 'exam', 'cameras', 'large-view'] },
  { action: 'previous', keys: ['←', '↑'], does: 'Previous photo, patient or burst', scopes: ['worklist', 'exam', 'cameras', 'large-view'] },
  { action: 'open', keys: ['Enter'], does: 'Open the exam / view the photo large', scopes: ['worklist', 'exam'] },
  { action: 'eye-right', keys: ['R'], does: 'Right eye (OD): file the photo, the chosen photos or the burst there', scopes: ['exam', 'cameras', 'large-view'] },
  { action: 'eye-left', keys: ['L'], does: 'Left eye (OS): file the photo, the chosen photos or the burst there', scopes: ['exam', 'cameras', 'large-view'] },
  { action: 'other-eye', keys: ['M'], does: 'Move the photo to the other eye', scopes: ['exam'] },
  { action: 'select', keys: ['Space'], does: 'Choose the photo (several chosen photos are filed together with R or L)', scopes: ['exam'] },
  { action: 'extend-next', keys: ['Shift+→', 'Shift+↓'], does: 'Choose this photo and the next', scopes: ['exam'] },
  { action: 'extend-previous', keys: ['Shift+←', 'Shift+↑'], does: 'Choose this photo and the previous', scopes: ['exam'] },
  { action: 'best', keys: ['B'], does: 'Make it the best image of its eye', scopes: ['exam', 'large-view'] },
  { action: 'reject', keys: ['X', 'Delete'], does: 'Reject the photo (asks why)', scopes: ['exam', 'large-view'] },
  { action: 'unassign', keys: ['U'], does: 'Send the photo back to Unassigned', scopes: ['exam'] },
  { action: 'ungradable', keys: ['G'], does: 'Mark the eye of this photo ungradable (choose why, then Enter)', scopes: ['exam'] },
  { action: 'capturing-now', keys: ['C'], does: 'Turn "Capturing now" on or off for this exam', scopes: ['exam'] },
  { action: 'complete', keys: ['Ctrl+Enter'], does: 'Complete the exam', scopes: ['exam'] },
  { action: 'zoom', keys: ['Z'], does: 'Zoom to 100 % (to judge focus) and back to fit', scopes: ['large-view'] },
];

/** The keys of one event in the map's spelling: "Ctrl+Enter", "Shift+→", "R", "?". */
export function keyName(e: Pick<KeyboardEvent, 'key' | 'ctrlKey' | 'metaKey' | 'altKey' | 'shiftKey'>): string {
  const arrows: Record<string, string> = { ArrowRight: '→', ArrowLeft: '←', ArrowUp: '↑', ArrowDown: '↓', Escape: 'Esc', ' ': 'Space' };
  const base = arrows[e.key] ?? (e.key.length === 1 ? e.key.toUpperCase() : e.key);
  const printable = e.key.length === 1 && e.key !== ' ';
  const mods = [(e.ctrlKey || e.metaKey) && 'Ctrl', e.altKey && 'Alt', e.shiftKey && !printable && 'Shift'].filter(Boolean);
  return [...mods, base].join('+');
}

/**
 * The action a key stands for in a scope (the 'everywhere' entries count in every scope), or null.
 * Alt+digit is handled by the screen tabs (`tabKey`).
 */
export function keyAction(e: Pick<KeyboardEvent, 'key' | 'ctrlKey' | 'metaKey' | 'altKey' | 'shiftKey'>, scope: KeyScope): KeyActionId | null {
  const name = keyName(e);
  const hit = KEY_MAP.find((b) => (b.scopes.includes(scope) || b.scopes.includes('everywhere')) && b.keys.includes(name));
  return hit?.action ?? null;
}

/** Alt+1 … Alt+8: the screen tab's digit, or null. */
export function tabKey(e: Pick<KeyboardEvent, 'key' | 'altKey' | 'ctrlKey' | 'metaKey'>): number | null {
  if (!e.altKey || e.ctrlKey || e.metaKey || !/^[1-8]$/.test(e.key)) return null;
  return Number(e.key);
}

/** The keys of an action as shown in buttons' titles: "R", "X or Delete". */
export const keysOf = (action: KeyActionId): string => KEY_MAP.find((b) => b.action === action)?.keys.join(' or ') ?? '';

/** A key typed into a field is text, not a command. */
export function isTyping(target: EventTarget | null): boolean {
  if (!target || typeof (target as HTMLElement).tagName !== 'string') return false;
  const el = target as HTMLElement;
  if (el.isContentEditable) return true;
  if (el.tagName === 'TEXTAREA' || el.tagName === 'SELECT') return true;
  if (el.tagName !== 'INPUT') return false;
  const type = (el as HTMLInputElement).type;
  return !['checkbox', 'radio', 'button', 'submit', 'reset'].includes(type);
}
