// "Done: Undo" after the operator files photos: shown for a few seconds, or until the next such
// action replaces it. The undo is an ordinary, audited station call (the same images.assign back).
// Ctrl+Z takes it while it is shown (the key map's 'undo'), wherever the focus is, except in a field.
import { useCallback, useEffect, useRef, useState } from 'react';
import { isTyping, keyAction } from '../keymap.ts';

const SHOW_MS = 8000;

export interface Undo {
  current: { text: string; undo: () => Promise<unknown> } | null;
  error: string | null;
  offer(text: string, undo: () => Promise<unknown>): void;
  take(): void;
  dismiss(): void;
}

export function useUndo(): Undo {
  const [current, setCurrent] = useState<Undo['current']>(null);
  const [error, setError] = useState<string | null>(null);
  const timer = useRef<ReturnType<typeof setTimeout>>(undefined);
  useEffect(() => () => clearTimeout(timer.current), []);
  const dismiss = useCallback(() => {
    clearTimeout(timer.current);
    setCurrent(null);
  }, []);
  const offer = useCallback((text: string, undo: () => Promise<unknown>) => {
    clearTimeout(timer.current);
    setError(null);
    setCurrent({ text, undo });
    timer.current = setTimeout(() => setCurrent(null), SHOW_MS);
  }, []);
  const take = useCallback(() => {
    const c = current;
    dismiss();
    if (c) c.undo().catch((err: unknown) => setError((err as Error).message));
  }, [current, dismiss]);
  useEffect(() => {
    if (!current) return;
    const onKey = (e: KeyboardEvent) => {
      if (isTyping(e.target) || keyAction(e, 'everywhere') !== 'undo') return;
      e.preventDefault();
      take();
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [current, take]);
  return { current, error, offer, take, dismiss };
}

export function UndoToast({ undo }: { undo: Undo }) {
  if (undo.error) return <div className="notice error" role="alert">{undo.error}</div>;
  if (!undo.current) return null;
  return (
    <div className="notice info undo-toast" role="status" data-testid="undo-toast">
      <span>{undo.current.text}</span>
      <button type="button" className="button" onClick={undo.take} aria-keyshortcuts="Control+Z">Undo <kbd>Ctrl+Z</kbd></button>
    </div>
  );
}
