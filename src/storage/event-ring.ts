// Bounded in-memory window of the most recent write events, used to replay watches without touching SQLite.
// Revisions are contiguous (every write bumps the global revision by exactly one), so the entry for a revision
// is found by arithmetic instead of a search.
import type { KubeObject } from '../apimachinery/types.js';
import type { StoreEvent, StoreEventType } from './interface.js';

/**
 * Bytes of object text a watch history may hold (values and the previous values they replaced): SQLite's history
 * and the etcd store's watch cache, both set by --watch-history-mb.
 */
export const DEFAULT_HISTORY_MAX_BYTES = 128 * 1024 * 1024;

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

  /** The texts, when held in memory; a cold entry (read back at start) reads them from disk on each use instead. */
  private value: string | undefined;
  private prev: string | null | undefined;
  private readonly read: (() => { value: string; prev: string | null }) | undefined;
  /** What the entry counts against the ring's byte budget: its value and the previous value it holds. */
  readonly bytes: number;

  constructor(
    readonly revision: number,
    readonly key: string,
    readonly type: StoreEventType,
    valueText: string,
    /** The key's create revision (etcd's create_revision); 0 when unknown (some rows read back at startup). */
    readonly createRevision: number,
    /** The previous value's text (the text of the write at prevRevision); null for ADDED. */
    prevText: string | null = null,
    /** Revision of the same key's previous write; 0 for ADDED. */
    readonly prevRevision: number = 0,
    /** Whether the history row needs no other row: ADDED, or prevText stored inline rather than by prevRevision. */
    public selfContained = true,
    cold?: { bytes: number; read: () => { value: string; prev: string | null } },
  ) {
    this.value = cold ? undefined : valueText;
    this.prev = cold ? undefined : prevText;
    this.read = cold?.read;
    this.bytes = cold ? cold.bytes : valueText.length + (prevText?.length ?? 0);
  }

  /**
   * An entry whose texts stay on disk: start-up reads only the revisions, keys and sizes of the history, so the
   * memory it takes does not grow with the size of the objects written before.
   */
  static cold(
    revision: number, key: string, type: StoreEventType, createRevision: number, prevRevision: number, selfContained: boolean,
    bytes: number, read: () => { value: string; prev: string | null },
  ): HistoryEntry {
    return new HistoryEntry(revision, key, type, '', createRevision, null, prevRevision, selfContained, { bytes, read });
  }

  get valueText(): string {
    return this.value ?? this.read!().value;
  }

  /** The previous value's text; null for ADDED. */
  get prevText(): string | null {
    if (this.prev !== undefined) return this.prev;
    return this.type === 'ADDED' ? null : this.read!().prev;
  }

  /**
   * The event, parsed once and shared by every watcher that receives it: receivers must treat it as read-only.
   * The previous value is produced only when some receiver reads it (watches without a selector never do).
   */
  event(): StoreEvent {
    if (this.parsed) return this.parsed;
    const text = this.valueText;
    const ev = this.eventOf(JSON.parse(text) as KubeObject, text);
    // A cold entry's event is not kept: replaying old history must not pull it all back into memory.
    if (!this.read) this.parsed = ev;
    return ev;
  }

  /**
   * Takes `object`, whose JSON.stringify is this entry's value text, as the parsed event: a writer that already holds
   * the object (the watch cache, fed decoded objects by etcd) spares the parse. The object is shared from then on.
   */
  adoptParsed(object: KubeObject): void {
    if (!this.read && !this.parsed) this.parsed = this.eventOf(object, this.valueText);
  }

  private eventOf(object: KubeObject, text: string): StoreEvent {
    const ev: StoreEvent = { type: this.type, key: this.key, revision: this.revision, object };
    jsonTexts.set(object, text);
    if (this.read ? this.type !== 'ADDED' : this.prev !== null) definePrevObject(ev, this);
    return ev;
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
  private heldBytes = 0;
  /** Bytes of every entry that has left the window so far (the store trims its disk history by it too). */
  evictedBytes = 0;
  /** Each key's newest retained write: the current state of recently written keys, without a read of SQLite. */
  private readonly newestByKey = new Map<string, HistoryEntry>();

  /**
   * At most `capacity` entries and, beyond the newest one, at most `maxBytes` of their texts: the oldest go first,
   * so a burst of large objects shortens the window (watchers behind it get 410) instead of growing memory.
   */
  constructor(readonly capacity: number, readonly maxBytes = Infinity) {
    if (!Number.isInteger(capacity) || capacity < 1) throw new RangeError(`history capacity must be a positive integer, got ${capacity}`);
    if (!(maxBytes > 0)) throw new RangeError(`history byte budget must be positive, got ${maxBytes}`);
    this.slots = new Array(capacity);
  }

  get length(): number {
    return this.size;
  }

  /** Bytes the retained entries count against the budget. */
  get bytes(): number {
    return this.heldBytes;
  }

  /** Appends the next revision; the oldest entries fall out past the count or the byte budget. */
  push(entry: HistoryEntry): void {
    const last = this.newest();
    if (last && entry.revision !== last.revision + 1) {
      throw new Error(`history must be contiguous: got revision ${entry.revision} after ${last.revision}`);
    }
    if (this.size === this.capacity) this.dropOldest();
    this.slots[(this.head + this.size) % this.capacity] = entry;
    this.size++;
    this.heldBytes += entry.bytes;
    const prev = this.newestByKey.get(entry.key);
    if (prev && prev.revision === entry.prevRevision) entry.linkPrev(prev);
    this.newestByKey.set(entry.key, entry);
    while (this.heldBytes > this.maxBytes && this.size > 1) this.dropOldest();
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
    while (this.size > 0 && this.slots[this.head]!.revision <= revision) this.dropOldest();
  }

  clear(): void {
    for (const entry of this.slots) entry?.unlink();
    this.slots.fill(undefined);
    this.newestByKey.clear();
    this.head = 0;
    this.size = 0;
    this.heldBytes = 0;
  }

  private dropOldest(): void {
    const entry = this.slots[this.head]!;
    this.forget(entry);
    this.heldBytes -= entry.bytes;
    this.evictedBytes += entry.bytes;
    this.slots[this.head] = undefined;
    this.head = (this.head + 1) % this.capacity;
    this.size--;
  }

  /** Bookkeeping for an entry leaving the window. */
  private forget(entry: HistoryEntry): void {
    entry.unlink();
    if (this.newestByKey.get(entry.key) === entry) this.newestByKey.delete(entry.key);
  }
}
