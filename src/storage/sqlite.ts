// The Store contract on an embedded SQLite file (better-sqlite3). One process owns the file; all writes run
// synchronously inside one transaction each, so the in-memory revision counter, the event ring and the watcher
// notifications always agree with what was committed.
import { chmodSync, closeSync, existsSync, mkdirSync, openSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';
import type { KubeObject } from '../apimachinery/types.js';
import { DEFAULT_HISTORY_MAX_BYTES, EventRing, HistoryEntry } from './event-ring.js';
import { StorageError, type JoinedValues, type ListOptions, type ListResult, type Store, type StoreEvent, type StoredObject, type Watcher, type WatchOptions } from './interface.js';
import { prefixUpperBound } from './key-range.js';
import { pastStates, type PastState } from './snapshot.js';
import {
  checkIntegrity,
  configureConnection,
  EVENT_TYPE_CODES,
  EVENT_TYPES_BY_CODE,
  INITIAL_REVISION,
  migrate,
  prepareStatements,
  type Durability,
  type HistoryShape,
  type KvRow,
  type Statements,
  useIncrementalVacuum,
  vacuumFreePages,
} from './schema.js';
import { WatchHub } from './watch-hub.js';
import { KEY_ROOT } from './key-layout.js';
import { isScoped, type ScopedValueTransformer, type ValueTransformer } from './value-transformer.js';

export const DEFAULT_HISTORY_LIMIT = 10_000;
export { DEFAULT_HISTORY_MAX_BYTES };

export interface SqliteStoreOptions {
  /** Database file, or ':memory:' (tests). Parent directories are created. */
  path: string;
  /** How many recent write events are retained for watches (default 10000). */
  historyLimit?: number;
  /**
   * The same window bounded by the size of its texts (default 128 MiB): the oldest events are compacted first, on
   * disk too, and watches from before them get 410 Expired.
   */
  historyMaxBytes?: number;
  /** 'normal' (default) survives a process crash; 'full' fsyncs every commit and survives power loss. */
  durability?: Durability;
  /** Hold an exclusive lock on the file for the store's lifetime (default true). */
  exclusive?: boolean;
  /** How long to wait for a lock held by another process before failing (default 5000 ms). */
  busyTimeoutMs?: number;
  /**
   * The value path (encryption at rest). A scoped transformer changes only the keys it handles (the others stay JSON
   * text, joined in SQL) and its stale values are rewritten at open; any other transformer applies to every key.
   */
  transformer?: ValueTransformer;
  /** How often free pages are given back to the file system (default 60 s; 0: never, tests call housekeeping()). */
  vacuumIntervalMs?: number;
  /** Called when a watch callback throws (default: logged to stderr). */
  onWatchCallbackError?: (err: unknown, ev: StoreEvent) => void;
}

export function openSqliteStore(opts: SqliteStoreOptions): SqliteStore {
  return new SqliteStore(opts);
}

export class SqliteStore implements Store {
  private readonly db: Database.Database;
  private readonly stmts: Statements;
  private readonly ring: EventRing;
  private readonly hub: WatchHub;
  private readonly historyLimit: number;
  /** Rows of the history table are deleted in batches once this many fall out of the ring. */
  private readonly trimBatch: number;
  /** ... or once this many bytes did. */
  private readonly trimBatchBytes: number;
  /** The ring's evictedBytes when history rows were last trimmed. */
  private trimmedAtEvictedBytes = 0;
  private revision = INITIAL_REVISION;
  /** The history table holds no rows at or below this revision. */
  private trimmedThrough = 0;
  private closed = false;
  private readonly inTransaction: (write: () => void) => void;
  /** History entries logged by the write transaction in progress, in revision order after `revision`. */
  private batchEntries: HistoryEntry[] = [];
  /** The newest of `batchEntries` per key. */
  private batchByKey = new Map<string, HistoryEntry>();
  /** Writes waiting for the next group commit. */
  private batch: PendingWrite[] = [];
  private readonly enc?: ScopedValueTransformer;
  private readonly vacuumTimer?: NodeJS.Timeout;

  constructor(opts: SqliteStoreOptions) {
    this.historyLimit = opts.historyLimit ?? DEFAULT_HISTORY_LIMIT;
    const maxBytes = opts.historyMaxBytes ?? DEFAULT_HISTORY_MAX_BYTES;
    this.ring = new EventRing(this.historyLimit, maxBytes);
    this.trimBatch = Math.max(1, Math.floor(this.historyLimit / 8));
    this.trimBatchBytes = maxBytes / 8;
    this.hub = new WatchHub(opts.onWatchCallbackError ?? logWatchCallbackError);
    this.enc = opts.transformer ? scoped(opts.transformer) : undefined;
    if (opts.path !== ':memory:') {
      mkdirSync(dirname(opts.path), { recursive: true });
      // The database holds every object: owner-only whatever the directory's mode (SQLite gives its WAL and
      // shared-memory files the database file's mode).
      if (!existsSync(opts.path)) closeSync(openSync(opts.path, 'a', 0o600));
      for (const f of [opts.path, `${opts.path}-wal`, `${opts.path}-shm`]) if (existsSync(f)) chmodSync(f, 0o600);
    }
    this.db = new Database(opts.path, { timeout: opts.busyTimeoutMs ?? 5000 });
    try {
      try {
        configureConnection(this.db, opts.durability ?? 'normal', opts.exclusive ?? true);
      } catch (e) {
        // e.g. `file is not a database`: name the file
        throw new Error(`${opts.path}: ${e instanceof Error ? e.message : String(e)}`);
      }
      if (opts.path !== ':memory:') checkIntegrity(this.db, opts.path);
      migrate(this.db);
      useIncrementalVacuum(this.db);
      this.stmts = prepareStatements(this.db);
      this.inTransaction = this.db.transaction((write: () => void) => write());
      if (this.enc) this.reencrypt();
      this.loadHistory();
    } catch (err) {
      this.db.close();
      throw err;
    }
    const every = opts.vacuumIntervalMs ?? 60_000;
    if (every > 0) {
      this.vacuumTimer = setInterval(() => this.housekeeping(), every);
      this.vacuumTimer.unref();
    }
  }

  /** Gives the file's free pages back (periodically; tests call it directly). Returns the pages freed. */
  housekeeping(): number {
    if (this.closed) return 0;
    try {
      return vacuumFreePages(this.db);
    } catch (err) {
      console.error('storage: incremental vacuum failed:', err);
      return 0;
    }
  }

  async get(key: string): Promise<StoredObject | undefined> {
    this.assertOpen();
    const known = this.ring.newestOf(key);
    if (known && known.createRevision > 0) return known.type === 'DELETED' ? undefined : storedFromEntry(known);
    const row = this.stmts.getKv.get(key);
    return row && storedFromRow(this.plain(row));
  }

  async list(prefix: string, opts: ListOptions = {}): Promise<ListResult> {
    this.assertOpen();
    const limit = opts.limit && opts.limit > 0 ? Math.floor(opts.limit) : 0;
    if (opts.revision !== undefined && opts.revision < this.revision) return this.listAt(prefix, opts.revision, opts.continueAfter, limit);
    const rows = this.scan(prefix, opts.continueAfter, limit > 0 ? limit + 1 : -1);
    const result: ListResult = { items: [], revision: this.revision };
    if (limit > 0 && rows.length > limit) {
      rows.length = limit;
      const last = rows[limit - 1]!.key;
      result.continueAfter = last;
      result.remaining = this.countAfter(prefix, last);
    }
    result.items = rows.map((r) => listedFromRow(this.plain(r)));
    return result;
  }

  async joinedValues(prefix: string, opts: { limit?: number; continueAfter?: string } = {}): Promise<JoinedValues> {
    this.assertOpen();
    const limit = opts.limit && opts.limit > 0 ? Math.floor(opts.limit) : -1;
    const after = opts.continueAfter !== undefined && opts.continueAfter >= prefix ? opts.continueAfter : undefined;
    if (this.enc?.overlaps(prefix)) {
      // encrypted values are joined here, not in SQL
      const rows = this.scan(prefix, after, limit).map((r) => this.plain(r));
      const result: JoinedValues = { chunks: [Buffer.from(rows.map((r) => r.value).join(','))], count: rows.length, revision: this.revision };
      const last = rows[rows.length - 1]?.key;
      if (limit > 0 && rows.length === limit && last !== undefined) {
        const remaining = this.countAfter(prefix, last);
        if (remaining > 0) {
          result.continueAfter = last;
          result.remaining = remaining;
        }
      }
      return result;
    }
    if (limit > 0 && limit <= JOIN_PAGE) return this.joinOnce(prefix, after, limit);
    // A large list is read a page at a time, the event loop serving other requests in between; the pages form one
    // consistent state as long as nothing under the prefix was written meanwhile, else the list is read again at once.
    const start = this.revision;
    const parts: Buffer[] = [];
    let count = 0;
    let cursor = after;
    for (;;) {
      const want = limit > 0 ? Math.min(JOIN_PAGE, limit - count) : JOIN_PAGE;
      const page = this.joinOnce(prefix, cursor, want, false);
      if (page.count > 0) parts.push(...page.chunks);
      count += page.count;
      cursor = page.continueAfter;
      if (page.count < want || (limit > 0 && count >= limit)) break;
      await new Promise<void>((r) => setImmediate(r));
      this.assertOpen();
      if (this.writtenUnderSince(prefix, start)) return this.joinOnce(prefix, after, limit);
    }
    const result: JoinedValues = { chunks: joinWithCommas(parts), count, revision: this.revision };
    if (limit > 0 && count === limit && cursor !== undefined) {
      const remaining = this.countAfter(prefix, cursor);
      if (remaining > 0) {
        result.continueAfter = cursor;
        result.remaining = remaining;
      }
    }
    return result;
  }

  /**
   * One synchronous read of joined values (limit -1: all). With `counted` (a client's page), continueAfter and
   * remaining are set when more follow; without, continueAfter is the last key read (a cursor for the next page).
   */
  private joinOnce(prefix: string, after: string | undefined, limit: number, counted = true): JoinedValues {
    const upper = prefixUpperBound(prefix);
    const s = this.stmts;
    const row = after !== undefined
      ? (upper === undefined ? s.joinAfter.get(after, limit) : s.joinAfterBounded.get(after, upper, limit))!
      : (upper === undefined ? s.joinFrom.get(prefix, limit) : s.joinFromBounded.get(prefix, upper, limit))!;
    const result: JoinedValues = { chunks: row.joined ? [row.joined] : [], count: row.n, revision: this.revision };
    if (!counted) {
      if (row.last !== null) result.continueAfter = row.last;
      return result;
    }
    if (limit > 0 && row.n === limit && row.last !== null) {
      const remaining = this.countAfter(prefix, row.last);
      if (remaining > 0) {
        result.continueAfter = row.last;
        result.remaining = remaining;
      }
    }
    return result;
  }

  /** Whether a write under `prefix` committed after revision `since` (true when the history no longer says). */
  private writtenUnderSince(prefix: string, since: number): boolean {
    if (this.revision === since) return false;
    if (this.revision - since > JOIN_PAGE * 10) return true;
    for (let rev = since + 1; rev <= this.revision; rev++) {
      const entry = this.ring.at(rev);
      if (!entry || entry.key.startsWith(prefix)) return true;
    }
    return false;
  }

  /** list() at an earlier revision: the current rows merged with the past states of keys written since. */
  private listAt(prefix: string, revision: number, continueAfter: string | undefined, limit: number): ListResult {
    const compacted = this.compactedRevision();
    if (revision < compacted) throw new StorageError('Expired', prefix, `required revision ${revision} has been compacted (${compacted})`);
    const past = pastStates(this.ring, prefix, revision, continueAfter, (rev, key) => this.historyText(rev, key));
    const resurrected = [...past].filter((e): e is [string, NonNullable<PastState>] => e[1] !== null).sort((a, b) => (a[0] < b[0] ? -1 : 1));
    const want = limit > 0 ? limit + 1 : Infinity;
    const out: StoredObject[] = [];
    let next = 0; // into resurrected
    for (const row of this.scanAll(prefix, continueAfter, limit > 0 ? limit + 1 : -1)) {
      while (next < resurrected.length && resurrected[next]![0] < row.key && out.length < want) out.push(listedFromPast(resurrected[next++]!));
      if (out.length >= want) break;
      if (!past.has(row.key)) out.push(listedFromRow(this.plain(row)));
      if (out.length >= want) break;
    }
    while (next < resurrected.length && out.length < want) out.push(listedFromPast(resurrected[next++]!));
    const result: ListResult = { items: out, revision };
    if (out.length > limit && limit > 0) {
      out.length = limit;
      const last = out[limit - 1]!.key;
      result.continueAfter = last;
      // Keys after `last` then: those there now, less the ones created since, plus the ones deleted since.
      let remaining = this.countAfter(prefix, last);
      for (const [key, state] of past) {
        if (key <= last) continue;
        if (this.ring.newestOf(key)?.type !== 'DELETED') remaining--;
        if (state) remaining++;
      }
      result.remaining = remaining;
    }
    return result;
  }

  /** Rows under `prefix` after `after` in key order, read `batch` at a time (-1: all at once). */
  private *scanAll(prefix: string, after: string | undefined, batch: number): Generator<KvRow> {
    for (;;) {
      const rows = this.scan(prefix, after, batch);
      yield* rows;
      if (batch < 0 || rows.length < batch) return;
      after = rows[rows.length - 1]!.key;
    }
  }

  /** Number of keys under `prefix` (for object-count metrics). */
  count(prefix: string): number {
    this.assertOpen();
    const upper = prefixUpperBound(prefix);
    return (upper === undefined ? this.stmts.countFrom.get(prefix) : this.stmts.countFromBounded.get(prefix, upper))!.n;
  }

  async create(key: string, value: KubeObject): Promise<StoredObject> {
    this.assertOpen();
    return this.enqueue((rev) => {
      const stamped = withResourceVersion(value, rev);
      const text = JSON.stringify(stamped);
      if (this.stmts.insertKv.run(key, this.disk(key, text), rev, rev).changes === 0) {
        throw new StorageError('KeyExists', key, `key exists: ${key}`);
      }
      this.appendHistory(new HistoryEntry(rev, key, 'ADDED', text, rev));
      return { key, value: stamped, createRevision: rev, modRevision: rev };
    });
  }

  async update(key: string, value: KubeObject, expectedModRevision?: number): Promise<StoredObject> {
    this.assertOpen();
    return this.enqueue((rev) => {
      const current = this.currentFor(key, expectedModRevision);
      const stamped = withResourceVersion(value, rev);
      const text = JSON.stringify(stamped);
      const prevText = current.text ?? this.text(key, this.stmts.getKvValue.get(key)!.value);
      this.stmts.updateKv.run(this.disk(key, text), rev, key);
      this.appendHistory(new HistoryEntry(rev, key, 'MODIFIED', text, current.createRevision, prevText, current.modRevision));
      return { key, value: stamped, createRevision: current.createRevision, modRevision: rev };
    });
  }

  async delete(key: string, expectedModRevision?: number): Promise<StoredObject> {
    this.assertOpen();
    return this.enqueue((rev) => {
      const current = this.currentFor(key, expectedModRevision);
      // As upstream, the DELETED event and the returned object carry the deletion revision.
      const lastText = current.text ?? this.text(key, this.stmts.getKvValue.get(key)!.value);
      const last = JSON.parse(lastText) as KubeObject;
      last.metadata = { ...last.metadata, resourceVersion: String(rev) };
      this.stmts.deleteKv.run(key);
      this.appendHistory(new HistoryEntry(rev, key, 'DELETED', JSON.stringify(last), current.createRevision, lastText, current.modRevision));
      return { key, value: last, createRevision: current.createRevision, modRevision: rev };
    });
  }

  watch(prefix: string, fromRevision: number, onEvent: (ev: StoreEvent) => void, opts?: WatchOptions): Watcher {
    this.assertOpen();
    const compacted = this.compactedRevision();
    if (fromRevision < compacted) {
      throw new StorageError('Expired', prefix, `too old resource version: ${fromRevision} (${compacted})`);
    }
    return this.hub.watch(prefix, fromRevision, onEvent, (after) => this.ring.at(after + 1), opts);
  }

  currentRevision(): number {
    return this.revision;
  }

  compactedRevision(): number {
    // The ring always holds exactly the revisions (compacted, current].
    return this.revision - this.ring.length;
  }

  compact(revision: number): void {
    this.assertOpen();
    const target = Math.min(Math.floor(revision), this.revision);
    if (target <= this.compactedRevision()) return;
    this.dropHistoryThrough(target, () => this.stmts.setMeta.run(target, 'compacted_revision'));
    this.ring.dropThrough(target);
  }

  /** Number of live watchers (for metrics and tests). */
  watcherCount(): number {
    return this.hub.size;
  }

  /** The watch window in memory: its events and the bytes they count against the budget (diagnostics and tests). */
  historyWindow(): { events: number; bytes: number } {
    return { events: this.ring.length, bytes: this.ring.bytes };
  }

  /** Rows and revision bounds of the on-disk history table (diagnostics and tests). */
  historyStats(): { rows: number; oldest: number | null; newest: number | null } {
    this.assertOpen();
    const b = this.stmts.historyBounds.get()!;
    return { rows: this.stmts.historyRows.get()!.n, oldest: b.lo, newest: b.hi };
  }

  /** SQLite's own consistency check of the file: 'ok' when healthy, otherwise the problems found. */
  integrityCheck(): string {
    this.assertOpen();
    const rows = this.db.pragma('integrity_check') as { integrity_check: string }[];
    return rows.map((r) => r.integrity_check).join('\n');
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.flush(); // acknowledge what was already accepted
    this.closed = true;
    if (this.vacuumTimer) clearInterval(this.vacuumTimer);
    this.hub.stopAll();
    this.db.close();
  }

  /**
   * Group commit: writes issued in the same turn of the event loop (concurrent requests) run in one transaction,
   * each in order and each acknowledged only after that transaction committed. A write whose own check fails (key
   * exists, conflict) is rejected alone and takes no revision; its checks run before it changes anything.
   */
  private enqueue(write: (rev: number) => StoredObject): Promise<StoredObject> {
    return new Promise((resolve, reject) => {
      this.batch.push({ write, resolve, reject });
      if (this.batch.length === 1) setImmediate(() => this.flush());
    });
  }

  private flush(): void {
    const ops = this.batch;
    this.batch = [];
    if (ops.length === 0) return;
    if (this.closed) {
      for (const op of ops) op.reject(new Error('storage is closed'));
      return;
    }
    const done: { op: PendingWrite; result: StoredObject }[] = [];
    const failed: { op: PendingWrite; err: unknown }[] = [];
    this.batchEntries = [];
    this.batchByKey = new Map();
    try {
      this.inTransaction(() => {
        for (const op of ops) {
          const logged = this.batchEntries.length;
          try {
            done.push({ op, result: op.write(this.revision + logged + 1) });
          } catch (err) {
            // Its checks failed before it logged anything (the entry is its last step).
            failed.push({ op, err });
          }
        }
      });
    } catch (err) {
      this.batchEntries = [];
      for (const op of ops) op.reject(err);
      return;
    }
    const entries = this.batchEntries;
    this.batchEntries = [];
    this.batchByKey = new Map();
    for (let i = 0; i < done.length; i++) {
      const entry = entries[i]!;
      this.revision = entry.revision;
      this.ring.push(entry);
      this.hub.publish(entry);
      done[i]!.op.resolve(done[i]!.result);
    }
    for (const { op, err } of failed) op.reject(err);
    this.trimHistory();
  }

  /**
   * Inside a write transaction: logs the event. The row names the previous write's revision rather than repeating
   * its value, unless that row is already trimmed away.
   */
  private appendHistory(entry: HistoryEntry): void {
    const { revision, key, prevText, prevRevision } = entry;
    entry.selfContained = prevText === null || prevRevision <= this.trimmedThrough;
    const storedPrev = prevText !== null && entry.selfContained ? prevText : null;
    this.stmts.insertHistory.run(revision, key, EVENT_TYPE_CODES[entry.type], this.disk(key, entry.valueText), storedPrev === null ? null : this.disk(key, storedPrev), prevRevision || null);
    this.batchEntries.push(entry);
    this.batchByKey.set(key, entry);
  }

  /** After a commit: forgets, in batches, history rows that fell out of the watch window. */
  private trimHistory(): void {
    const through = this.compactedRevision();
    if (through <= this.trimmedThrough) return;
    if (through - this.trimmedThrough < this.trimBatch && this.ring.evictedBytes - this.trimmedAtEvictedBytes < this.trimBatchBytes) return;
    try {
      this.dropHistoryThrough(through);
    } catch (err) {
      // Nothing acknowledged depends on it; the rows are retried with the next batch.
      console.error('storage: trimming history failed:', err);
    }
  }

  /**
   * Deletes the history rows at or below `through` (and runs `alsoInTransaction`). A retained row that points at
   * one of them for its previous value gets that value copied in first; every row above `through` is in the ring.
   */
  private dropHistoryThrough(through: number, alsoInTransaction?: () => void): void {
    const copied: HistoryEntry[] = [];
    this.db.transaction(() => {
      for (let entry = this.ring.at(through + 1); entry; entry = this.ring.at(entry.revision + 1)) {
        if (entry.selfContained || entry.prevRevision > through) continue;
        this.stmts.storePrevValue.run(this.disk(entry.key, entry.prevText!), entry.revision);
        copied.push(entry);
      }
      this.stmts.deleteHistoryThrough.run(through);
      alsoInTransaction?.();
    })();
    for (const entry of copied) entry.selfContained = true;
    this.trimmedThrough = Math.max(this.trimmedThrough, through);
    this.trimmedAtEvictedBytes = this.ring.evictedBytes;
  }

  /**
   * Inside a write transaction: the current state of `key`, checked against the caller's precondition. Keys
   * written recently are answered from this batch or the ring, with their text; others from their row's revisions.
   */
  private currentFor(key: string, expectedModRevision: number | undefined): CurrentState {
    const known = this.batchByKey.get(key) ?? this.ring.newestOf(key);
    let current: CurrentState | undefined;
    if (known && known.createRevision > 0) {
      if (known.type !== 'DELETED') current = { createRevision: known.createRevision, modRevision: known.revision, text: known.valueText };
    } else {
      const row = this.stmts.getKvRevisions.get(key);
      if (row) current = { createRevision: row.create_revision, modRevision: row.mod_revision };
    }
    if (!current) throw new StorageError('KeyNotFound', key, `key not found: ${key}`);
    if (expectedModRevision !== undefined && current.modRevision !== expectedModRevision) {
      throw new StorageError(
        'Conflict',
        key,
        `resource version conflicts: ${key}: expected ${expectedModRevision}, current ${current.modRevision}`,
        storedFromRow(this.plain(this.stmts.getKv.get(key)!)),
      );
    }
    return current;
  }

  private scan(prefix: string, continueAfter: string | undefined, fetch: number): KvRow[] {
    const upper = prefixUpperBound(prefix);
    const s = this.stmts;
    if (continueAfter !== undefined && continueAfter >= prefix) {
      return upper === undefined ? s.listAfter.all(continueAfter, fetch) : s.listAfterBounded.all(continueAfter, upper, fetch);
    }
    return upper === undefined ? s.listFrom.all(prefix, fetch) : s.listFromBounded.all(prefix, upper, fetch);
  }

  private countAfter(prefix: string, after: string): number {
    const upper = prefixUpperBound(prefix);
    return (upper === undefined ? this.stmts.countAfter.get(after) : this.stmts.countAfterBounded.get(after, upper))!.n;
  }

  /**
   * Restores the revision and the watch window from disk. Only the shape of each retained row is read (revision,
   * key, sizes), newest first and within the window's count and bytes; the texts stay on disk until a watch or a
   * read at an old revision needs them, so start-up memory does not depend on how large the history is. Rows the
   * window no longer covers are deleted.
   */
  private loadHistory(): void {
    const explicitCompaction = this.stmts.getMeta.get('compacted_revision')?.value ?? INITIAL_REVISION;
    const bounds = this.stmts.historyBounds.get()!;
    this.revision = Math.max(bounds.hi ?? 0, explicitCompaction);
    this.trimmedThrough = bounds.lo === null ? this.revision : bounds.lo - 1;
    const shapes: HistoryShape[] = [];
    let bytes = 0;
    let expect = this.revision;
    for (const shape of this.stmts.historyShapesDesc.iterate(explicitCompaction, this.historyLimit)) {
      if (shape.revision !== expect) break; // a gap: only what follows it is usable
      if (shapes.length > 0 && bytes + shape.bytes > this.ring.maxBytes) break;
      shapes.push(shape);
      bytes += shape.bytes;
      expect--;
    }
    for (let i = shapes.length - 1; i >= 0; i--) this.ring.push(this.coldEntry(shapes[i]!));
    if (this.ring.newest()?.revision !== this.revision) this.ring.clear();
    const compacted = this.compactedRevision();
    if (bounds.lo !== null && bounds.lo <= compacted) this.dropHistoryThrough(compacted);
  }

  /** A history row as a ring entry whose texts are read from its row (and the row it names) when needed. */
  private coldEntry(shape: HistoryShape): HistoryEntry {
    const type = EVENT_TYPES_BY_CODE[shape.type]!;
    // The create revision is known when the key's previous write is retained just before (0: look it up in kv).
    const retained = this.ring.newestOf(shape.key);
    const previous = retained && retained.revision === shape.prev_revision ? retained : undefined;
    const createRevision = type === 'ADDED' ? shape.revision : (previous?.createRevision ?? 0);
    const { revision, key } = shape;
    const read = () => {
      const row = this.stmts.historyRow.get(revision);
      if (!row) throw new Error(`storage: history row ${revision} (${key}) is gone`);
      let prev: string | null = null;
      if (row.prev_value !== null) prev = this.text(key, row.prev_value);
      else if (row.prev_revision !== null) {
        prev = this.historyText(row.prev_revision, key) ?? null;
        if (prev === null) throw new Error(`storage: history row ${row.prev_revision} (${key}) is gone`);
      }
      return { value: this.text(key, row.value), prev };
    };
    const selfContained = shape.inline_prev === 1 || shape.prev_revision === null;
    return HistoryEntry.cold(revision, key, type, createRevision, shape.prev_revision ?? 0, selfContained, shape.bytes, read);
  }

  /** A value as stored on disk (encrypted for the keys the transformer handles). */
  private disk(key: string, text: string): string | Buffer {
    if (!this.enc?.handles(key)) return text;
    const plain = Buffer.from(text);
    const stored = this.enc.toStorage(key, plain);
    return stored === plain ? text : stored; // left as it is (identity): stays text
  }

  /** A stored value's JSON text. */
  private text(key: string, stored: string | Buffer): string {
    if (!this.enc || typeof stored === 'string') return stored as string;
    return this.enc.fromStorage(key, stored).toString('utf8');
  }

  private plain<R extends { key: string; value: string }>(row: R): R {
    return this.enc && typeof row.value !== 'string' ? { ...row, value: this.text(row.key, row.value) } : row;
  }

  private historyText(revision: number, key: string): string | undefined {
    const v = this.stmts.historyValue.get(revision)?.value;
    return v === undefined ? undefined : this.text(key, v);
  }

  /**
   * Rewrites, in place and without new revisions, every value of an encrypted resource that its first provider did
   * not write (plaintext from before encryption, or an older key after rotation); when any was rewritten, the file
   * is vacuumed so that no old bytes remain in free pages.
   */
  private reencrypt(): void {
    const enc = this.enc!;
    let rewritten = 0;
    this.db.transaction(() => {
      for (const prefix of [`${KEY_ROOT}/`]) {
        const upper = prefixUpperBound(prefix)!;
        // Keys first, values one at a time: the other resources' values are never read into memory.
        for (const { key } of this.stmts.kvKeysUnder.all(prefix, upper)) {
          if (!enc.handles(key)) continue;
          const value = this.stmts.getKvValue.get(key)!.value;
          if (this.isCurrent(key, value)) continue;
          this.stmts.rewriteKv.run(this.disk(key, this.text(key, value)), key);
          rewritten++;
        }
        for (const { revision, key } of this.stmts.historyKeysUnder.all(prefix, upper)) {
          if (!enc.handles(key)) continue;
          const row = this.stmts.historyRow.get(revision)!;
          if (this.isCurrent(key, row.value) && (row.prev_value === null || this.isCurrent(key, row.prev_value))) continue;
          const prev = row.prev_value === null ? null : this.disk(key, this.text(key, row.prev_value));
          this.stmts.rewriteHistory.run(this.disk(key, this.text(key, row.value)), prev, revision);
          rewritten++;
        }
      }
    })();
    if (rewritten > 0) {
      this.db.pragma('wal_checkpoint(TRUNCATE)');
      this.db.exec('VACUUM');
      this.db.pragma('wal_checkpoint(TRUNCATE)');
    }
  }

  private isCurrent(key: string, stored: string | Buffer): boolean {
    return this.enc!.isCurrent(key, typeof stored === 'string' ? Buffer.from(stored) : stored);
  }

  private assertOpen(): void {
    if (this.closed) throw new Error('storage is closed');
  }
}

interface PendingWrite {
  write: (rev: number) => StoredObject;
  resolve: (v: StoredObject) => void;
  reject: (e: unknown) => void;
}

/** What a write needs of the key it replaces; `text` when it is at hand without reading the row. */
interface CurrentState {
  createRevision: number;
  modRevision: number;
  text?: string;
}

function storedFromEntry(entry: HistoryEntry): StoredObject {
  return { key: entry.key, value: JSON.parse(entry.valueText) as KubeObject, createRevision: entry.createRevision, modRevision: entry.revision };
}

function storedFromRow(row: KvRow): StoredObject {
  return { key: row.key, value: JSON.parse(row.value) as KubeObject, createRevision: row.create_revision, modRevision: row.mod_revision };
}

/**
 * An item of a list, whose value is parsed from its text on first read: a list answered by splicing the texts (the
 * common JSON LIST) never parses its items.
 */
class ListedObject implements StoredObject {
  private parsed?: KubeObject;
  constructor(readonly key: string, readonly text: string, readonly createRevision: number, readonly modRevision: number) {}

  get value(): KubeObject {
    return (this.parsed ??= JSON.parse(this.text) as KubeObject);
  }

  set value(v: KubeObject) {
    this.parsed = v;
  }
}

/** Rows per synchronous read when a large list is joined page by page (~1-2 ms of SQLite each). */
const JOIN_PAGE = 1000;

const COMMA = Buffer.from(',');

/** Pages with commas between them; not copied into one buffer (a 5 MB copy costs more than its writes). */
function joinWithCommas(parts: Buffer[]): Buffer[] {
  return parts.flatMap((p, i) => (i === 0 ? [p] : [COMMA, p]));
}

const listedFromRow = (row: KvRow): StoredObject => new ListedObject(row.key, row.value, row.create_revision, row.mod_revision);

const listedFromPast = ([key, state]: [string, NonNullable<PastState>]): StoredObject => new ListedObject(key, state.text, state.createRevision, state.modRevision);

/** A shallow copy of `value` whose metadata.resourceVersion is the write's revision; the input is not modified. */
function withResourceVersion(value: KubeObject, rev: number): KubeObject {
  return { ...value, metadata: { ...value.metadata, resourceVersion: String(rev) } };
}

function logWatchCallbackError(err: unknown, ev: StoreEvent): void {
  console.error(`storage: watch callback failed on ${ev.type} ${ev.key} at revision ${ev.revision}:`, err);
}

/** A transformer that does not say which keys it changes changes them all. */
function scoped(t: ValueTransformer): ScopedValueTransformer {
  if (isScoped(t)) return t;
  return {
    toStorage: (key, plain) => t.toStorage(key, plain),
    fromStorage: (key, stored) => t.fromStorage(key, stored),
    handles: () => true,
    overlaps: () => true,
    isCurrent: () => true,
  };
}
