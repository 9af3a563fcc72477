// Controller expectations (pkg/controller/controller_utils.go): after a sync issues N creates or deletes, further
// syncs of that owner wait until the informer has reported them, so a stale cache never doubles a burst. An
// expectation that stays unmet for 5 minutes is treated as met (a watch event may have been lost).
export const EXPECTATIONS_TIMEOUT_MS = 5 * 60 * 1000;

interface Expectation {
  add: number;
  del: number;
  timestamp: number;
}

export class ControllerExpectations {
  private readonly store = new Map<string, Expectation>();
  // pod keys whose deletion is expected, per owner: a deletion is counted once even if seen twice
  private readonly deleting = new Map<string, Set<string>>();

  constructor(private readonly now: () => number = Date.now) {}

  /** SatisfiedExpectations: true when nothing is pending, the pending work was all observed, or it expired. */
  satisfied(key: string): boolean {
    const e = this.store.get(key);
    if (!e) return true;
    if (e.add <= 0 && e.del <= 0) return true;
    return this.now() - e.timestamp > EXPECTATIONS_TIMEOUT_MS;
  }

  expectCreations(key: string, adds: number): void {
    this.store.set(key, { add: adds, del: 0, timestamp: this.now() });
  }

  /** Expects the deletion of exactly these pod keys (`namespace/name`). */
  expectDeletions(key: string, podKeys: string[]): void {
    this.deleting.set(key, new Set(podKeys));
    this.store.set(key, { add: 0, del: podKeys.length, timestamp: this.now() });
  }

  /** SetExpectations: both at once (a DaemonSet sync creates and deletes in one go). */
  setExpectations(key: string, adds: number, podKeysToDelete: string[]): void {
    this.deleting.set(key, new Set(podKeysToDelete));
    this.store.set(key, { add: adds, del: podKeysToDelete.length, timestamp: this.now() });
  }

  creationObserved(key: string): void {
    const e = this.store.get(key);
    if (e) e.add--;
  }

  deletionObserved(key: string, podKey: string): void {
    const pending = this.deleting.get(key);
    if (!pending?.delete(podKey)) return;
    const e = this.store.get(key);
    if (e) e.del--;
  }

  deleteExpectations(key: string): void {
    this.store.delete(key);
    this.deleting.delete(key);
  }

  /** Pending (adds, dels) for tests and debugging. */
  pending(key: string): { add: number; del: number } | undefined {
    const e = this.store.get(key);
    return e && { add: e.add, del: e.del };
  }
}
