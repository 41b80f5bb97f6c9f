import { useRef, type ReactNode } from 'react';
import { useFocusTrap } from '../focus.ts';

/**
 * A modal dialog: focus moves to its first field (the one marked data-autofocus first), Tab stays
 * inside it, Escape closes it, and the focus goes back to what opened it.
 */
export function Dialog({ title, onClose, children, wide, testId, readOnly }: { title: string; onClose: () => void; children: ReactNode; wide?: boolean; testId?: string; readOnly?: boolean }) {
  const ref = useRef<HTMLDivElement>(null);
  useFocusTrap(ref, onClose);
  return (
    <div className="overlay" onMouseDown={(e) => e.target === e.currentTarget && onClose()}>
      <div ref={ref} className={`wl-dialog${wide ? ' wide' : ''}`} role="dialog" aria-modal="true" aria-label={title} data-testid={testId}>
        <div className="wl-dialog-head">
          <h2>{title}</h2>
          <button type="button" className="button" onClick={onClose} aria-label="Close" data-close>Close (Esc)</button>
        </div>
        {/* A dialog with nothing to press but Close: its body takes the focus, so the arrow keys scroll it. */}
        <div className="wl-dialog-body" {...(readOnly && { tabIndex: 0, role: 'region', 'aria-label': title })}>{children}</div>
      </div>
    </div>
  );
}
