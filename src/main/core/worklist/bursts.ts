// Capture bursts: images taken close together in time, which the Unassigned tray offers as one
// group to assign in one action (handheld cameras take several images per eye). Pure.

export interface BurstImage {
  id: string;
  /** When the camera took it (UTC ISO), or null when the file did not say. */
  takenAt: string | null;
  /** When the station took it in (UTC ISO); the fallback time. */
  ingestedAt: string;
}

export interface Burst {
  /** The id of the burst's first image: stable while images are added after it. */
  key: string;
  imageIds: string[];
  /** Time of the first and last image (the time used for grouping, UTC ISO). */
  start: string;
  end: string;
}

const instant = (iso: string | null): number => (iso === null ? Number.NaN : Date.parse(iso));

/**
 * Sorts images by the time they were taken (falling back to the time they were ingested) and
 * starts a new burst wherever two neighbours are more than `gapSeconds` apart. Images whose
 * times cannot be read at all form one-image bursts at the end, in input order.
 */
export function groupBursts(images: readonly BurstImage[], gapSeconds = 30): Burst[] {
  const timed: { id: string; t: number }[] = [];
  const untimed: string[] = [];
  for (const image of images) {
    const taken = instant(image.takenAt);
    const t = Number.isNaN(taken) ? instant(image.ingestedAt) : taken;
    if (Number.isNaN(t)) untimed.push(image.id);
    else timed.push({ id: image.id, t });
  }
  // Ties by id, so the same images always give the same bursts.
  timed.sort((a, b) => a.t - b.t || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));

  const bursts: { ids: string[]; start: number; end: number }[] = [];
  const gapMs = gapSeconds * 1000;
  for (const { id, t } of timed) {
    const last = bursts.at(-1);
    if (last && t - last.end <= gapMs) {
      last.ids.push(id);
      last.end = t;
    } else {
      bursts.push({ ids: [id], start: t, end: t });
    }
  }

  const result: Burst[] = bursts.map((b) => ({
    key: b.ids[0] as string,
    imageIds: b.ids,
    start: new Date(b.start).toISOString(),
    end: new Date(b.end).toISOString(),
  }));
  // No usable time: nothing to group by, so each stands alone (start/end are empty strings).
  for (const id of untimed) result.push({ key: id, imageIds: [id], start: '', end: '' });
  return result;
}
