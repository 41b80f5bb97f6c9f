// The tray icon: a coloured dot for the sync state, drawn in code (no image files to package),
// as the raw BGRA bitmap nativeImage.createFromBitmap takes. Kept free of 'electron' so it is
// testable as it is.
import type { TrayState } from '../core/api/tray-view.ts';

/** [r, g, b]: green online, slate offline, amber paused, red failed, grey not set up. */
export const TRAY_COLOURS: Record<TrayState, [number, number, number]> = {
  'online': [46, 125, 50],
  'offline': [96, 125, 139],
  'paused': [249, 168, 37],
  'failed': [198, 40, 40],
  'not-set-up': [158, 158, 158],
};

/** A filled circle with a soft edge, `size` x `size` pixels, BGRA, transparent outside. */
export function trayIconBitmap(state: TrayState, size = 32): Buffer {
  const [r, g, b] = TRAY_COLOURS[state];
  const out = Buffer.alloc(size * size * 4);
  const c = (size - 1) / 2;
  const radius = size * 0.42;
  for (let y = 0; y < size; y++) {
    for (let x = 0; x < size; x++) {
      const d = Math.hypot(x - c, y - c);
      const alpha = Math.max(0, Math.min(1, radius + 0.5 - d));
      if (alpha === 0) continue;
      const i = (y * size + x) * 4;
      out[i] = b;
      out[i + 1] = g;
      out[i + 2] = r;
      out[i + 3] = Math.round(alpha * 255);
    }
  }
  return out;
}
