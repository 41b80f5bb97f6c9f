// The queue's pauses, saved at every change so they outlive a restart: the operator's, and per lane
// a credentials problem (the failure that caused it, with its plain message).
import type { LaneProblem, PauseState, PauseStore } from './types.ts';

export class Pauses {
  private state: PauseState;
  private readonly store: PauseStore;

  constructor(store: PauseStore) {
    this.store = store;
    const loaded = store.load();
    this.state = { operator: loaded.operator, lanes: { ...loaded.lanes } };
  }

  get operator(): boolean {
    return this.state.operator;
  }

  /** The credentials problem pausing this lane, or null. */
  lane(service: string): LaneProblem | null {
    return this.state.lanes[service] ?? null;
  }

  /** A lane is known (registered), unpaused unless a saved pause says otherwise. */
  know(service: string): void {
    this.state.lanes[service] ??= null;
  }

  setOperator(paused: boolean): void {
    this.save({ ...this.state, operator: paused });
  }

  /** Pauses the lane; false when it already was. */
  pauseLane(service: string, problem: LaneProblem): boolean {
    if (this.lane(service)) return false;
    this.save({ ...this.state, lanes: { ...this.state.lanes, [service]: problem } });
    return true;
  }

  /** Lifts the lane's pause; false when there was none. */
  clearLane(service: string): boolean {
    if (!this.lane(service)) return false;
    this.save({ ...this.state, lanes: { ...this.state.lanes, [service]: null } });
    return true;
  }

  /** Lifts every lane's pause (and the operator's too, if asked); false when no lane was paused. */
  clearAll(operatorToo: boolean): boolean {
    const any = Object.values(this.state.lanes).some(Boolean);
    if (any || (operatorToo && this.state.operator)) {
      const lanes = Object.fromEntries(Object.keys(this.state.lanes).map((s) => [s, null]));
      this.save({ operator: operatorToo ? false : this.state.operator, lanes });
    }
    return any;
  }

  private save(next: PauseState): void {
    this.state = next;
    this.store.save(next);
  }
}
