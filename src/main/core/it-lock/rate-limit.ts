// How long the next administrator PIN try must wait, from the wrong tries in a row and the time of
// the last one (kept in the database, so a restart does not reset them). Pure: tested without clocks.

/** Wrong PINs in a row that cost nothing. */
export const FREE_TRIES = 5;
/** The wait after the FREE_TRIES-th wrong PIN; it doubles with each further wrong one... */
export const FIRST_WAIT_MS = 30_000;
/** ...up to this. */
export const MAX_WAIT_MS = 15 * 60_000;

/** The wait that `failures` wrong PINs in a row impose after the last of them. */
export function waitAfterFailures(failures: number): number {
  if (failures < FREE_TRIES) return 0;
  return Math.min(MAX_WAIT_MS, FIRST_WAIT_MS * 2 ** (failures - FREE_TRIES));
}

/**
 * Milliseconds until a PIN may be tried again (0 = now). A clock set back never makes the wait
 * longer than the wait itself.
 */
export function pinWaitMs(failures: number, lastFailedAtMs: number | null, nowMs: number): number {
  if (lastFailedAtMs === null) return 0;
  const wait = waitAfterFailures(failures);
  return Math.max(0, Math.min(wait, lastFailedAtMs + wait - nowMs));
}

/** Wrong PINs still possible before a wait starts. */
export const triesBeforeWait = (failures: number): number => Math.max(0, FREE_TRIES - failures);

/** "30 seconds", "2 minutes": a wait in words for the PIN dialog. */
export function waitInWords(ms: number): string {
  const s = Math.ceil(ms / 1000);
  if (s < 90) return `${s} second${s === 1 ? '' : 's'}`;
  const m = Math.ceil(s / 60);
  return `${m} minutes`;
}
