// Watch fan-out. Watchers are indexed by the /registry/<resource prefix>/ part of their prefix so a write only
// visits watchers of its own resource (plus the few with broader prefixes). Delivery goes through one queue so
// that a callback which itself writes, or starts a watch, never reorders or duplicates events for anybody.
import type { StorageError, StoreEvent, Watcher, WatchOptions } from './interface.js';
import { resourceBucket } from './key-layout.js';

/** A retained write as the hub needs it (event-ring.ts's HistoryEntry). */
export interface HubEntry {
  readonly revision: number;
  readonly key: string;
  /** The event, parsed once and shared by every receiver. */
  event(): StoreEvent;
}

interface Registration {
  readonly prefix: string;
  readonly bucket: string | undefined;
  readonly onEvent: (ev: StoreEvent) => void;
  readonly opts: WatchOptions | undefined;
  /** Highest revision already handled; guards against a replayed event arriving again live. */
  lastRevision: number;
  stopped: boolean;
}

export class WatchHub {
  private readonly byBucket = new Map<string, Set<Registration>>();
  private readonly broad = new Set<Registration>();
  private readonly pending: HubEntry[] = [];
  private dispatching = false;
  private count = 0;

  constructor(private readonly onCallbackError: (err: unknown, ev: StoreEvent) => void) {}

  get size(): number {
    return this.count;
  }

  /**
   * Replays the retained events after `fromRevision` (`next(r)` gives the first retained entry after revision r),
   * then subscribes to live ones.
   */
  watch(prefix: string, fromRevision: number, onEvent: (ev: StoreEvent) => void, next: (after: number) => HubEntry | undefined, opts?: WatchOptions): Watcher {
    const reg: Registration = { prefix, bucket: resourceBucket(prefix), onEvent, opts, lastRevision: fromRevision, stopped: false };
    // The history may grow while replaying (a callback that writes); keep reading until caught up.
    for (let entry = next(fromRevision); entry && !reg.stopped; entry = next(entry.revision)) {
      this.deliver(reg, entry);
    }
    const watcher: Watcher = { stop: () => this.remove(reg) };
    if (!reg.stopped) this.add(reg);
    return watcher;
  }

  /** Hands a committed write to every interested watcher, in revision order. */
  publish(entry: HubEntry): void {
    this.pending.push(entry);
    if (this.dispatching) return;
    this.dispatching = true;
    try {
      for (let i = 0; i < this.pending.length; i++) this.fanOut(this.pending[i]!);
    } finally {
      this.pending.length = 0;
      this.dispatching = false;
    }
  }

  /** Tells the watchers that asked for progress that every event up to `revision` has been delivered. */
  progress(revision: number): void {
    const regs = [...this.broad, ...[...this.byBucket.values()].flatMap((set) => [...set])];
    for (const reg of regs) {
      if (reg.stopped || !reg.opts?.onProgress || revision <= reg.lastRevision) continue;
      reg.lastRevision = revision;
      reg.opts.onProgress(revision);
    }
  }

  /** Ends every watch; with `reason`, watchers that take errors hear it (a watch cache that had to start over). */
  stopAll(reason?: StorageError): void {
    const regs = [...this.broad, ...[...this.byBucket.values()].flatMap((set) => [...set])];
    for (const reg of regs) reg.stopped = true;
    this.byBucket.clear();
    this.broad.clear();
    this.count = 0;
    if (reason) for (const reg of regs) reg.opts?.onError?.(reason);
  }

  private fanOut(entry: HubEntry): void {
    if (this.count === 0) return;
    const bucket = resourceBucket(entry.key);
    const sameResource = bucket === undefined ? undefined : this.byBucket.get(bucket);
    if (sameResource) for (const reg of sameResource) this.deliver(reg, entry);
    for (const reg of this.broad) this.deliver(reg, entry);
  }

  private deliver(reg: Registration, entry: HubEntry): void {
    if (reg.stopped || entry.revision <= reg.lastRevision) return;
    reg.lastRevision = entry.revision;
    if (!entry.key.startsWith(reg.prefix)) return;
    const ev = entry.event();
    try {
      reg.onEvent(ev);
    } catch (err) {
      this.onCallbackError(err, ev);
    }
  }

  private add(reg: Registration): void {
    if (reg.bucket === undefined) {
      this.broad.add(reg);
    } else {
      let set = this.byBucket.get(reg.bucket);
      if (!set) this.byBucket.set(reg.bucket, (set = new Set()));
      set.add(reg);
    }
    this.count++;
  }

  private remove(reg: Registration): void {
    if (reg.stopped) return;
    reg.stopped = true;
    const removed = reg.bucket === undefined ? this.broad.delete(reg) : this.deleteFromBucket(reg, reg.bucket);
    if (removed) this.count--;
  }

  private deleteFromBucket(reg: Registration, bucket: string): boolean {
    const set = this.byBucket.get(bucket);
    if (!set?.delete(reg)) return false;
    if (set.size === 0) this.byBucket.delete(bucket);
    return true;
  }
}
