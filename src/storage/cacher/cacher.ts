// The watch cache in front of a store, after k8s.io/apiserver/pkg/storage/cacher (cacher.go, watch_cache.go): one
// list and one watch of the whole key space feed an in-memory copy of every object and a bounded window of recent
// events. Watches are served from that window (a watch from below it is 410 Expired, as upstream's cacher answers,
// even when etcd still has the history; the window is bounded by a count and by bytes of object text as SQLite's
// history is, so a burst of large objects shortens it instead of growing memory), reads that allow a cached answer (resourceVersion "0", NotOlderThan) from
// the copy, and everything else — consistent reads, reads at a revision, writes — goes to the store underneath.
// When the feeding watch breaks for good (its revision compacted away), the cache lists again and every watch it
// served ends with Expired, so clients re-list as after any 410.
import type { KubeObject } from '../../apimachinery/types.js';
import { DEFAULT_HISTORY_MAX_BYTES, HistoryEntry } from '../event-ring.js';
import {
  StorageError, type ListOptions, type ListResult, type ReadOptions, type Store, type StoreEvent, type StoredObject, type Watcher, type WatchOptions,
} from '../interface.js';
import { resourceBucket } from '../key-layout.js';
import { WatchHub } from '../watch-hub.js';

/** Events kept for watches to resume from (upstream sizes its windows per resource; one window for all here). */
export const DEFAULT_WATCH_CACHE_CAPACITY = 10_000;

export interface CacherOptions {
  capacity?: number;
  /** Bytes of object text the window may hold beyond its newest event (--watch-history-mb; default 128 MiB). */
  maxBytes?: number;
  onWatchCallbackError?: (err: unknown, ev: StoreEvent) => void;
  /** How long to wait before listing again after the feeding watch failed (default 1 s). */
  relistDelayMs?: number;
}

interface CachedObject {
  /** JSON text of the object, resourceVersion included. */
  text: string;
  createRevision: number;
  modRevision: number;
}

/** Lists everything under `backend`, starts following it, and resolves once the cache holds that state. */
export async function startCacher(backend: Store, opts: CacherOptions = {}): Promise<Cacher> {
  const cacher = new Cacher(backend, opts);
  await cacher.sync();
  return cacher;
}

export class Cacher implements Store {
  /** Objects by resource bucket (`/registry/pods/`), then key: a list scans only its own resource. */
  private readonly buckets = new Map<string, Map<string, CachedObject>>();
  private readonly window: EventWindow;
  private readonly hub: WatchHub;
  private revision = 0;
  /** Watches may start at or after this revision: every event after it is in the window. */
  private windowStart = 0;
  private feed: Watcher | undefined;
  private relistTimer: NodeJS.Timeout | undefined;
  private closed = false;

  constructor(readonly backend: Store, private readonly opts: CacherOptions = {}) {
    this.window = new EventWindow(opts.capacity ?? DEFAULT_WATCH_CACHE_CAPACITY, opts.maxBytes ?? DEFAULT_HISTORY_MAX_BYTES);
    this.hub = new WatchHub(opts.onWatchCallbackError ?? ((err, ev) => console.error(`berth: watch callback failed on ${ev.type} ${ev.key}:`, err)));
  }

  /** (Re)fills the cache from a list of everything and follows the store from that list's revision. */
  async sync(): Promise<void> {
    const items = new Map<string, Map<string, CachedObject>>();
    let revision = 0;
    let after: string | undefined;
    for (;;) {
      const page = await this.backend.list('', { limit: 5000, continueAfter: after, revision: revision || undefined });
      revision ||= page.revision;
      for (const item of page.items) bucketOf(items, item.key, true)!.set(item.key, { text: JSON.stringify(item.value), createRevision: item.createRevision, modRevision: item.modRevision });
      if (!page.continueAfter) break;
      after = page.continueAfter;
    }
    if (this.closed) return;
    this.buckets.clear();
    for (const [b, m] of items) this.buckets.set(b, m);
    this.window.clear();
    this.revision = revision;
    this.windowStart = revision;
    this.feed = this.backend.watch('', revision, (ev) => this.apply(ev), {
      onProgress: (rev) => this.progress(rev),
      onError: (err) => this.restart(err),
    });
  }

  // ---- reads ----------------------------------------------------------------------------------------------------

