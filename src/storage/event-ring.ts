// Bounded in-memory window of the most recent write events, used to replay watches without touching SQLite.
// Revisions are contiguous (every write bumps the global revision by exactly one), so the entry for a revision
// is found by arithmetic instead of a search.
import type { KubeObject } from '../apimachinery/types.js';
import type { StoreEvent, StoreEventType } from './interface.js';

/** One write as kept in history: JSON texts, parsed into a StoreEvent only when some watcher needs it. */
export class HistoryEntry {
  private parsed?: StoreEvent;

  constructor(
    readonly revision: number,
    readonly key: string,
    readonly type: StoreEventType,
    readonly valueText: string,
    readonly prevText: string | null,
  ) {}

  /**
   * The event, parsed once and shared by every watcher that receives it: receivers must treat it as read-only.
   * The previous value is parsed only when some receiver reads it (watches without a selector never do).
   */
  event(): StoreEvent {
    if (!this.parsed) {
      const ev: StoreEvent = { type: this.type, key: this.key, revision: this.revision, object: JSON.parse(this.valueText) };
      if (this.prevText !== null) definePrevObject(ev, this.prevText);
      this.parsed = ev;
    }
    return this.parsed;
  }
}

/** `ev.prevObject` as an enumerable member that parses `text` on first read and then holds the result. */
function definePrevObject(ev: StoreEvent, text: string): void {
  let parsed: KubeObject | undefined;
  Object.defineProperty(ev, 'prevObject', {
    enumerable: true,
    configurable: true,
    get: () => (parsed ??= JSON.parse(text) as KubeObject),
  });
}

export class EventRing {
  private readonly slots: (HistoryEntry | undefined)[];
  private head = 0; // slot of the oldest entry
  private size = 0;

  constructor(readonly capacity: number) {
    if (!Number.isInteger(capacity) || capacity < 1) throw new RangeError(`history capacity must be a positive integer, got ${capacity}`);
    this.slots = new Array(capacity);
  }

  get length(): number {
    return this.size;
  }

  /** Appends the next revision; when full, the oldest entry falls out. */
  push(entry: HistoryEntry): void {
    const last = this.newest();
    if (last && entry.revision !== last.revision + 1) {
      throw new Error(`history must be contiguous: got revision ${entry.revision} after ${last.revision}`);
    }
    if (this.size === this.capacity) {
      this.slots[this.head] = entry;
      this.head = (this.head + 1) % this.capacity;
    } else {
      this.slots[(this.head + this.size) % this.capacity] = entry;
      this.size++;
    }
  }

  oldest(): HistoryEntry | undefined {
    return this.size === 0 ? undefined : this.slots[this.head];
  }

  newest(): HistoryEntry | undefined {
    return this.size === 0 ? undefined : this.slots[(this.head + this.size - 1) % this.capacity];
  }

  /** The entry for `revision`, if retained. */
  at(revision: number): HistoryEntry | undefined {
    const first = this.oldest();
    if (!first) return undefined;
    const offset = revision - first.revision;
    if (offset < 0 || offset >= this.size) return undefined;
    return this.slots[(this.head + offset) % this.capacity];
  }

  /** Forgets every entry with revision <= `revision`. */
  dropThrough(revision: number): void {
    while (this.size > 0 && this.slots[this.head]!.revision <= revision) {
      this.slots[this.head] = undefined;
      this.head = (this.head + 1) % this.capacity;
      this.size--;
    }
  }

  clear(): void {
    this.slots.fill(undefined);
    this.head = 0;
    this.size = 0;
  }
}
