// The one focus model. A modal (dialog, large view) takes the focus to its first field, keeps Tab
// inside itself and gives the focus back to what opened it. After an action removes the focused
// element (a photo moved, a burst assigned), the focus goes to the element the screen marks
// `data-focus-home`, never the page body.
import { useEffect, useEffectEvent, type RefObject } from 'react';

const FOCUSABLE = 'a[href], button:not([disabled]), input:not([disabled]):not([type="hidden"]), select:not([disabled]), textarea:not([disabled]), summary, [tabindex]:not([tabindex="-1"])';

/** The elements Tab can reach inside `root`, in order (hidden ones left out). */
function focusables(root: ParentNode): HTMLElement[] {
  return [...root.querySelectorAll<HTMLElement>(FOCUSABLE)].filter((el) => el.getClientRects().length > 0 && !el.closest('[inert]') && !otherRadio(el, root));
}

/** A radio group is one Tab stop (its checked radio), as the browser has it. */
function otherRadio(el: HTMLElement, root: ParentNode): boolean {
  if (!(el instanceof HTMLInputElement) || el.type !== 'radio' || el.checked || !el.name) return false;
  const group = [...root.querySelectorAll<HTMLInputElement>(`input[type="radio"][name="${CSS.escape(el.name)}"]`)];
  return group.some((r) => r.checked) || group[0] !== el;
}

/**
 * Focus into `ref` (the element marked data-autofocus, else the first field, else the first
 * focusable), Tab and Shift+Tab cycle inside it, Escape calls onClose; on unmount the focus goes
 * back to the element that had it before, if it is still on the page.
 */
export function useFocusTrap(ref: RefObject<HTMLElement | null>, onClose: () => void): void {
  const close = useEffectEvent(() => onClose());
  useEffect(() => {
    const previous = document.activeElement instanceof HTMLElement && document.activeElement !== document.body ? document.activeElement : null;
    const root = ref.current;
    if (!root) return;
    const all = focusables(root);
    const field = all.find((el) => el.matches('input, select, textarea'));
    const first = (root.hasAttribute('data-autofocus') ? root : root.querySelector<HTMLElement>('[data-autofocus]')) ?? field ?? all.find((el) => !el.hasAttribute('data-close')) ?? all[0] ?? root;
    first.focus();
    const onKey = (e: KeyboardEvent) => {
      // Only the topmost modal answers (a confirmation opened over a dialog).
      const modals = document.querySelectorAll('[aria-modal="true"]');
      if (modals[modals.length - 1] !== root) return;
      if (e.key === 'Escape') {
        e.stopPropagation();
        e.preventDefault();
        close();
      } else if (e.key === 'Tab') {
        const list = focusables(root);
        if (list.length === 0) {
          e.preventDefault();
          return;
        }
        const at = list.indexOf(document.activeElement as HTMLElement);
        const next = e.shiftKey ? (at <= 0 ? list.length - 1 : at - 1) : at === -1 || at === list.length - 1 ? 0 : at + 1;
        e.preventDefault();
        list[next]!.focus();
      }
    };
    window.addEventListener('keydown', onKey, true);
    return () => {
      window.removeEventListener('keydown', onKey, true);
      if (previous?.isConnected) previous.focus();
      else focusHome();
    };
  }, [ref]);
}

/** Focus the screen's home element (the next photo, the list, the first burst's button). */
function focusHome(): boolean {
  const visible = (el: HTMLElement) => el.getClientRects().length > 0;
  const home = [...document.querySelectorAll<HTMLElement>('[data-focus-home]')].find(visible) ?? document.querySelector<HTMLElement>('main h1');
  if (!home) return false;
  if (home.tagName === 'H1' && !home.hasAttribute('tabindex')) home.setAttribute('tabindex', '-1');
  home.focus({ preventScroll: false });
  return true;
}

/**
 * The safety net: when the focused element leaves the page (an action re-rendered it away) and
 * no modal is open, the focus goes home instead of staying on the body. A home the station chose
 * by itself (the operator has not moved the focus since) follows the screen's home: an exam opened
 * before its photos arrive starts on "Capturing now", and the first photo that needs an eye takes
 * the focus when it comes (until the operator works on a photo: then the focus stays theirs).
 */
export function useFocusRescue(): void {
  useEffect(() => {
    let last: Element | null = null;
    // Armed on a new screen (and at start) until something has the focus: the screen's home gets it.
    let armed = true;
    // The element the rescue focused, while the focus is still there.
    let placed: Element | null = null;
    const onFocusIn = (e: FocusEvent) => {
      last = e.target as Element;
      armed = false;
      if (e.target !== placed) placed = null;
    };
    const onHash = () => {
      armed = true;
    };
    // Once the operator works on a photo (a key or a click on it), the focus stays where they put it.
    const onInput = (e: Event) => {
      if (e.target instanceof Element && e.target.closest('[data-photo-card]')) placed = null;
    };
    const goHome = () => {
      if (!focusHome()) return;
      last = document.activeElement;
      placed = document.activeElement;
      armed = false;
    };
    const check = () => {
      if (document.querySelector('[aria-modal="true"]')) return;
      const active = document.activeElement;
      if (active && active !== document.body) {
        if (active === placed && !active.hasAttribute('data-focus-home') && document.querySelector('[data-focus-home]')) goHome();
        return;
      }
      if (!armed && (!last || last.isConnected)) return;
      goHome();
    };
    const observer = new MutationObserver(() => queueMicrotask(check));
    observer.observe(document.body, { childList: true, subtree: true, attributes: true, attributeFilter: ['data-focus-home'] });
    document.addEventListener('focusin', onFocusIn);
    document.addEventListener('keydown', onInput, true);
    document.addEventListener('pointerdown', onInput, true);
    window.addEventListener('hashchange', onHash);
    return () => {
      observer.disconnect();
      document.removeEventListener('focusin', onFocusIn);
      document.removeEventListener('keydown', onInput, true);
      document.removeEventListener('pointerdown', onInput, true);
      window.removeEventListener('hashchange', onHash);
    };
  }, []);
}

/** A request carried across a screen change: "/" pressed on another screen focuses the worklist's search once it is there. */
export const pendingFocus = { search: false };
