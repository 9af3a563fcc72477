// Bounded in-memory window of the most recent write events, used to replay watches without touching SQLite.
// Revisions are contiguous (every write bumps the global revision by exactly one), so the entry for a revision
// is found by arithmetic instead of a search.
import type { KubeObject } from '../apimachinery/types.js';
import type { StoreEvent, StoreEventType } from './interface.js';

// Each parsed event object's JSON text: JSON.stringify of the parse of a JSON.stringify result gives that result
// back, so a watcher that sends the object as JSON can send the stored text instead of serialising again.
const jsonTexts = new WeakMap<object, string>();

/** The JSON text of an event object exactly as JSON.stringify would produce it; undefined for other objects. */
export function storedJsonText(obj: object): string | undefined {
  return jsonTexts.get(obj);
}

/** One write as kept in history: JSON texts, parsed into a StoreEvent only when some watcher needs it. */
export class HistoryEntry {
  private parsed?: StoreEvent;
  /**
   * The retained entry of the same key's previous write, whose parsed object doubles as this event's prevObject.
   * Linked by the ring on push and unlinked when that entry leaves the ring, so chains never outlive the window.
   */
  prevEntry: HistoryEntry | undefined;
  private nextEntry: HistoryEntry | undefined;

  constructor(
    readonly revision: number,
    readonly key: string,
    readonly type: StoreEventType,
    readonly valueText: string,
    /** The key's create revision (etcd's create_revision); 0 when unknown (some rows read back at startup). */
    readonly createRevision: number,
    /** The previous value's text (the text of the write at prevRevision); null for ADDED. */
    readonly prevText: string | null = null,
    /** Revision of the same key's previous write; 0 for ADDED. */
    readonly prevRevision: number = 0,
    /** Whether the history row needs no other row: ADDED, or prevText stored inline rather than by prevRevision. */
    public selfContained = true,
  ) {}

  /**
   * The event, parsed once and shared by every watcher that receives it: receivers must treat it as read-only.
   * The previous value is produced only when some receiver reads it (watches without a selector never do).
   */
  event(): StoreEvent {
    if (!this.parsed) {
      const ev: StoreEvent = { type: this.type, key: this.key, revision: this.revision, object: JSON.parse(this.valueText) };
      jsonTexts.set(ev.object, this.valueText);
      if (this.prevText !== null) definePrevObject(ev, this);
      this.parsed = ev;
    }
    return this.parsed;
  }

  /** Called by the ring: `prev` is this key's previous write and still retained. */
  linkPrev(prev: HistoryEntry): void {
    this.prevEntry = prev;
    prev.nextEntry = this;
  }

  /** Called by the ring when this entry leaves the window. */
  unlink(): void {
    if (this.nextEntry) this.nextEntry.prevEntry = undefined;
    this.nextEntry = undefined;
    this.prevEntry = undefined;
  }

  /** The previous value: the previous entry's already-parsed object when retained, else a parse of prevText. */
  prevValue(): KubeObject {
    return this.prevEntry ? this.prevEntry.event().object : (JSON.parse(this.prevText!) as KubeObject);
  }
}

/** `ev.prevObject` as an enumerable member that is produced on first read and then held. */
function definePrevObject(ev: StoreEvent, entry: HistoryEntry): void {
  let parsed: KubeObject | undefined;
  Object.defineProperty(ev, 'prevObject', {
    enumerable: true,
    configurable: true,
    get: () => (parsed ??= entry.prevValue()),
  });
}

export class EventRing {
  private readonly slots: (HistoryEntry | undefined)[];
  private head = 0; // slot of the oldest entry
  private size = 0;
  /** Each key's newest retained write: the current state of recently written keys, without a read of SQLite. */
  private readonly newestByKey = new Map<string, HistoryEntry>();

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
      this.forget(this.slots[this.head]!);
      this.slots[this.head] = entry;
      this.head = (this.head + 1) % this.capacity;
    } else {
      this.slots[(this.head + this.size) % this.capacity] = entry;
      this.size++;
    }
    const prev = this.newestByKey.get(entry.key);
    if (prev && prev.revision === entry.prevRevision) entry.linkPrev(prev);
    this.newestByKey.set(entry.key, entry);
  }

  /** The newest retained write of `key` (a DELETED entry means the key is absent), if any is retained. */
  newestOf(key: string): HistoryEntry | undefined {
    return this.newestByKey.get(key);
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
      this.forget(this.slots[this.head]!);
      this.slots[this.head] = undefined;
      this.head = (this.head + 1) % this.capacity;
      this.size--;
    }
  }

  clear(): void {
    for (const entry of this.slots) entry?.unlink();
    this.slots.fill(undefined);
    this.newestByKey.clear();
    this.head = 0;
    this.size = 0;
  }

  /** Bookkeeping for an entry leaving the window. */
  private forget(entry: HistoryEntry): void {
    entry.unlink();
    if (this.newestByKey.get(entry.key) === entry) this.newestByKey.delete(entry.key);
  }
}
