// What each camera (calling AE title) did since the station started: associations accepted and
// refused (and why), objects stored and refused, the last of each. Kept in memory for the screens;
// the objects received ever are counted from the store. Bounded: a flood of invented AE titles
// keeps only the most recent ones.
import { nowIso } from '../kernel/ids.ts';

export interface CameraActivity {
  callingAe: string;
  associations: number;
  refusedAssociations: number;
  /** Why the last association was refused (plain words), when it was. */
  lastRefusal: string | null;
  lastAssociationAt: string | null;
  lastAddress: string | null;
  objectsStored: number;
  objectsRefused: number;
  resends: number;
  lastObjectAt: string | null;
  /** The DIMSE status of the last C-STORE (0 = Success). */
  lastStatus: number | null;
  echoes: number;
  worklistQueries: number;
}

/** A camera that has done nothing since the station started. */
export const idleActivity = (callingAe: string): CameraActivity => ({
  callingAe,
  associations: 0,
  refusedAssociations: 0,
  lastRefusal: null,
  lastAssociationAt: null,
  lastAddress: null,
  objectsStored: 0,
  objectsRefused: 0,
  resends: 0,
  lastObjectAt: null,
  lastStatus: null,
  echoes: 0,
  worklistQueries: 0,
});

const MAX_CAMERAS = 200;

export class ActivityLog {
  private readonly byAe = new Map<string, CameraActivity>();
  private readonly changed: () => void;

  constructor(changed: () => void = () => undefined) {
    this.changed = changed;
  }

  private entry(callingAe: string): CameraActivity {
    let e = this.byAe.get(callingAe);
    if (!e) {
      e = idleActivity(callingAe);
      if (this.byAe.size >= MAX_CAMERAS) this.byAe.delete(this.byAe.keys().next().value!);
    } else {
      this.byAe.delete(callingAe); // most recent last
    }
    this.byAe.set(callingAe, e);
    this.changed();
    return e;
  }

  association(callingAe: string, address: string | null, refusal: string | null): void {
    const e = this.entry(callingAe);
    e.lastAssociationAt = nowIso();
    e.lastAddress = address;
    if (refusal) {
      e.refusedAssociations++;
      e.lastRefusal = refusal;
    } else {
      e.associations++;
    }
  }

  object(callingAe: string, status: number, how: 'stored' | 'resend' | 'refused'): void {
    const e = this.entry(callingAe);
    e.lastObjectAt = nowIso();
    e.lastStatus = status;
    if (how === 'stored') e.objectsStored++;
    else if (how === 'resend') e.resends++;
    else e.objectsRefused++;
  }

  echo(callingAe: string): void {
    this.entry(callingAe).echoes++;
  }

  worklistQuery(callingAe: string): void {
    this.entry(callingAe).worklistQueries++;
  }

  all(): CameraActivity[] {
    return [...this.byAe.values()].map((e) => ({ ...e })).reverse();
  }
}