  async get(key: string, opts?: ReadOptions): Promise<StoredObject | undefined> {
    this.assertOpen();
    if (!opts?.cached) return this.backend.get(key);
    const c = bucketOf(this.buckets, key)?.get(key);
    return c && stored(key, c);
  }

  async list(prefix: string, opts: ListOptions = {}): Promise<ListResult> {
    this.assertOpen();
    if (!opts.cached || opts.revision !== undefined) return this.backend.list(prefix, opts);
    const limit = opts.limit && opts.limit > 0 ? Math.floor(opts.limit) : 0;
    const after = opts.continueAfter !== undefined && opts.continueAfter >= prefix ? opts.continueAfter : undefined;
    const keys: string[] = [];
    const scan = (m: Map<string, CachedObject>) => {
      for (const k of m.keys()) if (k.startsWith(prefix) && (after === undefined || k > after)) keys.push(k);
    };
    const bucket = resourceBucket(prefix);
    if (bucket !== undefined) {
      const m = this.buckets.get(bucket);
      if (m) scan(m);
    } else {
      for (const m of this.buckets.values()) scan(m);
    }
    keys.sort();
    const result: ListResult = { items: [], revision: this.revision };
    const shown = limit > 0 && keys.length > limit ? keys.slice(0, limit) : keys;
    for (const k of shown) result.items.push(stored(k, bucketOf(this.buckets, k)!.get(k)!));
    if (shown.length < keys.length) {
      result.continueAfter = shown[shown.length - 1];
      result.remaining = keys.length - shown.length;
    }
    return result;
  }

  // ---- writes go to the store -----------------------------------------------------------------------------------

  create(key: string, value: KubeObject): Promise<StoredObject> {
    this.assertOpen();
    return this.backend.create(key, value);
  }

  update(key: string, value: KubeObject, expectedModRevision?: number): Promise<StoredObject> {
    this.assertOpen();
    return this.backend.update(key, value, expectedModRevision);
  }

  delete(key: string, expectedModRevision?: number): Promise<StoredObject> {
    this.assertOpen();
    return this.backend.delete(key, expectedModRevision);
  }

  // ---- watches from the window ----------------------------------------------------------------------------------

  watch(prefix: string, fromRevision: number, onEvent: (ev: StoreEvent) => void, opts?: WatchOptions): Watcher {
    this.assertOpen();
    if (fromRevision < this.windowStart) throw new StorageError('Expired', prefix, `too old resource version: ${fromRevision} (${this.windowStart})`);
    return this.hub.watch(prefix, fromRevision, onEvent, (after) => this.window.after(after), opts);
  }

  /** The revision the cache has caught up to: every event up to it has been applied and handed to the watchers. */
  currentRevision(): number {
    return this.revision;
  }

  compactedRevision(): number {
    return this.windowStart;
  }

  /** Compacts the store underneath and drops the cache's own events at or below `revision`. */
  async compact(revision: number): Promise<void> {
    this.assertOpen();
    await this.backend.compact(revision);
    const target = Math.min(Math.floor(revision), this.revision);
    if (target <= this.windowStart) return;
    this.window.dropThrough(target);
    this.windowStart = target;
  }

  /** Bytes of object text the event window holds (its events' values and previous values). */
  historyBytes(): number {
    return this.window.bytes;
  }

  /** Live watches served from the cache (metrics, tests). */
  watcherCount(): number {
    return this.hub.size;
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    clearTimeout(this.relistTimer);
    this.feed?.stop();
    this.hub.stopAll();
    await this.backend.close();
  }

  // ---- feeding --------------------------------------------------------------------------------------------------

  private apply(ev: StoreEvent): void {
    if (ev.revision <= this.revision) return;
    const objects = bucketOf(this.buckets, ev.key, true)!;
    const before = objects.get(ev.key);
    const text = JSON.stringify(ev.object);
    if (ev.type === 'DELETED') objects.delete(ev.key);
    else objects.set(ev.key, { text, createRevision: ev.type === 'ADDED' ? ev.revision : (before?.createRevision ?? 0), modRevision: ev.revision });
    const prevText = ev.type === 'ADDED' ? null : (before?.text ?? (ev.prevObject ? JSON.stringify(ev.prevObject) : null));
    const entry = new HistoryEntry(ev.revision, ev.key, ev.type, text, before?.createRevision ?? ev.revision, prevText, before?.modRevision ?? 0);
    // The store decoded this object for this event alone: the watchers share it instead of parsing `text` again.
    entry.adoptParsed(ev.object);
    this.revision = ev.revision;
    const dropped = this.window.push(entry);
    if (dropped !== undefined) this.windowStart = Math.max(this.windowStart, dropped);
    this.hub.publish(entry);
  }

