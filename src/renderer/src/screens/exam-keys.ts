// The exam's keys (from the one key map, keymap.ts) and where the focus goes after an action.
// A photo card carries data-image-id and data-section ('OD', 'OS' or 'unknown' for "Which eye?");
// the next sensible focus after filing photos is the photo that takes their place in the list they
// left, else the (first) photo filed in its new place: never the page body.
import { useCallback, useEffect, useEffectEvent, useRef } from 'react';
import { isTyping, keyAction, type KeyActionId } from '../keymap.ts';

export type Section = 'OD' | 'OS' | 'unknown';
export interface CardRef {
  id: string;
  section: Section;
}
export interface FocusTarget {
  id: string;
  /** Focus it only once it is shown in this section (a moved photo re-renders in its new place). */
  section?: Section;
  /** Or a control of the exam (the Complete button, the back link). */
  selector?: string;
}

/** Where the focus goes after `moved` photos leave their place for `to` (null: they leave the exam). */
export function focusAfterMove(cards: CardRef[], moved: readonly string[], to: Section | null): FocusTarget | null {
  const gone = new Set(moved);
  const positions = cards.map((c, i) => (gone.has(c.id) ? i : -1)).filter((i) => i >= 0);
  if (positions.length === 0) return null;
  const last = positions[positions.length - 1]!;
  const from = cards[last]!.section;
  const sameList = cards.map((c, i) => ({ c, i })).filter(({ c }) => c.section === from && !gone.has(c.id));
  const after = sameList.find(({ i }) => i > last) ?? sameList.filter(({ i }) => i < last).at(-1);
  if (after) return { id: after.c.id, section: from };
  const first = cards[positions[0]!]!;
  return to ? { id: first.id, section: to } : null;
}

/** The photo cards on screen, in document (reading) order. */
export function cardsOnScreen(root: ParentNode = document): CardRef[] {
  return [...root.querySelectorAll<HTMLElement>('[data-photo-card]')].map((el) => ({ id: el.dataset['imageId']!, section: el.dataset['section'] as Section }));
}

const cardElement = (id: string, section?: Section): HTMLElement | null => {
  const el = document.querySelector<HTMLElement>(`[data-photo-card][data-image-id="${CSS.escape(id)}"]`);
  return el && (!section || el.dataset['section'] === section) ? el : null;
};

/** Focus the target once the station's answer shows it; a newer target replaces an older one. */
export function usePendingFocus(version: unknown) {
  const target = useRef<FocusTarget | null>(null);
  const tryFocus = useCallback(() => {
    const t = target.current;
    if (!t) return;
    const el = t.selector ? document.querySelector<HTMLElement>(t.selector) : cardElement(t.id, t.section);
    if (!el) return;
    target.current = null;
    el.focus();
    el.scrollIntoView({ block: 'nearest' });
  }, []);
  useEffect(() => {
    if (version !== undefined) tryFocus();
  }, [version, tryFocus]);
  return useCallback(
    (t: FocusTarget) => {
      target.current = t;
      tryFocus();
    },
    [tryFocus],
  );
}

export interface ExamKeyHandlers {
  /** A key on a focused photo card. Returns false when the key means nothing there. */
  onCard(action: KeyActionId, card: HTMLElement): boolean;
  /** A key anywhere in the exam (not typing, no dialog open): C, Ctrl+Enter, an arrow into the photos. */
  onExam(action: KeyActionId): boolean;
}

/** One keydown listener for the exam: the key map decides what a key is, the handlers what it does. */
export function useExamKeys(handlers: ExamKeyHandlers): void {
  const onCard = useEffectEvent((action: KeyActionId, card: HTMLElement) => handlers.onCard(action, card));
  const onExam = useEffectEvent((action: KeyActionId) => handlers.onExam(action));
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (e.defaultPrevented || document.querySelector('[aria-modal="true"]')) return;
      const target = e.target as HTMLElement | null;
      const card = target?.closest?.<HTMLElement>('[data-photo-card]');
      const action = keyAction(e, 'exam');
      if (!action) return;
      if (card === target && card && onCard(action, card)) {
        e.preventDefault();
        return;
      }
      // Ctrl+Enter completes from anywhere, even a field; the other exam keys not while typing.
      if (action !== 'complete' && (isTyping(target) || card)) return;
      if (onExam(action)) e.preventDefault();
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, []);
}