  private progress(revision: number): void {
    if (revision <= this.revision) return;
    this.revision = revision;
    this.hub.progress(revision);
  }

  /** The feeding watch ended: every watch served so far ends with Expired, and the cache starts over. */
  private restart(err: StorageError): void {
    if (this.closed) return;
    this.feed = undefined;
    console.error(`berth: watch cache: the store's watch ended (${err.message}); listing again`);
    this.hub.stopAll(new StorageError('Expired', '', `too old resource version: ${this.windowStart} (${this.revision})`));
    const relist = () => {
      this.sync().catch((e: unknown) => {
        console.error('berth: watch cache: listing again failed:', e instanceof Error ? e.message : e);
        if (!this.closed) this.relistTimer = setTimeout(relist, this.opts.relistDelayMs ?? 1000);
      });
    };
    this.relistTimer = setTimeout(relist, this.opts.relistDelayMs ?? 1000);
  }

  private assertOpen(): void {
    if (this.closed) throw new Error('storage is closed');
  }
}

function bucketOf(buckets: Map<string, Map<string, CachedObject>>, key: string, create = false): Map<string, CachedObject> | undefined {
  const b = resourceBucket(key) ?? '';
  let m = buckets.get(b);
  if (!m && create) buckets.set(b, (m = new Map()));
  return m;
}

function stored(key: string, c: CachedObject): StoredObject {
  return { key, value: JSON.parse(c.text) as KubeObject, createRevision: c.createRevision, modRevision: c.modRevision, text: c.text };
}

/**
 * The recent events in revision order, oldest dropped first once full or past the byte budget (the newest event is
 * always kept). Revisions may have gaps (writes outside the cached key space, failed transactions take none but other
 * clients' writes do), so lookups search.
 */
class EventWindow {
  private readonly slots: (HistoryEntry | undefined)[];
  private head = 0;
  private size = 0;
  private heldBytes = 0;

  constructor(private readonly capacity: number, private readonly maxBytes: number) {
    if (!Number.isInteger(capacity) || capacity < 1) throw new RangeError(`watch cache capacity must be a positive integer, got ${capacity}`);
    if (!(maxBytes > 0)) throw new RangeError(`watch cache byte budget must be positive, got ${maxBytes}`);
    this.slots = new Array(capacity);
  }

  get bytes(): number {
    return this.heldBytes;
  }

  /** Appends an event; returns the revision of the newest event that fell out, if any did. */
  push(entry: HistoryEntry): number | undefined {
    let dropped: number | undefined;
    if (this.size === this.capacity) dropped = this.dropOldest();
    this.slots[(this.head + this.size) % this.capacity] = entry;
    this.size++;
    this.heldBytes += entry.bytes;
    while (this.heldBytes > this.maxBytes && this.size > 1) dropped = this.dropOldest();
    return dropped;
  }

  /** The first event with a revision above `revision`, if retained. */
  after(revision: number): HistoryEntry | undefined {
    let lo = 0;
    let hi = this.size;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.at(mid).revision <= revision) lo = mid + 1;
      else hi = mid;
    }
    return lo < this.size ? this.at(lo) : undefined;
  }

  dropThrough(revision: number): void {
    while (this.size > 0 && this.slots[this.head]!.revision <= revision) this.dropOldest();
  }

  clear(): void {
    this.slots.fill(undefined);
    this.head = 0;
    this.size = 0;
    this.heldBytes = 0;
  }

  private dropOldest(): number {
    const entry = this.slots[this.head]!;
    this.slots[this.head] = undefined;
    this.head = (this.head + 1) % this.capacity;
    this.size--;
    this.heldBytes -= entry.bytes;
    return entry.revision;
  }

  private at(i: number): HistoryEntry {
    return this.slots[(this.head + i) % this.capacity]!;
  }
}
